-- .tables: the open database's tables.
SELECT table_name
FROM information_schema.tables
WHERE table_schema = 'main' AND table_catalog = current_database()
ORDER BY 1
