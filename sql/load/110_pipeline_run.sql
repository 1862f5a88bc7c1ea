-- Counts per stage and source for the run table (and the Airflow task log).
INSERT INTO pipeline_run
SELECT $run_date, $run_id, $started_at, $loaded_at, stage, source_id, metric, value
FROM (
    SELECT 'poll' AS stage, source_id, 'entries_seen' AS metric, sum(entries_seen)::BIGINT AS value
    FROM stg_feed_fetch GROUP BY source_id
    UNION ALL
    SELECT 'poll', source_id, 'entries_new', sum(entries_new)::BIGINT FROM stg_feed_fetch GROUP BY source_id
    UNION ALL
    SELECT 'load', source_id, 'articles', count(*) FROM stg_articles GROUP BY source_id
    UNION ALL
    SELECT 'load', a.source_id, 'mentions', count(*)
    FROM stg_mentions AS m INNER JOIN stg_articles AS a USING (article_id) GROUP BY a.source_id
    UNION ALL
    SELECT 'load', a.source_id, 'quotes', count(*)
    FROM stg_quotes AS q INNER JOIN stg_articles AS a USING (article_id) GROUP BY a.source_id
    UNION ALL
    SELECT 'load', a.source_id, 'dates', count(*)
    FROM stg_dates AS d INNER JOIN stg_articles AS a USING (article_id) GROUP BY a.source_id
    UNION ALL
    SELECT 'quarantine', coalesce(source_id, '?'), stage, count(*)
    FROM stg_quarantine GROUP BY ALL
    UNION ALL
    SELECT 'load', '*', 'articles', count(*) FROM stg_articles
);
