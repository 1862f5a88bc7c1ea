-- One folded document per article (title + body, newest load) for the fts index.
CREATE OR REPLACE TABLE search_article_doc AS
SELECT
    article_id,
    ar_fold(coalesce(title, '') || ' ' || coalesce(body_text, '')) AS doc
FROM fact_article
QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY run_date DESC) = 1
