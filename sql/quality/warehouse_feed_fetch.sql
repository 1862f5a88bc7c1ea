-- fact_feed_fetch rows of a run, with their dim_source match (null: unknown source).
-- Parameter: $run_date, the run being loaded.
SELECT f.run_date::VARCHAR || '|' || f.source_id AS record_key, f.source_id,
       d.source_id AS dim_source_id
FROM fact_feed_fetch AS f
LEFT JOIN dim_source AS d ON d.source_id = f.source_id
WHERE f.run_date = $run_date
