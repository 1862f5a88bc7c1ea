-- BM25 index over the quote documents (same options as article_index.sql).
-- (sqlfluff has no grammar for this PRAGMA, hence the noqa)
PRAGMA create_fts_index(  -- noqa: PRS
    'search_quote_doc', 'quote_key', 'doc',
    stemmer = 'arabic', stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1
)
