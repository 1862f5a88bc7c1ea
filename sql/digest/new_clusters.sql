-- Story clusters first seen by this run or first published on its day.
SELECT
    cluster_id,
    title,
    outlets,
    articles,
    first_source_name,
    first_published_at,
    coverage_order
FROM v_story_clusters
WHERE first_run_date = $run_date OR utc_day(first_published_at) = $run_date
ORDER BY outlets DESC, articles DESC, first_published_at ASC
LIMIT 15
