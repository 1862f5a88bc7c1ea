-- fact_story_cluster rows of a run, with their dim_source and article matches.
-- Parameter: $run_date, the run being loaded.
SELECT c.cluster_id || '|' || c.article_id AS record_key, c.source_id,
       c.cluster_id, c.article_id,
       d.source_id AS dim_source_id, a.article_id AS fact_article_id
FROM fact_story_cluster AS c
LEFT JOIN dim_source AS d ON d.source_id = c.source_id
LEFT JOIN (SELECT DISTINCT article_id FROM fact_article) AS a ON a.article_id = c.article_id
WHERE c.run_date = $run_date
