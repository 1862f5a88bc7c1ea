-- The best $max_rows articles for a query (Python's search_articles).
SELECT * FROM search_articles($query) LIMIT $max_rows
