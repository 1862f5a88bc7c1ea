-- Rows the warehouse checks rejected leave the run (they are quarantined with
-- their rule); an article's children and links go with it.
CREATE OR REPLACE TEMP TABLE rejected_articles AS
SELECT record_key AS article_id FROM wh_rejects WHERE table_name = 'fact_article';
DELETE FROM fact_entity_mention
WHERE run_date = $run_date
  AND (article_id IN (SELECT article_id FROM rejected_articles)
       OR article_id || '#' || mention_idx IN (
           SELECT record_key FROM wh_rejects WHERE table_name = 'fact_entity_mention'));
DELETE FROM fact_quote
WHERE run_date = $run_date
  AND (article_id IN (SELECT article_id FROM rejected_articles)
       OR article_id || '#q' || quote_idx IN (
           SELECT record_key FROM wh_rejects WHERE table_name = 'fact_quote'));
DELETE FROM fact_date_mention
WHERE run_date = $run_date
  AND (article_id IN (SELECT article_id FROM rejected_articles)
       OR article_id || '#d' || mention_idx IN (
           SELECT record_key FROM wh_rejects WHERE table_name = 'fact_date_mention'));
DELETE FROM fact_story_cluster
WHERE run_date = $run_date
  AND (article_id IN (SELECT article_id FROM rejected_articles)
       OR cluster_id || '|' || article_id IN (
           SELECT record_key FROM wh_rejects WHERE table_name = 'fact_story_cluster'));
DELETE FROM fact_article_source
WHERE run_date = $run_date AND article_id IN (SELECT article_id FROM rejected_articles);
DELETE FROM fact_article
WHERE run_date = $run_date AND article_id IN (SELECT article_id FROM rejected_articles);
DELETE FROM fact_feed_fetch
WHERE run_date = $run_date
  AND run_date::VARCHAR || '|' || source_id IN (
      SELECT record_key FROM wh_rejects WHERE table_name = 'fact_feed_fetch');
