-- Articles: one enriched row per article, and volume per source per day.

CREATE OR REPLACE VIEW v_articles AS
SELECT
    a.article_id,
    article_day(a.published_at, a.run_date) AS day,
    a.run_date,
    a.source_id,
    s.name AS source_name,
    s.country AS source_country,
    a.title,
    a.published_at,
    a.url,
    a.language,
    a.body_chars,
    a.body_source,
    a.dateline_place,
    a.dateline_source,
    a.cluster_id,
    a.analysis_skipped
FROM fact_article AS a
LEFT JOIN dim_source AS s USING (source_id);

COMMENT ON VIEW v_articles IS 'One row per article with its source name/country and the day it counts for (UTC publication day, else run date). Body text stays in fact_article.';

CREATE OR REPLACE VIEW v_articles_daily AS
SELECT
    article_day(a.published_at, a.run_date) AS day,
    a.source_id,
    any_value(s.name) AS source_name,
    any_value(s.country) AS source_country,
    count(*) AS articles,
    count(*) FILTER (WHERE a.body_source = 'page') AS from_page,
    count(*) FILTER (WHERE a.body_source = 'feed') AS from_feed_only,
    count(*) FILTER (WHERE a.published_at IS NULL) AS undated,
    CAST(round(avg(a.body_chars)) AS INTEGER) AS avg_body_chars,
    count(DISTINCT a.cluster_id) AS story_clusters,
    round(avg(a.arabic_share), 3) AS avg_arabic_share
FROM fact_article AS a
LEFT JOIN dim_source AS s USING (source_id)
GROUP BY ALL;

COMMENT ON VIEW v_articles_daily IS 'Articles per source per day (UTC publication day, else run date): counts, page vs feed-only bodies, undated articles, mean body length, distinct story clusters, mean Arabic share.';
