-- A gate's new quarantined rows (registered as _akhbar_q_new); an id already present is kept.
-- NOT IN, not ON CONFLICT: a DuckLake warehouse has no primary key to conflict on.
INSERT INTO quarantine (
    quarantine_id, run_date, stage, source_id, record_key, rule, detail, payload, quarantined_at
)
SELECT
    quarantine_id,
    CAST(run_date AS DATE),
    stage,
    source_id,
    record_key,
    rule,
    detail,
    payload,
    quarantined_at
FROM _akhbar_q_new
WHERE quarantine_id NOT IN (SELECT quarantine_id FROM quarantine)
