-- Search helpers. akhbar.warehouse.search.build_search_index() creates the BM25
-- full-text indexes (DuckDB fts, Arabic stemmer, over ar_fold(title + body) and
-- ar_fold(speaker + quote)) and then REPLACES search_articles / search_quotes
-- with ranked versions. The definitions here are only the fallback for a
-- warehouse that has no index yet: a plain scan scoring how many folded query
-- words occur. Same columns either way. IF NOT EXISTS keeps the indexed
-- versions when views are re-created. Both return at most max_hits rows
-- (default 100): search_articles('...', max_hits := 1000) for more.

-- ar_query_terms(q): the distinct folded words of a query.
CREATE OR REPLACE MACRO ar_query_terms(q) AS
    list_distinct(list_filter(string_split_regex(trim(ar_fold(q)), '\s+'), LAMBDA t: t <> ''));

-- ar_first_hit_folded(folded_body, terms): 1-based position of the first term
-- found (0 if none). Pass columns, not expressions: macro arguments are inlined.
CREATE OR REPLACE MACRO ar_first_hit_folded(fb, terms) AS coalesce(list_min(list_filter(
    list_transform(terms, LAMBDA t: strpos(fb, t)), LAMBDA x: x > 0)), 0);

-- ar_snippet_at(body, pos) / ar_snippet(body, q): ~200 characters of the original body around the first
-- folded query word found in the folded body. Positions in the folded text run
-- slightly ahead of the original when diacritics were dropped; the window is
-- wide enough for news text, where harakat are rare.
CREATE OR REPLACE MACRO ar_snippet_at(body, pos) AS CASE
    WHEN body IS NULL THEN NULL
    WHEN pos = 0 THEN left(body, 200) || CASE WHEN length(body) > 200 THEN '…' ELSE '' END
    ELSE CASE WHEN pos > 80 THEN '…' ELSE '' END
         || substring(body, greatest(1, pos - 80), 200)
         || CASE WHEN greatest(1, pos - 80) + 200 <= length(body) THEN '…' ELSE '' END
END;

-- Convenience for ad-hoc use (slower: re-folds the body per call).
CREATE OR REPLACE MACRO ar_snippet(body, q) AS
    ar_snippet_at(body, ar_first_hit_folded(ar_fold(body), ar_query_terms(q)));

CREATE MACRO IF NOT EXISTS search_articles(q, max_hits := 100) AS TABLE
WITH a AS (
    SELECT article_id, source_id, title, published_at, body_text,
           ar_fold(coalesce(title, '') || ' ' || coalesce(body_text, '')) AS fdoc,
           ar_query_terms(q) AS terms
    FROM fact_article
    QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY run_date DESC) = 1
),
scored AS (
    SELECT *, CAST(len(list_filter(terms, LAMBDA t: contains(fdoc, t))) AS DOUBLE) AS score
    FROM a
),
best AS (SELECT * FROM scored WHERE score > 0 ORDER BY score DESC LIMIT max_hits),
folded AS (SELECT *, ar_fold(body_text) AS fb FROM best),
hits AS (SELECT *, ar_first_hit_folded(fb, terms) AS pos FROM folded)
SELECT article_id, source_id, title, published_at, score, ar_snippet_at(body_text, pos) AS snippet
FROM hits
ORDER BY score DESC, published_at DESC NULLS LAST, article_id ASC;

CREATE MACRO IF NOT EXISTS search_quotes(q, max_hits := 100) AS TABLE
WITH qq AS (
    SELECT *, ar_fold(coalesce(speaker, '') || ' ' || text) AS fdoc, ar_query_terms(q) AS terms
    FROM fact_quote
),
scored AS (
    SELECT *, CAST(len(list_filter(terms, LAMBDA t: contains(fdoc, t))) AS DOUBLE) AS score
    FROM qq
)
SELECT s.article_id, s.quote_idx, a.source_id, a.published_at, s.kind, s.speaker, s.cue, s.text,
       s.score
FROM scored AS s
LEFT JOIN (SELECT DISTINCT ON (article_id) article_id, source_id, published_at FROM fact_article) AS a
    USING (article_id)
WHERE s.score > 0
ORDER BY s.score DESC, a.published_at DESC NULLS LAST, s.article_id ASC, s.quote_idx ASC
LIMIT max_hits;
