-- The newest migration applied (0 on a new database).
SELECT coalesce(max(version), 0) FROM schema_version
