-- fact_feed_fetch rows of a run, with their dim_source match (null: unknown source).
-- Positional parameters: each one is the run date.
SELECT f.run_date::VARCHAR || '|' || f.source_id AS record_key, f.source_id,
       d.source_id AS dim_source_id
FROM fact_feed_fetch f
LEFT JOIN dim_source d ON d.source_id = f.source_id
WHERE f.run_date = ?
