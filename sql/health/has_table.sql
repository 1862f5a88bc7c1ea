-- Whether a table exists (the health page works on a partly built warehouse).
SELECT count(*) FROM information_schema.tables WHERE table_name = $name
