-- Counts per stage, source and metric of one run (the summarise task's log).
SELECT source_id, stage, metric, value
FROM pipeline_run
WHERE run_date = $run_date
ORDER BY source_id, stage, metric
