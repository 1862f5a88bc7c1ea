-- Documents indexed, per index table.
SELECT
    (SELECT count(*) FROM search_article_doc) AS search_article_doc,
    (SELECT count(*) FROM search_quote_doc) AS search_quote_doc
