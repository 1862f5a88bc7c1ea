-- The kind of the session's current database ('ducklake' on a lake).
SELECT type FROM duckdb_databases() WHERE database_name = current_database()
