-- Idempotency: what this logical date loaded before for the sources loaded now
-- goes, and so does any earlier copy of an article this run loads again (a
-- re-queued row). A source whose chain failed this time keeps its earlier rows
-- of the day: one broken source never costs the others, nor its own good data.
CREATE OR REPLACE TEMP TABLE replaced_articles AS
SELECT article_id FROM stg_articles
UNION
SELECT article_id FROM fact_article
WHERE run_date = $run_date AND source_id IN (SELECT source_id FROM stg_loaded_sources);
DELETE FROM fact_entity_mention WHERE article_id IN (SELECT article_id FROM replaced_articles);
DELETE FROM fact_quote WHERE article_id IN (SELECT article_id FROM replaced_articles);
DELETE FROM fact_date_mention WHERE article_id IN (SELECT article_id FROM replaced_articles);
DELETE FROM fact_story_cluster WHERE article_id IN (SELECT article_id FROM replaced_articles);
DELETE FROM fact_article WHERE article_id IN (SELECT article_id FROM replaced_articles);
DELETE FROM fact_feed_fetch
WHERE run_date = $run_date AND source_id IN (SELECT source_id FROM stg_feed_fetch);
DELETE FROM quarantine WHERE run_date = $run_date AND requeued_at IS NULL;
DELETE FROM dq_result WHERE run_date = $run_date;
DELETE FROM pipeline_run WHERE run_date = $run_date;
