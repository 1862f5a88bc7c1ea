-- Articles a run loaded, per source.
SELECT source_id, count(*) AS n FROM fact_article WHERE run_date = $run_date GROUP BY 1
