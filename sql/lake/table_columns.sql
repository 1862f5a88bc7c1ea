-- Tables of a database's main schema and their columns in order.
SELECT table_name, list(column_name ORDER BY column_index) AS columns
FROM duckdb_columns()
WHERE database_name = $database AND schema_name = 'main'
  AND table_name IN (
      SELECT table_name FROM duckdb_tables()
      WHERE database_name = $database AND schema_name = 'main'
  )
GROUP BY table_name
ORDER BY table_name
