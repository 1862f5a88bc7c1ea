-- Whether the article fts index exists (its schema is created with it).
SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_search_article_doc'
