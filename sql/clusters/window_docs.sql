-- Articles of the trailing window that story clustering compares this run with
-- (Arabic bodies only), with the ids of the entities they mention.
SELECT a.article_id, a.source_id, a.run_date, a.title, a.body_text,
       list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL) AS entity_ids
FROM fact_article AS a
LEFT JOIN fact_entity_mention AS m USING (article_id)
WHERE a.run_date >= $since AND a.run_date <> $run_date
  AND a.body_text IS NOT NULL AND (a.language = 'ar' OR a.language IS NULL)
  AND a.article_id NOT IN (SELECT article_id FROM stg_articles)
GROUP BY ALL
