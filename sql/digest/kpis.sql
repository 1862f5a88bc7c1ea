-- The day in numbers: what the run loaded and what was published on the day.
SELECT
    (SELECT count(*) FROM fact_article WHERE run_date = $run_date) AS loaded,
    (SELECT count(*) FROM v_articles WHERE day = $run_date) AS published,
    (SELECT count(DISTINCT source_id) FROM fact_article WHERE run_date = $run_date) AS outlets,
    (SELECT count(*) FROM fact_quote WHERE run_date = $run_date) AS quotes,
    (SELECT count(*) FROM fact_entity_mention WHERE run_date = $run_date) AS mentions
