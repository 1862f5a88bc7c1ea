-- The validators (ETag, Last-Modified) of a source's last good poll: conditional GET.
SELECT etag, last_modified
FROM fact_feed_fetch
WHERE source_id = $source_id
  AND status IN ('ok', 'not_modified')
  AND (etag IS NOT NULL OR last_modified IS NOT NULL)
ORDER BY fetched_at DESC
LIMIT 1
