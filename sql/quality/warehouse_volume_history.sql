-- fact_article rows per source and run date over the trailing window up to the run date
-- (the warehouse gate's volume check compares the run date with the days before it).
SELECT source_id, run_date, count(*) AS n
FROM fact_article
WHERE run_date >= $since AND run_date <= $run_date
GROUP BY ALL
