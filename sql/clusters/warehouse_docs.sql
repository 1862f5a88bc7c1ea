-- One batch of the window's articles (window_ids.sql) as story clustering reads
-- them, with the ids of the entities they mention. Entity ids are listed per
-- article before the join, so no body is repeated once per mention; a batch of
-- ids bounds what one query materialises, however many articles the window holds.
WITH batch AS (
    SELECT unnest($article_ids) AS article_id
),

entities AS (
    SELECT m.article_id,
           list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL) AS entity_ids
    FROM fact_entity_mention AS m
    SEMI JOIN batch USING (article_id)
    WHERE m.run_date BETWEEN $since AND $until  -- the window: zone maps skip the rest
    GROUP BY m.article_id
)

SELECT a.article_id, a.source_id, a.run_date, a.title,
       left(a.body_text, $body_chars),  -- what clustering reads (clusters.tuning.body_chars)
       e.entity_ids
FROM fact_article AS a
SEMI JOIN batch USING (article_id)
LEFT JOIN entities AS e USING (article_id)
WHERE a.run_date BETWEEN $since AND $until AND a.body_text IS NOT NULL
