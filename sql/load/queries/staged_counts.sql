-- The run's articles to load (after 005_run_rows), every staged copy of them
-- (carried duplicates included) and the rows the gates quarantined.
SELECT
    (SELECT count(*) FROM stg_articles) AS articles,
    (SELECT count(*) FROM stg_articles_all) AS carried,
    (SELECT count(*) FROM stg_quarantine) AS quarantined
