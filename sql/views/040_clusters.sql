-- Story clusters (near-duplicate bodies across outlets): who covered first.
-- Members come from fact_story_cluster, plus fact_article.cluster_id for any
-- article the cluster table does not list.

CREATE OR REPLACE VIEW v_cluster_coverage AS
WITH members AS (
    SELECT cluster_id, article_id, source_id, published_at, run_date FROM fact_story_cluster
    UNION
    SELECT a.cluster_id, a.article_id, a.source_id, a.published_at, a.run_date
    FROM fact_article AS a
    WHERE a.cluster_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM fact_story_cluster AS c
                      WHERE c.cluster_id = a.cluster_id AND c.article_id = a.article_id)
),
per_source AS (
    SELECT cluster_id, source_id,
           min(published_at) AS first_published_at,
           min(run_date) AS first_run_date,
           count(DISTINCT article_id) AS articles
    FROM members
    GROUP BY cluster_id, source_id
)
SELECT
    p.cluster_id,
    p.source_id,
    s.name AS source_name,
    p.articles,
    p.first_published_at,
    p.first_run_date,
    rank() OVER (PARTITION BY p.cluster_id
                 ORDER BY p.first_published_at NULLS LAST, p.first_run_date) AS coverage_rank,
    CAST(round(date_diff('second',
        min(p.first_published_at) OVER (PARTITION BY p.cluster_id),
        p.first_published_at) / 60.0) AS BIGINT) AS lag_minutes
FROM per_source AS p
LEFT JOIN dim_source AS s USING (source_id);

COMMENT ON VIEW v_cluster_coverage IS 'One row per (story cluster, outlet): first publication by that outlet, its rank among outlets (1 = first) and lag in minutes behind the first outlet.';

CREATE OR REPLACE VIEW v_story_clusters AS
WITH cov AS (SELECT * FROM v_cluster_coverage),
titles AS (
    SELECT c.cluster_id, arg_min(a.title, coalesce(a.published_at, c.published_at)) AS title,
           arg_min(a.article_id, coalesce(a.published_at, c.published_at)) AS first_article_id,
           count(DISTINCT c.article_id) AS articles
    FROM (SELECT cluster_id, article_id, published_at FROM fact_story_cluster
          UNION SELECT cluster_id, article_id, published_at FROM fact_article
                WHERE cluster_id IS NOT NULL) AS c
    LEFT JOIN fact_article AS a USING (article_id)
    GROUP BY c.cluster_id
)
SELECT
    cov.cluster_id,
    any_value(t.title) AS title,
    any_value(t.articles) AS articles,
    count(*) AS outlets,
    arg_min(cov.source_id, (cov.coverage_rank, cov.source_id)) AS first_source_id,
    arg_min(cov.source_name, (cov.coverage_rank, cov.source_id)) AS first_source_name,
    any_value(t.first_article_id) AS first_article_id,
    min(cov.first_published_at) AS first_published_at,
    max(cov.first_published_at) AS last_outlet_published_at,
    max(cov.lag_minutes) AS max_lag_minutes,
    list(cov.source_id || ' +' || coalesce(CAST(cov.lag_minutes AS VARCHAR), '?') || 'm'
         ORDER BY cov.coverage_rank, cov.source_id) AS coverage_order,
    min(cov.first_run_date) AS first_run_date
FROM cov
LEFT JOIN titles AS t USING (cluster_id)
GROUP BY cov.cluster_id;

COMMENT ON VIEW v_story_clusters IS 'One row per story cluster: title of the earliest article, articles, outlets, which outlet published first, the slowest outlet lag (minutes) and the coverage order (source +lag).';
