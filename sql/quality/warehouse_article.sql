-- fact_article rows of a run, with their dim_source match and whether the id was
-- loaded once only (an id loaded on an earlier date is a duplicate too).
-- Positional parameters: each one is the run date.
SELECT f.article_id AS record_key, f.source_id, f.url,
       d.source_id AS dim_source_id,
       f.n_key = 1 AS chk_duplicate_article_id
FROM (SELECT article_id, source_id, url, run_date,
             count(*) OVER (PARTITION BY article_id) AS n_key FROM fact_article
      WHERE article_id IN (SELECT article_id FROM fact_article WHERE run_date = ?)) f
LEFT JOIN dim_source d ON d.source_id = f.source_id
WHERE f.run_date = ?
