-- Descriptions of the core tables and their key columns (shown by
-- duckdb_tables() / duckdb_columns()). Idempotent: COMMENT ON just overwrites.

COMMENT ON TABLE fact_article IS 'One row per article (unique article_id = hash of the normalised URL), with cleaned body text, dateline and story cluster.';
COMMENT ON COLUMN fact_article.article_id IS 'Stable hash of the normalised URL; joins every other fact table.';
COMMENT ON COLUMN fact_article.body_text IS 'Cleaned body (NFC, no invisible controls); all start_char/end_char offsets index this text.';
COMMENT ON COLUMN fact_article.published_at IS 'Publication time from the page or feed (TIMESTAMPTZ); NULL when unknown.';
COMMENT ON COLUMN fact_article.cluster_id IS 'Story cluster: near-duplicate bodies across sources share it (see v_story_clusters).';
COMMENT ON COLUMN fact_article.body_source IS 'page = extracted from the fetched page; feed = only the feed description was available.';
COMMENT ON TABLE fact_entity_mention IS 'Named-entity mentions (PER, LOC, ORG) with character offsets into fact_article.body_text.';
COMMENT ON COLUMN fact_entity_mention.entity_id IS 'Linked dim_entity id (gazetteer or article-local); NULL when unlinked.';
COMMENT ON TABLE fact_quote IS 'Direct (quoted) and indirect (reported) speech with speaker, cue verb and offsets.';
COMMENT ON COLUMN fact_quote.cue IS 'Verb introducing the quote (قال، أكد، صرح ...).';
COMMENT ON COLUMN fact_quote.speaker_entity_id IS 'dim_entity id of the speaker when linked.';
COMMENT ON TABLE fact_date_mention IS 'Date expressions in article text, resolved to a DATE where possible.';
COMMENT ON TABLE fact_feed_fetch IS 'One row per feed poll (natural key run_date, source_id); feeds v_source_health.';
COMMENT ON COLUMN fact_feed_fetch.status IS 'ok | not_modified | error | rejected | skipped';
COMMENT ON TABLE fact_article_source IS 'Every source that carried an article: the same URL in several feeds (category feeds of one outlet, syndicated agency copy) loads once in fact_article; one row here per (article, source).';
COMMENT ON TABLE fact_story_cluster IS 'Members of each story cluster with their source and publication time.';
COMMENT ON TABLE dim_source IS 'Configured news sources (one feed each).';
COMMENT ON TABLE dim_entity IS 'Entities: gazetteer entries and entities linked inside articles.';
COMMENT ON TABLE quarantine IS 'Rows rejected by validation, with the rule and a JSON payload for re-queueing.';
COMMENT ON TABLE dq_result IS 'Great Expectations results per run date, stage, suite and expectation.';
