-- BM25 index over the article documents. Tokens: runs of letters/digits (Arabic
-- included); the extension's default ignore pattern is ASCII-oriented.
-- (sqlfluff has no grammar for this PRAGMA, hence the noqa)
PRAGMA create_fts_index(  -- noqa: PRS
    'search_article_doc', 'article_id', 'doc',
    stemmer = 'arabic', stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1
)
