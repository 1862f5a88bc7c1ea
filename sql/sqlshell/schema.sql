-- .schema [name]: CREATE statements of the tables, then the views (all when $name is NULL).
SELECT name, ddl
FROM (
    SELECT table_name AS name, sql AS ddl, 0 AS k
    FROM duckdb_tables()
    WHERE schema_name = 'main' AND database_name = current_database()
    UNION ALL
    SELECT view_name, sql, 1
    FROM duckdb_views()
    WHERE schema_name = 'main' AND database_name = current_database() AND NOT internal
)
WHERE $name IS NULL OR lower(name) = lower($name)
ORDER BY k, name
