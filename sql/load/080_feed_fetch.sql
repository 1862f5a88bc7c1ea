INSERT INTO fact_feed_fetch
SELECT run_date, source_id, feed_url, fetched_at, status, http_status, bytes, duration_ms,
       entries_seen, entries_new, error, etag, last_modified
FROM stg_feed_fetch;
