-- BM25 index over the quote documents (same options as article_index.sql).
PRAGMA create_fts_index(
    'search_quote_doc', 'quote_key', 'doc',
    stemmer = 'arabic', stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1
)
