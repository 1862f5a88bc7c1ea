-- Failed and total expectations of a run, per gated stage.
SELECT
    stage,
    count(*) FILTER (WHERE NOT success) AS failed,
    count(*) AS n
FROM dq_result
WHERE run_date = $run_date
GROUP BY 1
