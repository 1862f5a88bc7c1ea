-- Most-mentioned entities in articles collected or published in the last $days days.
SELECT
    entity_name,
    entity_type,
    count(*) AS mentions,
    count(DISTINCT article_id) AS articles,
    count(DISTINCT source_id) AS outlets
FROM v_entity_mentions
WHERE
    (run_date > $run_date - INTERVAL ($days) DAY AND run_date <= $run_date)
    OR (day > $run_date - INTERVAL ($days) DAY AND day <= $run_date)
GROUP BY entity_key, entity_name, entity_type
ORDER BY mentions DESC, entity_name ASC
LIMIT $top_n
