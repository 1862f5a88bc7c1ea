-- When a run polled its first feed (its start when pipeline_run has none).
SELECT min(fetched_at) FROM fact_feed_fetch WHERE run_date = $run_date
