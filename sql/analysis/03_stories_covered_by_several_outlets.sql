-- Question: Which stories were covered by two or more outlets, who published
-- first, and how far behind were the others (minutes)?
SELECT
    c.cluster_id,
    c.title,
    c.outlets,
    c.articles,
    c.first_source_id,
    c.first_source_name,
    c.first_published_at,
    c.max_lag_minutes,
    c.coverage_order
FROM v_story_clusters AS c
WHERE c.outlets >= 2
ORDER BY c.first_published_at DESC NULLS LAST, c.outlets DESC;
