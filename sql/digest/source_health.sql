-- Source health, worst first.
SELECT
    source_id,
    source_name,
    health_status,
    last_poll_at,
    last_error,
    weighted_failures
FROM v_source_health
ORDER BY
    CASE health_status
        WHEN 'dead' THEN 0 WHEN 'failing' THEN 1 WHEN 'slow' THEN 2 ELSE 3
    END,
    source_id
