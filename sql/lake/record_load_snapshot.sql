-- After a load's commit on a lake: the snapshot it committed.
INSERT INTO load_snapshot (run_date, run_id, snapshot_id, recorded_at)
VALUES ($run_date, $run_id, $snapshot_id, now())
