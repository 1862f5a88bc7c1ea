-- The fingerprint of the date's last committed load.
SELECT fingerprint, run_id, loaded_at FROM load_fingerprint WHERE run_date = $run_date
