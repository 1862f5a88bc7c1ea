-- Rows in the quarantine table.
SELECT count(*) FROM quarantine
