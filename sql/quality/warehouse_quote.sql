-- fact_quote rows of a run, with their article and speaker dim_entity matches.
-- Parameter: $run_date, the run being loaded.
SELECT q.article_id || '#q' || q.quote_idx AS record_key, a.source_id,
       q.article_id, q.quote_idx, q.speaker_entity_id,
       a.article_id AS fact_article_id, e.entity_id AS dim_entity_id
FROM fact_quote AS q
LEFT JOIN (SELECT DISTINCT article_id, source_id FROM fact_article
           WHERE run_date = $run_date) AS a
       ON a.article_id = q.article_id
LEFT JOIN dim_entity AS e ON e.entity_id = q.speaker_entity_id
WHERE q.run_date = $run_date
