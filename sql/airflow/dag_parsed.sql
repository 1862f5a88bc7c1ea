-- Whether the DAG processor has serialised this DAG yet (Airflow's SQLite metadata).
SELECT 1 FROM serialized_dag WHERE dag_id = ?
