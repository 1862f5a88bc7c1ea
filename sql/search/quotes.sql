-- The best $max_rows quotes for a query (Python's search_quotes).
SELECT * FROM search_quotes($query) LIMIT $max_rows
