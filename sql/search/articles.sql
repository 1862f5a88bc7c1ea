-- The best $max_rows articles for a query (Python's search_articles).
-- The macro orders its rows; the outer ORDER BY keeps that order under the LIMIT.
SELECT * FROM search_articles($query)
ORDER BY score DESC, published_at DESC NULLS LAST, article_id ASC
LIMIT $max_rows
