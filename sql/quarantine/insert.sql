-- A gate's new quarantined rows (registered as _akhbar_q_new); an id already present is kept.
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
ON CONFLICT (quarantine_id) DO NOTHING
