-- Every lake load writes this one row: two loads that overlap conflict at
-- COMMIT (DuckLake refuses the second), and the second re-runs on the new snapshot.
UPDATE writer_token SET commits = commits + 1
