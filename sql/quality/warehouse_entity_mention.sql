-- fact_entity_mention rows of a run, with their article and dim_entity matches.
-- Parameter: $run_date, the run being loaded.
SELECT m.article_id || '#' || m.mention_idx AS record_key, a.source_id,
       m.article_id, m.mention_idx, m.entity_id,
       a.article_id AS fact_article_id, e.entity_id AS dim_entity_id
FROM fact_entity_mention AS m
LEFT JOIN (SELECT DISTINCT article_id, source_id FROM fact_article
           WHERE run_date = $run_date) AS a
       ON a.article_id = m.article_id
LEFT JOIN dim_entity AS e ON e.entity_id = m.entity_id
WHERE m.run_date = $run_date
