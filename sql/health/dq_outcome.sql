-- Passed and failed expectations of a run.
SELECT
    count(*) FILTER (WHERE success) AS passed,
    count(*) FILTER (WHERE NOT success) AS failed
FROM dq_result
WHERE run_date = $run_date
