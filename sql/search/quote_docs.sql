-- One folded document per quote (speaker + text, newest load) for the fts index.
CREATE OR REPLACE TABLE search_quote_doc AS
SELECT
    article_id || '#' || CAST(quote_idx AS VARCHAR) AS quote_key,
    article_id,
    quote_idx,
    ar_fold(coalesce(speaker, '') || ' ' || text) AS doc
FROM fact_quote
QUALIFY row_number() OVER (PARTITION BY article_id, quote_idx ORDER BY run_date DESC) = 1
