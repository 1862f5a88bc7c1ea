-- A source's titles of the trailing days (title-key dedup of re-published items).
SELECT article_id, title
FROM fact_article
WHERE source_id = $source_id
  AND run_date < $run_date
  AND run_date >= $since
  AND title IS NOT NULL
