-- Rows a run quarantined, per stage and rule, most first.
SELECT stage, rule, count(*)
FROM quarantine
WHERE run_date = $run_date
GROUP BY ALL
ORDER BY 3 DESC
