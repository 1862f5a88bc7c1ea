INSERT INTO fact_article
SELECT a.article_id, a.run_date, a.source_id, a.url, a.canonical_url, a.title, a.author,
       a.published_at, a.fetched_at, a.language, a.arabic_share, a.body_text, a.body_chars,
       a.body_source, a.content_hash, a.simhash, a.image_url, a.dateline_place,
       a.dateline_source, a.analysis_skipped, c.cluster_id
FROM stg_articles AS a
LEFT JOIN stg_clusters AS c USING (article_id);
