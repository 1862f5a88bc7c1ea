-- Question: Where is the news datelined from, per outlet (which places does each
-- outlet report from, and how much of its output does each place make up)?
SELECT
    a.source_id,
    coalesce(a.dateline_place, '(no dateline)') AS dateline_place,
    count(*) AS articles,
    round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY a.source_id), 1) AS pct_of_source,
    min(a.day) AS first_day,
    max(a.day) AS last_day
FROM v_articles AS a
GROUP BY a.source_id, coalesce(a.dateline_place, '(no dateline)')
ORDER BY a.source_id ASC, articles DESC, dateline_place ASC;
