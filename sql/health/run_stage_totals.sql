-- Run totals per stage and metric: the run-total row ($run_total) when there is
-- one, else the sum of the per-source rows (never both).
SELECT
    stage,
    metric,
    coalesce(
        sum(value) FILTER (WHERE source_id = $run_total),
        sum(value) FILTER (WHERE source_id <> $run_total)
    ) AS value
FROM pipeline_run
WHERE run_date = $run_date AND run_id = $run_id
GROUP BY 1, 2
ORDER BY 1, 2
