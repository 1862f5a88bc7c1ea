-- The loaded Arabic articles of the run date and of the window around it (a week
-- each side) that story clustering compares them with: their ids only, so the
-- cluster step can read their text in bounded batches (warehouse_docs.sql, which
-- also drops those without a body: checking it here would read every body).
SELECT a.article_id
FROM fact_article AS a
WHERE a.run_date BETWEEN $since AND $until
  AND (a.language = 'ar' OR a.language IS NULL)
ORDER BY a.article_id
