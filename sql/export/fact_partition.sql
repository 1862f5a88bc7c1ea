-- One run date of a fact table, written to a Parquet file (run_date comes back
-- from the partition directory's name, so it is not stored in the file).
COPY (
    SELECT * EXCLUDE (run_date)
    FROM query_table($table)
    WHERE run_date = $run_date
) TO $target (FORMAT parquet, COMPRESSION zstd)
