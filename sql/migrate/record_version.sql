-- Record one applied migration (inside its transaction).
INSERT INTO schema_version (version, name) VALUES ($version, $name)
