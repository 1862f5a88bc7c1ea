-- The newest run date recorded in pipeline_run.
SELECT max(run_date) FROM pipeline_run
