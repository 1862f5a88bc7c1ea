-- Named speakers (persons and organisations; not role nouns such as البيان nor
-- anonymous sources such as المصدر) quoted by the most outlets over $days
-- (DATE[]), top $limit: fact_quote.speaker (trimmed) with the distinct outlets.
SELECT trim(q.speaker) AS speaker,
       count(DISTINCT a.source_id) AS outlets,
       count(*) AS quotes,
       count(DISTINCT q.article_id) AS articles,
       array_to_string(list_sort(list(DISTINCT a.source_id)), ', ') AS outlet_ids,
       left(arg_min(q.text, (a.published_at, q.article_id, q.quote_idx)), 120) AS sample_quote
FROM fact_quote AS q
INNER JOIN fact_article AS a ON a.article_id = q.article_id AND a.run_date = q.run_date
WHERE list_contains($days::DATE[], q.run_date)
  AND nullif(trim(q.speaker), '') IS NOT NULL
  AND coalesce(q.speaker_kind, 'person') IN ('person', 'organisation')
GROUP BY trim(q.speaker)
ORDER BY outlets DESC, quotes DESC, speaker ASC
LIMIT $limit;
