-- The DAG's runs, oldest logical date first.
SELECT run_id, state, logical_date, run_type, start_date, end_date
FROM dag_run
WHERE dag_id = ?
ORDER BY logical_date
