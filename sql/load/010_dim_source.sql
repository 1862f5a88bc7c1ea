INSERT OR REPLACE INTO dim_source
    (source_id, name, country, feed_url, site_url, language, enabled, min_delay_s,
     max_concurrency, respect_robots, notes, updated_at)
SELECT source_id, name, country, feed_url, site_url, language, enabled, min_delay_s,
       max_concurrency, respect_robots, notes, $loaded_at
FROM stg_sources;
