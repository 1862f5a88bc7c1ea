-- The rows the warehouse checks rejected, into the quarantine with their rule
-- (new_quarantine_rows: defined by 090_quarantine.sql earlier in the transaction).
INSERT INTO quarantine
    (quarantine_id, run_date, stage, source_id, record_key, rule, detail, payload, quarantined_at)
SELECT * FROM new_quarantine_rows('wh_quarantine', $loaded_at);
