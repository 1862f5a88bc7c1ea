-- Rows the load wrote for the run date (reported in the load's counts).
SELECT
    (SELECT count(*) FROM fact_entity_mention WHERE run_date = $run_date) AS mentions,
    (SELECT count(*) FROM fact_quote WHERE run_date = $run_date) AS quotes,
    (SELECT count(*) FROM fact_date_mention WHERE run_date = $run_date) AS dates
