-- The lake's newest committed snapshot as this session sees it.
SELECT id FROM ducklake_current_snapshot($lake_alias)
