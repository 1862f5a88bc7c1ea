-- Payloads of the not yet re-queued rows a requeue selects. A NULL filter matches all.
SELECT quarantine_id, stage, payload
FROM quarantine
WHERE
    ($run_date IS NULL OR run_date = $run_date)
    AND ($stage IS NULL OR stage = $stage)
    AND ($ids IS NULL OR list_contains(CAST($ids AS VARCHAR []), quarantine_id))
    AND requeued_at IS NULL
ORDER BY quarantine_id
