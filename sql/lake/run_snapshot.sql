-- The snapshot a run's load committed, found by its commit message (the cluster
-- step's commits carry step = 'clusters'; loads before steps were named carry none).
SELECT max(snapshot_id)
FROM ducklake_snapshots($lake_alias)
WHERE author = $commit_author AND json_extract_string(commit_extra_info, '$.run_id') = $run_id
  AND coalesce(json_extract_string(commit_extra_info, '$.step'), 'load') = 'load'
