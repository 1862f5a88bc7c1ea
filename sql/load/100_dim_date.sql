INSERT INTO dim_date
SELECT DISTINCT d, year(d), month(d), day(d), weekofyear(d), dayname(d)
FROM (
    SELECT CAST(published_at AS DATE) AS d FROM stg_articles
    UNION SELECT run_date FROM stg_articles
    UNION SELECT value FROM stg_dates
    UNION SELECT CAST($run_date AS DATE)
)
WHERE d IS NOT NULL AND d NOT IN (SELECT date_day FROM dim_date);
