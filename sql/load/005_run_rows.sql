-- The run's rows as they will load. The same URL in several feeds of one run
-- (category feeds of one outlet, syndicated agency copy) is one article: one
-- row, chosen deterministically (a page body over feed text, the longer body,
-- then the smaller source id), with the children extracted from that same
-- copy; run_article_source keeps every source that carried it.
-- An article already loaded under another date is never loaded again (nor
-- moved): whatever the per-source state said, the warehouse decides.
CREATE OR REPLACE TEMP TABLE run_article_source AS
SELECT DISTINCT article_id, source_id, url
FROM stg_articles_all;

CREATE OR REPLACE TEMP TABLE stg_articles AS
SELECT * EXCLUDE (file_source)
FROM stg_articles_all
WHERE article_id NOT IN (SELECT article_id FROM fact_article WHERE run_date <> $run_date)
QUALIFY row_number() OVER (
    PARTITION BY article_id
    ORDER BY body_source = 'page' DESC, body_chars DESC, source_id ASC
) = 1;

CREATE OR REPLACE TEMP TABLE stg_mentions AS
SELECT m.* EXCLUDE (file_source)
FROM stg_mentions_all AS m
INNER JOIN stg_articles AS a ON a.article_id = m.article_id AND a.source_id = m.file_source;

CREATE OR REPLACE TEMP TABLE stg_quotes AS
SELECT q.* EXCLUDE (file_source)
FROM stg_quotes_all AS q
INNER JOIN stg_articles AS a ON a.article_id = q.article_id AND a.source_id = q.file_source;

CREATE OR REPLACE TEMP TABLE stg_dates AS
SELECT d.* EXCLUDE (file_source)
FROM stg_dates_all AS d
INNER JOIN stg_articles AS a ON a.article_id = d.article_id AND a.source_id = d.file_source;
