-- Data-quality history and quarantine.

CREATE OR REPLACE VIEW v_dq_history AS
SELECT
    run_date,
    stage,
    suite,
    count(*) AS expectations,
    count(*) FILTER (WHERE NOT success) AS failed,
    round(avg(CAST(success AS INTEGER)), 4) AS success_rate,
    sum(unexpected_count) AS unexpected_rows,
    max(element_count) AS max_element_count,
    list(expectation || coalesce('(' || column_name || ')', '') ORDER BY expectation, column_name)
        FILTER (WHERE NOT success) AS failed_expectations,
    max(recorded_at) AS recorded_at
FROM dq_result
GROUP BY run_date, stage, suite;

COMMENT ON VIEW v_dq_history IS 'Validation results per run date, stage and suite: expectations run, failed, success rate, unexpected rows and the list of failed expectations(column).';

CREATE OR REPLACE VIEW v_quarantine_summary AS
SELECT
    run_date,
    stage,
    source_id,
    rule,
    count(*) AS rows,
    count(*) FILTER (WHERE requeued_at IS NOT NULL) AS requeued,
    count(*) FILTER (WHERE requeued_at IS NULL) AS pending,
    any_value(detail ORDER BY quarantined_at) AS sample_detail,
    any_value(record_key ORDER BY quarantined_at) AS sample_record_key,
    min(quarantined_at) AS first_at,
    max(quarantined_at) AS last_at
FROM quarantine
GROUP BY run_date, stage, source_id, rule;

COMMENT ON VIEW v_quarantine_summary IS 'Quarantined rows per run date, stage, source and rule: how many, how many re-queued or still pending, one sample detail/record key.';
