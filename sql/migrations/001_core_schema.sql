-- Core star schema. Fact tables carry no PRIMARY KEY index on purpose: loads
-- replace whole run dates in bulk and uniqueness is checked by the warehouse
-- quality suite (an ART index would slow every load and add nothing).
-- Names are a contract with analysts and quality checks:
-- change them only with a new migration.

CREATE TABLE IF NOT EXISTS dim_source (
    source_id       VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    country         VARCHAR,
    feed_url        VARCHAR NOT NULL,
    site_url        VARCHAR,
    language        VARCHAR,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    min_delay_s     DOUBLE,
    max_concurrency INTEGER,
    respect_robots  BOOLEAN,
    notes           VARCHAR,
    updated_at      TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS dim_entity (
    entity_id   VARCHAR PRIMARY KEY,
    type        VARCHAR NOT NULL,          -- PER | LOC | ORG
    name_ar     VARCHAR NOT NULL,
    name_en     VARCHAR,
    wikidata_id VARCHAR,
    origin      VARCHAR NOT NULL           -- gazetteer | local (linked inside articles)
);

CREATE TABLE IF NOT EXISTS dim_date (
    date_day    DATE PRIMARY KEY,
    year        INTEGER NOT NULL,
    month       INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    iso_week    INTEGER NOT NULL,
    weekday     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS fact_feed_fetch (
    run_date      DATE NOT NULL,
    source_id     VARCHAR NOT NULL,
    feed_url      VARCHAR NOT NULL,
    fetched_at    TIMESTAMPTZ,
    status        VARCHAR NOT NULL,        -- ok | not_modified | error | rejected | skipped
    http_status   INTEGER,
    bytes         BIGINT,
    duration_ms   BIGINT,
    entries_seen  INTEGER,
    entries_new   INTEGER,
    error         VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR
    -- natural key: (run_date, source_id)
);

CREATE TABLE IF NOT EXISTS fact_article (
    article_id       VARCHAR NOT NULL,     -- stable hash of the normalised URL (unique: checked by the warehouse suite)
    run_date         DATE NOT NULL,
    source_id        VARCHAR NOT NULL,
    url              VARCHAR NOT NULL,
    canonical_url    VARCHAR,
    title            VARCHAR,
    author           VARCHAR,
    published_at     TIMESTAMPTZ,
    fetched_at       TIMESTAMPTZ,
    language         VARCHAR,
    arabic_share     DOUBLE,
    body_text        VARCHAR,
    body_chars       INTEGER,
    body_source      VARCHAR,              -- page | feed
    content_hash     VARCHAR,
    simhash          BIGINT,
    image_url        VARCHAR,
    dateline_place   VARCHAR,
    dateline_source  VARCHAR,
    analysis_skipped VARCHAR,
    cluster_id       VARCHAR               -- story cluster (near-duplicate bodies across sources)
);

CREATE TABLE IF NOT EXISTS fact_entity_mention (
    article_id  VARCHAR NOT NULL,
    mention_idx INTEGER NOT NULL,
    run_date    DATE NOT NULL,
    text        VARCHAR NOT NULL,
    type        VARCHAR NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    entity_id   VARCHAR,
    method      VARCHAR
    -- natural key: (article_id, mention_idx)
);

CREATE TABLE IF NOT EXISTS fact_quote (
    article_id        VARCHAR NOT NULL,
    quote_idx         INTEGER NOT NULL,
    run_date          DATE NOT NULL,
    kind              VARCHAR NOT NULL,    -- direct | indirect
    speaker           VARCHAR,
    speaker_entity_id VARCHAR,
    cue               VARCHAR,
    text              VARCHAR NOT NULL,
    start_char        INTEGER NOT NULL,
    end_char          INTEGER NOT NULL
    -- natural key: (article_id, quote_idx)
);

CREATE TABLE IF NOT EXISTS fact_date_mention (
    article_id  VARCHAR NOT NULL,
    mention_idx INTEGER NOT NULL,
    run_date    DATE NOT NULL,
    text        VARCHAR NOT NULL,
    value       DATE,
    kind        VARCHAR NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL
    -- natural key: (article_id, mention_idx)
);

CREATE TABLE IF NOT EXISTS fact_story_cluster (
    cluster_id  VARCHAR NOT NULL,
    article_id  VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    published_at TIMESTAMPTZ,
    run_date    DATE NOT NULL
    -- natural key: (cluster_id, article_id)
);

CREATE TABLE IF NOT EXISTS quarantine (
    quarantine_id  VARCHAR PRIMARY KEY,    -- hash of (run_date, stage, record_key, rule)
    run_date       DATE NOT NULL,
    stage          VARCHAR NOT NULL,
    source_id      VARCHAR,
    record_key     VARCHAR,
    rule           VARCHAR NOT NULL,
    detail         VARCHAR,
    payload        VARCHAR,                -- JSON of the row, for re-queueing
    quarantined_at TIMESTAMPTZ NOT NULL,
    requeued_at    TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS dq_result (
    run_date         DATE NOT NULL,
    stage            VARCHAR NOT NULL,
    suite            VARCHAR NOT NULL,
    expectation      VARCHAR NOT NULL,
    column_name      VARCHAR,
    success          BOOLEAN NOT NULL,
    observed_value   VARCHAR,
    unexpected_count BIGINT,
    element_count    BIGINT,
    recorded_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS pipeline_run (
    run_date      DATE NOT NULL,
    run_id        VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ,
    loaded_at     TIMESTAMPTZ NOT NULL,
    stage         VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,        -- '*' for run totals
    metric        VARCHAR NOT NULL,
    value         BIGINT NOT NULL
    -- natural key: (run_date, stage, source_id, metric)
);
