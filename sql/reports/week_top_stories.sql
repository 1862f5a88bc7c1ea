-- The biggest cross-outlet stories of a week: clusters whose articles within
-- $days (DATE[]) come from the most outlets, top $limit, one row per
-- (cluster, outlet) with that outlet's first titled article.
WITH members AS (
    SELECT cluster_id, article_id, source_id, run_date FROM fact_story_cluster
    UNION
    SELECT cluster_id, article_id, source_id, run_date FROM fact_article
    WHERE cluster_id IS NOT NULL
),
week_members AS (SELECT * FROM members WHERE list_contains($days::DATE[], run_date)),
clusters AS (
    SELECT cluster_id,
           count(DISTINCT source_id) AS outlets,
           count(DISTINCT article_id) AS articles,
           min(run_date) AS first_day
    FROM week_members
    GROUP BY cluster_id
    HAVING count(DISTINCT source_id) >= 2
),
top AS (
    SELECT *, row_number() OVER (ORDER BY outlets DESC, articles DESC, cluster_id ASC) AS rank
    FROM clusters
    QUALIFY rank <= $limit
),
per_outlet AS (
    SELECT m.cluster_id, m.source_id,
           min(a.published_at) AS first_published_at,
           arg_min(a.title, (coalesce(a.published_at, TIMESTAMPTZ '9999-12-31'), a.article_id))
               FILTER (WHERE nullif(trim(a.title), '') IS NOT NULL) AS title
    FROM week_members AS m
    INNER JOIN top USING (cluster_id)
    LEFT JOIN fact_article AS a ON a.article_id = m.article_id
    GROUP BY m.cluster_id, m.source_id
)
SELECT t.rank, t.cluster_id, t.outlets, t.articles, t.first_day,
       p.source_id, coalesce(s.name, p.source_id) AS outlet, p.title, p.first_published_at
FROM top AS t
INNER JOIN per_outlet AS p USING (cluster_id)
LEFT JOIN dim_source AS s USING (source_id)
ORDER BY t.rank, p.first_published_at NULLS LAST, p.source_id;
