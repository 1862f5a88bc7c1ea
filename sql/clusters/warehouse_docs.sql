-- The loaded Arabic articles of the run date and of the window around it (a week
-- each side) that story clustering compares them with, with the ids of the entities they mention.
SELECT a.article_id, any_value(a.source_id), any_value(a.run_date), any_value(a.title),
       left(any_value(a.body_text), 4000),  -- clustering reads at most its first 200 words
       list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL) AS entity_ids
FROM fact_article AS a
LEFT JOIN fact_entity_mention AS m USING (article_id)
WHERE a.run_date BETWEEN $since AND $until
  AND a.body_text IS NOT NULL AND (a.language = 'ar' OR a.language IS NULL)
GROUP BY a.article_id
