-- The loaded Arabic articles of the run date and of the window around it (a week
-- each side) that story clustering compares them with, with the ids of the
-- entities they mention. Entity ids are listed per article before the join, so
-- no body is repeated once per mention (bounded memory at 10k+ articles a day).
WITH entities AS (
    SELECT article_id,
           list(DISTINCT entity_id) FILTER (WHERE entity_id IS NOT NULL) AS entity_ids
    FROM fact_entity_mention
    WHERE run_date BETWEEN $since AND $until
    GROUP BY article_id
)
SELECT a.article_id, a.source_id, a.run_date, a.title,
       left(a.body_text, 4000),  -- clustering reads at most its first 200 words
       e.entity_ids
FROM fact_article AS a
LEFT JOIN entities AS e USING (article_id)
WHERE a.run_date BETWEEN $since AND $until
  AND a.body_text IS NOT NULL AND (a.language = 'ar' OR a.language IS NULL)
