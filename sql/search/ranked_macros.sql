-- BM25-ranked search_articles(q) / search_quotes(q), replacing the fallback scans
-- of sql/views/090_search.sql once the indexes exist.
-- (noqa RF03 below: q is the macro's parameter, not a column)
CREATE OR REPLACE MACRO search_articles(q, max_hits := 100) AS TABLE
WITH scored AS (
    SELECT d.article_id,
           fts_main_search_article_doc.match_bm25(d.article_id, ar_fold(q)) AS score  -- noqa: RF03
    FROM search_article_doc AS d
),
best AS (
    -- snippets are the costly part: make them for the best max_hits only
    SELECT * FROM scored WHERE score IS NOT NULL ORDER BY score DESC LIMIT max_hits
),
hits AS (
    SELECT a.article_id, a.source_id, a.title, a.published_at, a.body_text, s.score,
           ar_fold(a.body_text) AS fb, ar_query_terms(q) AS terms
    FROM best AS s
    INNER JOIN fact_article AS a USING (article_id)
    QUALIFY row_number() OVER (PARTITION BY a.article_id ORDER BY a.run_date DESC) = 1
),
located AS (SELECT *, ar_first_hit_folded(fb, terms) AS pos FROM hits)
SELECT article_id, source_id, title, published_at, score,
       ar_snippet_at(body_text, pos) AS snippet
FROM located
ORDER BY score DESC, published_at DESC NULLS LAST, article_id ASC;

CREATE OR REPLACE MACRO search_quotes(q, max_hits := 100) AS TABLE
WITH hits AS (
    SELECT d.article_id, d.quote_idx,
           fts_main_search_quote_doc.match_bm25(d.quote_key, ar_fold(q)) AS score  -- noqa: RF03
    FROM search_quote_doc AS d
),
best AS (SELECT * FROM hits WHERE score IS NOT NULL ORDER BY score DESC LIMIT max_hits)
SELECT s.article_id, s.quote_idx, a.source_id, a.published_at, s.kind, s.speaker, s.cue,
       s.text, h.score
FROM best AS h
INNER JOIN (SELECT * FROM fact_quote
      QUALIFY row_number() OVER (PARTITION BY article_id, quote_idx ORDER BY run_date DESC) = 1) AS s
    USING (article_id, quote_idx)
LEFT JOIN (SELECT DISTINCT ON (article_id) article_id, source_id, published_at
           FROM fact_article) AS a USING (article_id)
ORDER BY h.score DESC, a.published_at DESC NULLS LAST, s.article_id ASC, s.quote_idx ASC;
