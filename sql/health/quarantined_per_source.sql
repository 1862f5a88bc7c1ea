-- Rows a gate quarantined in a run, per source, with the rules they hit.
SELECT
    source_id,
    count(*) AS n,
    string_agg(DISTINCT rule, ', ' ORDER BY rule) AS rules
FROM quarantine
WHERE run_date = $run_date
GROUP BY 1
