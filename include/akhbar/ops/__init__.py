"""Running the pipeline under Airflow: warm executor, the local scheduler harness, week runs."""
