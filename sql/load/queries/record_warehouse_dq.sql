-- Outcomes of the warehouse checks (run inside the load transaction).
INSERT INTO dq_result
SELECT run_date, stage, suite, expectation, column_name, success, observed_value,
       unexpected_count, element_count, $loaded_at
FROM stg_dq_warehouse
