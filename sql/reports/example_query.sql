-- Articles and quotations per source, over every loaded day.
SELECT
    s.name AS source,
    count(DISTINCT a.article_id) AS articles,
    count(q.quote_idx) AS quotes
FROM fact_article AS a
INNER JOIN dim_source AS s USING (source_id)
LEFT JOIN fact_quote AS q USING (article_id)
GROUP BY ALL
ORDER BY articles DESC;
