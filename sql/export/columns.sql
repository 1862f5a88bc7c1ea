-- A table's columns, types and descriptions, in order.
SELECT column_name, data_type, comment
FROM duckdb_columns()
WHERE schema_name = 'main' AND table_name = $table
ORDER BY column_index
