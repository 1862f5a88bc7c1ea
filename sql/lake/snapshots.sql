-- The lake's newest snapshots (for time travel: AT (VERSION => snapshot_id)).
SELECT snapshot_id, snapshot_time, commit_message, commit_extra_info
FROM ducklake_snapshots($lake_alias)
ORDER BY snapshot_id DESC
LIMIT $max_rows
