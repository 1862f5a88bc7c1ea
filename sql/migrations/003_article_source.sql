-- Every source that carried an article (the same URL in several feeds, an
-- agency story republished by an outlet's feed): one row per (article, source),
-- dated by the run in which that source first carried it.
CREATE TABLE IF NOT EXISTS fact_article_source (
    article_id VARCHAR NOT NULL,
    source_id  VARCHAR NOT NULL,
    run_date   DATE NOT NULL,
    url        VARCHAR NOT NULL
    -- natural key: (article_id, source_id)
);
INSERT INTO fact_article_source (article_id, source_id, run_date, url)
SELECT article_id, source_id, run_date, url FROM fact_article
WHERE (article_id, source_id) NOT IN (SELECT article_id, source_id FROM fact_article_source);
