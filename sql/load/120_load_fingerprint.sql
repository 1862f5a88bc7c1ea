-- Committed with the facts: what this load was made from.
INSERT OR REPLACE INTO load_fingerprint (run_date, fingerprint, run_id, loaded_at)
VALUES ($run_date, $fingerprint, $run_id, $loaded_at);
