-- Most-quoted named speakers (persons, organisations) of the last $days days, with
-- one quote each: direct before reported, then the longest, then the oldest.
SELECT
    speaker_key,
    any_value(speaker_name) AS speaker_name,
    count(*) AS quotes,
    count(DISTINCT source_id) AS outlets,
    list(DISTINCT source_name) AS outlet_names,
    arg_max(
        text, (kind = 'direct', length(text), -coalesce(epoch(published_at), 0))
    ) AS quote,
    arg_max(
        source_name, (kind = 'direct', length(text), -coalesce(epoch(published_at), 0))
    ) AS quote_source
FROM v_quotes
WHERE
    speaker_key IS NOT NULL
    AND coalesce(speaker_kind, 'person') IN ('person', 'organisation')
    AND (
        (run_date > $run_date - INTERVAL ($days) DAY AND run_date <= $run_date)
        OR (day > $run_date - INTERVAL ($days) DAY AND day <= $run_date)
    )
GROUP BY speaker_key
ORDER BY quotes DESC, outlets DESC, speaker_name ASC
LIMIT $top_n
