-- Articles loaded per source and run date between $first_day and $last_day.
SELECT
    a.source_id,
    any_value(s.name) AS name,
    a.run_date AS day,
    count(*) AS n
FROM fact_article AS a
LEFT JOIN dim_source AS s USING (source_id)
WHERE a.run_date BETWEEN $first_day AND $last_day
GROUP BY a.source_id, a.run_date
