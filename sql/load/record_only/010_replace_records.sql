-- When a run must not load facts (an empty run, failed warehouse checks), its
-- feed polls, quarantined rows and expectation outcomes are still recorded, so
-- the UI and analysts can see why. Same statements as the full load, minus facts.
DELETE FROM fact_feed_fetch
WHERE run_date = $run_date AND source_id IN (SELECT source_id FROM stg_feed_fetch);
DELETE FROM quarantine WHERE run_date = $run_date AND requeued_at IS NULL;
DELETE FROM dq_result WHERE run_date = $run_date;
