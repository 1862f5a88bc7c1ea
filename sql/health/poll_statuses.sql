-- Feed polls of a run, per outcome.
SELECT status, count(*) AS n FROM fact_feed_fetch WHERE run_date = $run_date GROUP BY 1
