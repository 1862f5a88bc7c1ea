-- This run's Arabic articles with the ids of the entities they mention.
SELECT a.article_id, a.source_id, a.run_date, a.title, a.body_text,
       list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL) AS entity_ids
FROM stg_articles AS a
LEFT JOIN stg_mentions AS m USING (article_id)
WHERE a.body_text IS NOT NULL AND (a.language = 'ar' OR a.language IS NULL)
GROUP BY ALL
