-- Rows in a Parquet file, from its footer.
SELECT num_rows FROM parquet_file_metadata($path)
