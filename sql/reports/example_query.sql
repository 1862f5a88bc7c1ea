SELECT
    s.name AS source,
    count(*) AS articles,
    count(DISTINCT q.quote_idx || q.article_id) AS quotes
FROM fact_article
INNER JOIN dim_source AS s USING (source_id)
LEFT JOIN fact_quote AS q USING (article_id)
GROUP BY ALL
ORDER BY articles DESC;
