-- Quarantined rows, newest first, without the payload. A NULL filter matches all.
SELECT
    quarantine_id,
    run_date,
    stage,
    source_id,
    record_key,
    rule,
    detail,
    quarantined_at,
    requeued_at
FROM quarantine
WHERE
    ($run_date IS NULL OR run_date = $run_date)
    AND ($stage IS NULL OR stage = $stage)
    AND ($source_id IS NULL OR source_id = $source_id)
    AND ($include_requeued OR requeued_at IS NULL)
ORDER BY quarantined_at DESC, run_date DESC, stage ASC, rule ASC, record_key ASC
