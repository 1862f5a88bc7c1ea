-- Descriptions of every table and column of the star schema (dimensions, facts,
-- quarantine, dq_result, pipeline_run), read with duckdb_tables() / duckdb_columns()
-- or `.schema` in a client. 095_table_comments.sql describes the main ones; this file
-- completes the rest. tests/test_docs_sql.py fails when a column has no comment.
-- Idempotent: COMMENT ON overwrites.

-- dim_date
COMMENT ON TABLE dim_date IS 'Calendar days (one row per day) to join any DATE column to year, month, ISO week and weekday.';
COMMENT ON COLUMN dim_date.date_day IS 'The day (key); join to article day, run_date or fact_date_mention.value.';
COMMENT ON COLUMN dim_date.year IS 'Calendar year (Gregorian).';
COMMENT ON COLUMN dim_date.month IS 'Month number 1-12.';
COMMENT ON COLUMN dim_date.day IS 'Day of the month 1-31.';
COMMENT ON COLUMN dim_date.iso_week IS 'ISO 8601 week number 1-53.';
COMMENT ON COLUMN dim_date.weekday IS 'English weekday name (Monday ... Sunday).';

-- dim_entity
COMMENT ON COLUMN dim_entity.entity_id IS 'Entity key, e.g. loc:libya (gazetteer) or local:<hash> (linked inside articles only).';
COMMENT ON COLUMN dim_entity.type IS 'PER | LOC | ORG';
COMMENT ON COLUMN dim_entity.name_ar IS 'Canonical Arabic name (for local entities the longest surface form seen).';
COMMENT ON COLUMN dim_entity.name_en IS 'English name from the gazetteer; NULL for local entities.';
COMMENT ON COLUMN dim_entity.wikidata_id IS 'Wikidata Q-id when the gazetteer knows it, else NULL.';
COMMENT ON COLUMN dim_entity.origin IS 'gazetteer = from seeds/; local = linked inside articles, not in the gazetteer.';

-- dim_source
COMMENT ON COLUMN dim_source.source_id IS 'Source key used by every fact table (one feed per source).';
COMMENT ON COLUMN dim_source.name IS 'Outlet display name, as configured (often Arabic).';
COMMENT ON COLUMN dim_source.country IS 'Country of the outlet (ISO 3166 alpha-2 where known).';
COMMENT ON COLUMN dim_source.feed_url IS 'RSS/Atom feed URL that is polled.';
COMMENT ON COLUMN dim_source.site_url IS 'Home page of the outlet.';
COMMENT ON COLUMN dim_source.language IS 'Declared language of the feed (ar for Arabic).';
COMMENT ON COLUMN dim_source.enabled IS 'false = configured but not polled.';
COMMENT ON COLUMN dim_source.min_delay_s IS 'Politeness: minimum seconds between two requests to this site.';
COMMENT ON COLUMN dim_source.max_concurrency IS 'Politeness: at most this many concurrent requests to this site.';
COMMENT ON COLUMN dim_source.respect_robots IS 'true = robots.txt is honoured for page fetches.';
COMMENT ON COLUMN dim_source.notes IS 'Free-text notes from the sources file.';
COMMENT ON COLUMN dim_source.updated_at IS 'When this row was last written by a load.';

-- fact_feed_fetch
COMMENT ON COLUMN fact_feed_fetch.run_date IS 'Logical date of the pipeline run that polled (part of the natural key).';
COMMENT ON COLUMN fact_feed_fetch.source_id IS 'Polled source (dim_source.source_id).';
COMMENT ON COLUMN fact_feed_fetch.feed_url IS 'URL that was requested.';
COMMENT ON COLUMN fact_feed_fetch.fetched_at IS 'When the poll happened (wall clock, UTC).';
COMMENT ON COLUMN fact_feed_fetch.http_status IS 'HTTP status of the poll (304 = not modified); NULL when no response.';
COMMENT ON COLUMN fact_feed_fetch.bytes IS 'Size of the feed body in bytes.';
COMMENT ON COLUMN fact_feed_fetch.duration_ms IS 'Wall time of the poll in milliseconds.';
COMMENT ON COLUMN fact_feed_fetch.entries_seen IS 'Entries in the feed (from the cached copy on a 304).';
COMMENT ON COLUMN fact_feed_fetch.entries_new IS 'Entries not loaded before this run (can be > 0 on a 304: not yet loaded).';
COMMENT ON COLUMN fact_feed_fetch.error IS 'Reason code of a failed or rejected poll, else NULL.';
COMMENT ON COLUMN fact_feed_fetch.etag IS 'ETag the server sent (sent back as If-None-Match next time).';
COMMENT ON COLUMN fact_feed_fetch.last_modified IS 'Last-Modified the server sent (sent back as If-Modified-Since).';

-- fact_article
COMMENT ON COLUMN fact_article.run_date IS 'Logical date of the run that loaded the article.';
COMMENT ON COLUMN fact_article.source_id IS 'Outlet (dim_source.source_id).';
COMMENT ON COLUMN fact_article.url IS 'Article URL from the feed.';
COMMENT ON COLUMN fact_article.canonical_url IS 'Canonical URL declared by the page (or the URL).';
COMMENT ON COLUMN fact_article.title IS 'Cleaned title.';
COMMENT ON COLUMN fact_article.author IS 'Author when the page or feed names one.';
COMMENT ON COLUMN fact_article.fetched_at IS 'When the page was fetched (UTC).';
COMMENT ON COLUMN fact_article.language IS 'Detected or declared language code (ar for Arabic).';
COMMENT ON COLUMN fact_article.arabic_share IS 'Share of letters in body_text that are Arabic (0-1).';
COMMENT ON COLUMN fact_article.body_chars IS 'length(body_text).';
COMMENT ON COLUMN fact_article.content_hash IS 'Hash of the cleaned body: equal for exact copies.';
COMMENT ON COLUMN fact_article.simhash IS '64-bit SimHash of the body: near-duplicates differ in few bits (story clustering).';
COMMENT ON COLUMN fact_article.image_url IS 'Lead image URL from the page or feed.';
COMMENT ON COLUMN fact_article.dateline_place IS 'Place of the dateline at the start of the body (e.g. ليبيا), else NULL.';
COMMENT ON COLUMN fact_article.dateline_source IS 'Agency or outlet named in the dateline (e.g. العالم), else NULL.';
COMMENT ON COLUMN fact_article.analysis_skipped IS 'Why Arabic extraction was skipped (e.g. not Arabic), NULL when it ran.';

-- fact_entity_mention
COMMENT ON COLUMN fact_entity_mention.article_id IS 'Article the mention is in (fact_article.article_id).';
COMMENT ON COLUMN fact_entity_mention.mention_idx IS 'Position of the mention in the article (natural key with article_id).';
COMMENT ON COLUMN fact_entity_mention.run_date IS 'Run that loaded it (same as the article).';
COMMENT ON COLUMN fact_entity_mention.text IS 'Surface text, equal to body_text[start_char:end_char].';
COMMENT ON COLUMN fact_entity_mention.type IS 'PER | LOC | ORG';
COMMENT ON COLUMN fact_entity_mention.start_char IS '0-based start offset into fact_article.body_text (characters).';
COMMENT ON COLUMN fact_entity_mention.end_char IS 'End offset (exclusive) into fact_article.body_text.';
COMMENT ON COLUMN fact_entity_mention.method IS 'crf = statistical tagger; gazetteer = name list; both = both agreed.';

-- fact_quote
COMMENT ON COLUMN fact_quote.article_id IS 'Article the quote is in.';
COMMENT ON COLUMN fact_quote.quote_idx IS 'Position of the quote in the article (natural key with article_id).';
COMMENT ON COLUMN fact_quote.run_date IS 'Run that loaded it (same as the article).';
COMMENT ON COLUMN fact_quote.kind IS 'direct (in quotation marks) | indirect (reported speech).';
COMMENT ON COLUMN fact_quote.speaker IS 'Speaker as written in the article.';
COMMENT ON COLUMN fact_quote.text IS 'What was said, equal to body_text[start_char:end_char].';
COMMENT ON COLUMN fact_quote.start_char IS '0-based start offset of the quote text into fact_article.body_text.';
COMMENT ON COLUMN fact_quote.end_char IS 'End offset (exclusive) of the quote text.';

-- fact_date_mention
COMMENT ON COLUMN fact_date_mention.article_id IS 'Article the date expression is in.';
COMMENT ON COLUMN fact_date_mention.mention_idx IS 'Position in the article (natural key with article_id).';
COMMENT ON COLUMN fact_date_mention.run_date IS 'Run that loaded it (same as the article).';
COMMENT ON COLUMN fact_date_mention.text IS 'Date expression as written.';
COMMENT ON COLUMN fact_date_mention.value IS 'Resolved Gregorian date; NULL when it cannot be resolved.';
COMMENT ON COLUMN fact_date_mention.kind IS 'date | year | month | hijri | weekday | relative';
COMMENT ON COLUMN fact_date_mention.start_char IS '0-based start offset into fact_article.body_text.';
COMMENT ON COLUMN fact_date_mention.end_char IS 'End offset (exclusive) into fact_article.body_text.';

-- fact_article_source
COMMENT ON COLUMN fact_article_source.article_id IS 'The article (fact_article.article_id).';
COMMENT ON COLUMN fact_article_source.source_id IS 'A source whose feed carried it (dim_source.source_id).';
COMMENT ON COLUMN fact_article_source.run_date IS 'Run in which this source first carried it.';
COMMENT ON COLUMN fact_article_source.url IS 'The link as this source gave it.';

-- fact_story_cluster
COMMENT ON COLUMN fact_story_cluster.cluster_id IS 'Story cluster (same as fact_article.cluster_id).';
COMMENT ON COLUMN fact_story_cluster.article_id IS 'Member article.';
COMMENT ON COLUMN fact_story_cluster.source_id IS 'Outlet of the member article.';
COMMENT ON COLUMN fact_story_cluster.published_at IS 'Publication time of the member (orders who was first).';
COMMENT ON COLUMN fact_story_cluster.run_date IS 'Run that loaded the member.';

-- quarantine
COMMENT ON COLUMN quarantine.quarantine_id IS 'sha1 of run_date|stage|record_key|rule (20 hex chars): stable across re-runs.';
COMMENT ON COLUMN quarantine.run_date IS 'Run whose gate rejected the row.';
COMMENT ON COLUMN quarantine.stage IS 'Gate that rejected it: entries | pages | articles | mentions | quotes | dates | warehouse.';
COMMENT ON COLUMN quarantine.source_id IS 'Source of the rejected row when known.';
COMMENT ON COLUMN quarantine.record_key IS 'Key of the rejected record (e.g. source|entry_id, article_id, article_id#idx).';
COMMENT ON COLUMN quarantine.rule IS 'First rule the row failed (reason code, see the Data Docs suites).';
COMMENT ON COLUMN quarantine.detail IS 'Every rule the row failed, with the offending values.';
COMMENT ON COLUMN quarantine.payload IS 'The whole rejected row as JSON, for akhbar requeue.';
COMMENT ON COLUMN quarantine.quarantined_at IS 'When the row was quarantined.';
COMMENT ON COLUMN quarantine.requeued_at IS 'When it was re-queued for another run; NULL while pending.';

-- dq_result
COMMENT ON COLUMN dq_result.run_date IS 'Run the validation belongs to.';
COMMENT ON COLUMN dq_result.stage IS 'Gate: entries | pages | articles | mentions | quotes | dates | warehouse.';
COMMENT ON COLUMN dq_result.suite IS 'Great Expectations suite (akhbar_<stage>, akhbar_warehouse_<check>).';
COMMENT ON COLUMN dq_result.expectation IS 'Expectation type, or akhbar_batch_* for batch rules (schema, empty run, share failed, volume).';
COMMENT ON COLUMN dq_result.column_name IS 'Column(s) the expectation read (table.column for warehouse checks).';
COMMENT ON COLUMN dq_result.success IS 'true = the expectation held for the whole batch.';
COMMENT ON COLUMN dq_result.observed_value IS 'What was observed (counts, an example failing value).';
COMMENT ON COLUMN dq_result.unexpected_count IS 'Rows that failed the expectation.';
COMMENT ON COLUMN dq_result.element_count IS 'Rows validated.';
COMMENT ON COLUMN dq_result.recorded_at IS 'When the result was loaded.';

-- pipeline_run
COMMENT ON TABLE pipeline_run IS 'Counts per run, stage, source and metric; source_id = ''*'' rows are run totals: exclude them when summing per source.';
COMMENT ON COLUMN pipeline_run.run_date IS 'Logical date of the run.';
COMMENT ON COLUMN pipeline_run.run_id IS 'Airflow run id (e.g. scheduled__2026-11-28T05:00:00+00:00).';
COMMENT ON COLUMN pipeline_run.started_at IS 'When the run started (wall clock); NULL when the loader did not record it.';
COMMENT ON COLUMN pipeline_run.loaded_at IS 'When the load transaction committed.';
COMMENT ON COLUMN pipeline_run.stage IS 'poll | load | quarantine (and any stage the loader records).';
COMMENT ON COLUMN pipeline_run.source_id IS 'Source, or ''*'' for the run total of the metric.';
COMMENT ON COLUMN pipeline_run.metric IS 'What is counted, e.g. entries_seen, entries_new, articles, mentions.';
COMMENT ON COLUMN pipeline_run.value IS 'The count.';
