INSERT INTO quarantine
    (quarantine_id, run_date, stage, source_id, record_key, rule, detail, payload, quarantined_at)
SELECT md5(concat_ws('|', run_date, stage, coalesce(record_key, ''), rule)) AS quarantine_id,
       run_date, stage, source_id, record_key, rule, detail, payload, $loaded_at
FROM wh_quarantine
WHERE md5(concat_ws('|', run_date, stage, coalesce(record_key, ''), rule))
      NOT IN (SELECT quarantine_id FROM quarantine)
QUALIFY row_number() OVER (PARTITION BY quarantine_id ORDER BY detail) = 1;
