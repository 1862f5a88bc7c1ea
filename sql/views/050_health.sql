-- Source health from feed polls. "Recent" is relative to the latest run date in
-- fact_feed_fetch (not now()), so an old snapshot reads the same everywhere.
-- Thresholds are the `rules` CTE below: change them there.

CREATE OR REPLACE VIEW v_source_health AS
WITH rules AS (
    SELECT
        7      AS window_days,          -- recent window
        0.5    AS decay_per_day,        -- weight of a failure d days old: decay^d
        1.0    AS failing_weight,       -- weighted recent failures => failing
        3      AS dead_consecutive,     -- this many failures in a row ...
        10000  AS slow_ms               -- median recent poll slower than this => slow
),
ref AS (SELECT max(run_date) AS ref_day FROM fact_feed_fetch),
f AS (
    SELECT ff.*,
           ff.status IN ('error', 'rejected') AS failed,
           ff.status IN ('ok', 'not_modified') AS succeeded,
           date_diff('day', ff.run_date, ref.ref_day) AS age_days
    FROM fact_feed_fetch AS ff, ref
),
last_poll AS (
    SELECT source_id,
           arg_max(status, coalesce(fetched_at, CAST(run_date AS TIMESTAMPTZ))) AS last_status,
           arg_max(error, coalesce(fetched_at, CAST(run_date AS TIMESTAMPTZ))) AS last_error,
           arg_max(http_status, coalesce(fetched_at, CAST(run_date AS TIMESTAMPTZ))) AS last_http_status,
           max(coalesce(fetched_at, CAST(run_date AS TIMESTAMPTZ))) AS last_poll_at,
           max(coalesce(fetched_at, CAST(run_date AS TIMESTAMPTZ))) FILTER (WHERE succeeded) AS last_success_at,
           count(*) AS polls_total
    FROM f GROUP BY source_id
),
streak AS (
    -- failures since the last success
    SELECT f.source_id, count(*) FILTER (WHERE f.failed) AS consecutive_failures
    FROM f LEFT JOIN last_poll AS l USING (source_id)
    WHERE l.last_success_at IS NULL
       OR coalesce(f.fetched_at, CAST(f.run_date AS TIMESTAMPTZ)) > l.last_success_at
    GROUP BY f.source_id
),
recent AS (
    SELECT f.source_id,
           count(*) AS recent_polls,
           count(*) FILTER (WHERE f.failed) AS recent_failures,
           round(sum(CASE WHEN f.failed THEN pow(r.decay_per_day, f.age_days) ELSE 0 END), 3)
               AS weighted_failures,
           median(f.duration_ms) FILTER (WHERE f.succeeded) AS median_duration_ms,
           sum(f.entries_new) AS recent_new_entries
    FROM f, rules AS r
    WHERE f.age_days < r.window_days
    GROUP BY f.source_id
)
SELECT
    s.source_id,
    s.name AS source_name,
    s.country,
    s.enabled,
    l.last_poll_at,
    l.last_status,
    l.last_http_status,
    l.last_error,
    l.last_success_at,
    coalesce(k.consecutive_failures, 0) AS consecutive_failures,
    coalesce(rc.recent_polls, 0) AS recent_polls,
    coalesce(rc.recent_failures, 0) AS recent_failures,
    coalesce(rc.weighted_failures, 0) AS weighted_failures,
    rc.median_duration_ms,
    coalesce(rc.recent_new_entries, 0) AS recent_new_entries,
    l.polls_total,
    CASE
        WHEN l.source_id IS NULL THEN 'never_polled'
        WHEN coalesce(k.consecutive_failures, 0) >= r.dead_consecutive
             AND (l.last_success_at IS NULL
                  OR utc_day(l.last_success_at) <= ref.ref_day - r.window_days) THEN 'dead'
        WHEN l.last_status IN ('error', 'rejected')
             OR coalesce(rc.weighted_failures, 0) >= r.failing_weight THEN 'failing'
        WHEN rc.median_duration_ms > r.slow_ms THEN 'slow'
        WHEN l.last_status = 'not_modified' THEN 'not_modified'
        WHEN l.last_status = 'skipped' THEN 'skipped'
        ELSE 'ok'
    END AS health_status
FROM dim_source AS s
FULL OUTER JOIN last_poll AS l USING (source_id)
LEFT JOIN streak AS k USING (source_id)
LEFT JOIN recent AS rc USING (source_id)
CROSS JOIN rules AS r
CROSS JOIN ref;

COMMENT ON VIEW v_source_health IS 'Per source: last poll, last status/error, failures in a row, recent (7 run days) failures weighted 0.5^age, median poll time, and health_status: ok | not_modified | slow | failing | dead | skipped | never_polled.';
