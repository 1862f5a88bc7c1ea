-- Feeds polled in the run and the new entries they reported (before the load:
-- an empty run with new entries is a batch failure).
SELECT count(*) AS feeds, coalesce(sum(entries_new), 0) AS entries_new
FROM stg_feed_fetch
