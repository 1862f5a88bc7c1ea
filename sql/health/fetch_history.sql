-- The newest $depth polls of every source, newest first.
SELECT
    source_id,
    run_date,
    fetched_at,
    status,
    http_status,
    duration_ms,
    entries_seen,
    entries_new,
    error
FROM (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY source_id ORDER BY run_date DESC, fetched_at DESC NULLS LAST
        ) AS rn
    FROM fact_feed_fetch
)
WHERE rn <= $depth
ORDER BY source_id, rn
