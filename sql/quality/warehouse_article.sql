-- fact_article rows of a run, with their dim_source match and whether the id was
-- loaded once only (an id loaded on an earlier date is a duplicate too).
-- Parameter: $run_date, the run being loaded.
SELECT f.article_id AS record_key, f.source_id, f.url,
       d.source_id AS dim_source_id,
       f.n_key = 1 AS chk_duplicate_article_id
FROM (SELECT article_id, source_id, url, run_date,
             count(*) OVER (PARTITION BY article_id) AS n_key FROM fact_article
      WHERE article_id IN (
          SELECT r.article_id FROM fact_article AS r WHERE r.run_date = $run_date
      )) AS f
LEFT JOIN dim_source AS d ON d.source_id = f.source_id
WHERE f.run_date = $run_date
