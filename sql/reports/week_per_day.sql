-- Per logical date of a week (`akhbar week-report`, `make week`): articles,
-- outlets, cross-outlet story clusters and quarantined rows.
-- $days: DATE[] of the dates to report (a date with nothing loaded shows zeros).
-- A cluster counts once, on the first of $days it has an article, when its
-- articles within $days come from two or more outlets.
WITH days AS (SELECT unnest($days::DATE[]) AS run_date),
members AS (
    SELECT cluster_id, article_id, source_id, run_date FROM fact_story_cluster
    UNION
    SELECT cluster_id, article_id, source_id, run_date FROM fact_article
    WHERE cluster_id IS NOT NULL
),
week_members AS (SELECT * FROM members WHERE run_date IN (SELECT run_date FROM days)),
cross_outlet AS (
    SELECT cluster_id, min(run_date) AS run_date FROM week_members
    GROUP BY cluster_id HAVING count(DISTINCT source_id) >= 2
),
a AS (
    SELECT run_date, count(DISTINCT article_id) AS articles,
           count(DISTINCT source_id) AS outlets
    FROM fact_article GROUP BY run_date
),
c AS (SELECT run_date, count(*) AS clusters FROM cross_outlet GROUP BY run_date),
q AS (SELECT run_date, count(*) AS quarantined FROM quarantine GROUP BY run_date)
SELECT d.run_date,
       coalesce(a.articles, 0) AS articles,
       coalesce(a.outlets, 0) AS outlets,
       coalesce(c.clusters, 0) AS clusters,
       coalesce(q.quarantined, 0) AS quarantined
FROM days AS d
LEFT JOIN a USING (run_date)
LEFT JOIN c USING (run_date)
LEFT JOIN q USING (run_date)
ORDER BY d.run_date;
