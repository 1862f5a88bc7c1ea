-- Asset events queued for a DAG that have not become a run yet.
SELECT count(*) FROM asset_dag_run_queue WHERE target_dag_id = ?
