-- Every exported partition of a fact table (run_date from the directory names).
SELECT * FROM read_parquet($pattern, hive_partitioning = true)
