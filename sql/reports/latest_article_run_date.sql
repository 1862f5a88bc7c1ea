-- The newest run date with loaded articles (the default run to report on).
SELECT max(run_date) FROM fact_article
