-- The warehouse's tables and their descriptions.
SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'
