-- Every catalogued source and its display name.
SELECT source_id, name FROM dim_source
