-- Support for a DuckLake warehouse (akhbar.warehouse.lake); harmless on a DuckDB file.
-- writer_token: one row every lake load rewrites in its transaction, so two
-- overlapping loads conflict and the later one retries on the committed snapshot
-- (a lake has no UNIQUE constraint to stop write skew). views_hash: the sql/views
-- a lake last created (views are re-created only when their files change).
CREATE TABLE IF NOT EXISTS writer_token (
    commits    BIGINT NOT NULL,
    views_hash VARCHAR
);
INSERT INTO writer_token (commits, views_hash)
SELECT 0, NULL WHERE NOT EXISTS (SELECT 1 FROM writer_token);

-- The lake snapshot each run's load committed: time travel to a run with
-- SELECT … FROM fact_article AT (VERSION => snapshot_id).
CREATE TABLE IF NOT EXISTS load_snapshot (
    run_date    DATE NOT NULL,
    run_id      VARCHAR NOT NULL,
    snapshot_id BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

COMMENT ON TABLE writer_token IS 'DuckLake only: one row each load rewrites so overlapping loads conflict and retry (optimistic serialisation).';
COMMENT ON COLUMN writer_token.commits IS 'Number of lake load transactions committed.';
COMMENT ON COLUMN writer_token.views_hash IS 'Hash of the sql/views files last created in the lake.';
COMMENT ON TABLE load_snapshot IS 'DuckLake only: the snapshot id each run''s load committed (time travel: AT (VERSION => snapshot_id)).';
COMMENT ON COLUMN load_snapshot.run_date IS 'Logical date of the run.';
COMMENT ON COLUMN load_snapshot.run_id IS 'Airflow (or akhbar run) run id.';
COMMENT ON COLUMN load_snapshot.snapshot_id IS 'DuckLake snapshot id of the load commit.';
COMMENT ON COLUMN load_snapshot.recorded_at IS 'When the snapshot id was recorded (just after the commit).';
