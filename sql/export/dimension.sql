-- A whole dimension table, written to a Parquet file.
COPY (SELECT * FROM query_table($table)) TO $target (FORMAT parquet, COMPRESSION zstd)
