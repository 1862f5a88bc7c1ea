-- A source's real poll attempts before the run date, newest first (failure streaks).
SELECT run_date, status
FROM fact_feed_fetch
WHERE source_id = $source_id AND run_date < $run_date AND status <> 'skipped'
ORDER BY run_date DESC
LIMIT 32
