-- Every source that carried an article: the loaded copy's source and any other
-- feed of the run with the same URL, also when the article itself was loaded
-- under an earlier date (first seen by that source today).
DELETE FROM fact_article_source
WHERE run_date = $run_date AND source_id IN (SELECT source_id FROM stg_loaded_sources);
INSERT INTO fact_article_source (article_id, source_id, run_date, url)
SELECT r.article_id, r.source_id, $run_date, min(r.url)
FROM run_article_source AS r
WHERE r.article_id IN (SELECT article_id FROM fact_article)
  AND NOT EXISTS (
      SELECT 1 FROM fact_article_source AS s
      WHERE s.article_id = r.article_id AND s.source_id = r.source_id
  )
GROUP BY r.article_id, r.source_id;
