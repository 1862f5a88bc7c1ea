-- The newest run date recorded in fact_feed_fetch.
SELECT max(run_date) FROM fact_feed_fetch
