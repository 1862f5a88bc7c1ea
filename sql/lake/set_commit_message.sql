-- The author, message and extra info (JSON) of the open transaction's snapshot.
CALL ducklake_set_commit_message(
    $lake_alias, $commit_author, $commit_message, extra_info => $commit_extra
)
