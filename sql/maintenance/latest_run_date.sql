-- The newest run the analyst copy holds.
SELECT max(run_date) FROM pipeline_run
