-- fact_date_mention rows of a run, with their article match.
-- Parameter: $run_date, the run being loaded.
SELECT m.article_id || '#d' || m.mention_idx AS record_key, a.source_id,
       m.article_id, m.mention_idx, a.article_id AS fact_article_id
FROM fact_date_mention AS m
LEFT JOIN (SELECT DISTINCT article_id, source_id FROM fact_article
           WHERE run_date = $run_date) AS a
       ON a.article_id = m.article_id
WHERE m.run_date = $run_date
