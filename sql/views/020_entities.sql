-- Entity mentions: per mention, per entity per day, and co-mentions.
-- An entity is its linked entity_id; an unlinked mention is keyed by its folded
-- text ('text:' || ar_fold(text)) so spelling variants still group together.

CREATE OR REPLACE VIEW v_entity_mentions AS
SELECT
    m.article_id,
    m.mention_idx,
    m.run_date,
    article_day(a.published_at, m.run_date) AS day,
    a.source_id,
    s.country AS source_country,
    coalesce(m.entity_id, 'text:' || ar_fold(m.text)) AS entity_key,
    m.entity_id,
    coalesce(e.name_ar, m.text) AS entity_name,
    e.name_en AS entity_name_en,
    coalesce(e.type, m.type) AS entity_type,
    m.text AS mention_text,
    m.start_char,
    m.end_char,
    m.method
FROM fact_entity_mention AS m
LEFT JOIN fact_article AS a USING (article_id)
LEFT JOIN dim_source AS s ON s.source_id = a.source_id
LEFT JOIN dim_entity AS e ON e.entity_id = m.entity_id;

COMMENT ON VIEW v_entity_mentions IS 'Every entity mention with article day, source, and entity (canonical name when linked, else the folded surface form as entity_key).';

CREATE OR REPLACE VIEW v_entity_comentions AS
WITH per_article AS (
    SELECT DISTINCT article_id, day, source_id, entity_key, entity_name, entity_type
    FROM v_entity_mentions
)
SELECT
    x.entity_key,
    any_value(x.entity_name) AS entity_name,
    any_value(x.entity_type) AS entity_type,
    y.entity_key AS other_key,
    any_value(y.entity_name) AS other_name,
    any_value(y.entity_type) AS other_type,
    count(DISTINCT x.article_id) AS articles,
    count(DISTINCT x.source_id) AS outlets,
    min(x.day) AS first_day,
    max(x.day) AS last_day
FROM per_article AS x
INNER JOIN per_article AS y ON x.article_id = y.article_id AND x.entity_key <> y.entity_key
GROUP BY x.entity_key, y.entity_key;

COMMENT ON VIEW v_entity_comentions IS 'Pairs of entities mentioned in the same article, both directions (filter on entity_name or entity_key), with shared article count, outlets and first/last day.';

CREATE OR REPLACE VIEW v_entity_daily AS
WITH per_article AS (
    SELECT DISTINCT article_id, day, entity_key, entity_name, entity_type
    FROM v_entity_mentions
),
daily AS (
    SELECT
        m.day,
        m.entity_key,
        any_value(m.entity_id) AS entity_id,
        any_value(m.entity_name) AS entity_name,
        any_value(m.entity_type) AS entity_type,
        count(*) AS mentions,
        count(DISTINCT m.article_id) AS articles,
        count(DISTINCT m.source_id) AS outlets
    FROM v_entity_mentions AS m
    GROUP BY m.day, m.entity_key
),
pairs AS (
    SELECT x.day, x.entity_key, y.entity_name AS other_name,
           count(DISTINCT x.article_id) AS together
    FROM per_article AS x
    INNER JOIN per_article AS y ON x.article_id = y.article_id AND x.entity_key <> y.entity_key
    GROUP BY x.day, x.entity_key, y.entity_name
),
top_pairs AS (
    SELECT day, entity_key,
           list(other_name ORDER BY together DESC, other_name ASC)[1:3] AS top_comentions
    FROM pairs
    GROUP BY day, entity_key
)
SELECT d.*, coalesce(t.top_comentions, []) AS top_comentions
FROM daily AS d
LEFT JOIN top_pairs AS t USING (day, entity_key);

COMMENT ON VIEW v_entity_daily IS 'Mentions, articles and outlets per entity per day, with the three entities most often mentioned in the same articles that day (top_comentions).';
