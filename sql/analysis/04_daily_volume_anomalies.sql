-- Question: On which days did an outlet publish unusually many or few articles
-- compared with its own recent past? Each source-day (including days with zero
-- articles between the source's first and last day) is compared with the mean
-- and standard deviation of the previous 14 days; |z| >= 2 (or a zero day after
-- an active fortnight) is flagged. A day needs at least 5 earlier days of its
-- source to be judged. The most unusual days come first.
WITH bounds AS (
    SELECT source_id, min(day) AS first_day, max(day) AS last_day
    FROM v_articles_daily GROUP BY source_id
),
calendar AS (
    SELECT b.source_id, CAST(unnest(range(b.first_day, b.last_day + 1, INTERVAL 1 DAY)) AS DATE) AS day
    FROM bounds AS b
),
filled AS (
    SELECT c.source_id, c.day, coalesce(d.articles, 0) AS articles
    FROM calendar AS c
    LEFT JOIN v_articles_daily AS d USING (source_id, day)
),
stats AS (
    SELECT *,
        avg(articles) OVER w AS trailing_mean,
        stddev_samp(articles) OVER w AS trailing_sd,
        count(*) OVER w AS trailing_days
    FROM filled
    WINDOW w AS (PARTITION BY source_id ORDER BY day ROWS BETWEEN 14 PRECEDING AND 1 PRECEDING)
)
SELECT
    source_id,
    day,
    articles,
    round(trailing_mean, 2) AS trailing_mean,
    round(trailing_sd, 2) AS trailing_sd,
    round((articles - trailing_mean) / nullif(trailing_sd, 0), 2) AS z_score,
    (abs((articles - trailing_mean) / nullif(trailing_sd, 0)) >= 2)
        OR (articles = 0 AND trailing_mean >= 1) AS is_anomaly
FROM stats
WHERE trailing_days >= 5
ORDER BY is_anomaly DESC, abs(coalesce((articles - trailing_mean) / nullif(trailing_sd, 0), 0)) DESC,
         day DESC, source_id ASC
LIMIT 100;
