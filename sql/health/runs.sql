-- The newest $limit runs with when each started and finished loading.
SELECT
    run_date,
    run_id,
    min(started_at) AS started_at,
    max(loaded_at) AS loaded_at
FROM pipeline_run
GROUP BY run_date, run_id
ORDER BY max(loaded_at) DESC, run_date DESC
LIMIT $limit
