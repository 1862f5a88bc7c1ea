-- Every stage.metric of one run per source (run-total rows $run_total left out).
SELECT
    source_id,
    stage || '.' || metric AS key,
    sum(value) AS value
FROM pipeline_run
WHERE run_date = $run_date AND source_id <> $run_total
GROUP BY 1, 2
ORDER BY 1, 2
