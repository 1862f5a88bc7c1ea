-- What one run landed, per source: printed at the end of `make run`.
WITH a AS (
    SELECT source_id,
           count(*) AS articles,
           count(*) FILTER (WHERE body_source = 'page') AS from_page,
           count(*) FILTER (WHERE body_source = 'feed') AS from_feed,
           count(*) FILTER (WHERE analysis_skipped IS NOT NULL) AS not_arabic
    FROM fact_article WHERE run_date = $run_date GROUP BY source_id
),
m AS (SELECT a.source_id, count(*) AS mentions FROM fact_entity_mention AS m
      INNER JOIN fact_article AS a USING (article_id) WHERE m.run_date = $run_date GROUP BY a.source_id),
q AS (SELECT a.source_id, count(*) AS quotes FROM fact_quote AS q
      INNER JOIN fact_article AS a USING (article_id) WHERE q.run_date = $run_date GROUP BY a.source_id),
z AS (SELECT source_id, count(*) AS quarantined FROM quarantine
      WHERE run_date = $run_date GROUP BY source_id),
f AS (SELECT source_id, status AS feed_status FROM fact_feed_fetch WHERE run_date = $run_date)
SELECT s.source_id, f.feed_status,
       coalesce(a.articles, 0) AS articles, coalesce(a.from_page, 0) AS from_page,
       coalesce(a.from_feed, 0) AS from_feed, coalesce(a.not_arabic, 0) AS not_arabic,
       coalesce(m.mentions, 0) AS mentions, coalesce(q.quotes, 0) AS quotes,
       coalesce(z.quarantined, 0) AS quarantined
FROM dim_source AS s
INNER JOIN f USING (source_id)
LEFT JOIN a USING (source_id)
LEFT JOIN m USING (source_id)
LEFT JOIN q USING (source_id)
LEFT JOIN z USING (source_id)
ORDER BY articles DESC, s.source_id ASC;
