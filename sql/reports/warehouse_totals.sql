-- Articles and sources in the whole warehouse.
SELECT count(*), count(DISTINCT source_id) FROM fact_article
