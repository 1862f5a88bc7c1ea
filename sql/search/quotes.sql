-- The best $max_rows quotes for a query (Python's search_quotes).
-- The macro orders its rows; the outer ORDER BY keeps that order under the LIMIT.
SELECT * FROM search_quotes($query)
ORDER BY score DESC, published_at DESC NULLS LAST, article_id ASC, quote_idx ASC
LIMIT $max_rows
