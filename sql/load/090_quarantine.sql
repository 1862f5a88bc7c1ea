-- Quarantined rows of a source table (the gates' stg_quarantine here, the
-- warehouse checks' wh_quarantine in rejected/020_record.sql), each once, with
-- its stable id; rows already in the quarantine are left as they are.
CREATE OR REPLACE TEMP MACRO new_quarantine_rows(source_table, loaded_at) AS TABLE
SELECT md5(concat_ws('|', run_date, stage, coalesce(record_key, ''), rule)) AS quarantine_id,
       run_date, stage, source_id, record_key, rule, detail, payload,
       loaded_at AS quarantined_at
FROM query_table(source_table)
WHERE md5(concat_ws('|', run_date, stage, coalesce(record_key, ''), rule))
      NOT IN (SELECT quarantine_id FROM quarantine)
QUALIFY row_number() OVER (PARTITION BY quarantine_id ORDER BY detail) = 1;
INSERT INTO quarantine
    (quarantine_id, run_date, stage, source_id, record_key, rule, detail, payload, quarantined_at)
SELECT * FROM new_quarantine_rows('stg_quarantine', $loaded_at);
INSERT INTO dq_result
SELECT run_date, stage, suite, expectation, column_name, success, observed_value,
       unexpected_count, element_count, $loaded_at
FROM stg_dq;
