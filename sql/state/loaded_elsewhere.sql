-- Which of these article ids another logical date already loaded.
SELECT article_id
FROM fact_article
WHERE run_date <> $run_date
  AND article_id IN (SELECT unnest($article_ids::VARCHAR[]))
