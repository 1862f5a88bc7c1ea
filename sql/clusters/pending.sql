-- Loaded articles of the run date that story clustering has not reached yet
-- (the load inserts them without a cluster; the cluster step gives every
-- Arabic article with a body one, a story of its own included).
SELECT count(*)
FROM fact_article
WHERE run_date = $run_date AND cluster_id IS NULL
  AND body_text IS NOT NULL AND (language = 'ar' OR language IS NULL)
