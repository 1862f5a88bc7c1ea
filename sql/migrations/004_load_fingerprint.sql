-- The fingerprint of each date's last committed load (its sources' inputs and the
-- code version): a re-run whose fingerprint is unchanged has nothing to load.
CREATE TABLE IF NOT EXISTS load_fingerprint (
    run_date    DATE PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL
);
