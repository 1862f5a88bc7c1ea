-- Quotes: per quote, top speakers, and quotes_by(name).
-- A speaker is its linked speaker_entity_id, else the folded speaker string.
-- speaker_kind: person | organisation | role | anonymous. Rankings count named
-- speakers (person, organisation) by default: a generic "المصدر" or an unresolved
-- role noun is no one in particular (v_top_speakers_all keeps every kind).

CREATE OR REPLACE VIEW v_quotes AS
SELECT
    q.article_id,
    q.quote_idx,
    q.run_date,
    article_day(a.published_at, q.run_date) AS day,
    a.published_at,
    a.source_id,
    s.name AS source_name,
    a.title AS article_title,
    q.kind,
    coalesce(q.speaker_entity_id, 'text:' || ar_fold(q.speaker)) AS speaker_key,
    q.speaker_entity_id,
    coalesce(e.name_ar, q.speaker) AS speaker_name,
    q.speaker AS speaker_text,
    q.speaker_kind,
    q.cue,
    q.text,
    q.start_char,
    q.end_char
FROM fact_quote AS q
LEFT JOIN fact_article AS a USING (article_id)
LEFT JOIN dim_source AS s ON s.source_id = a.source_id
LEFT JOIN dim_entity AS e ON e.entity_id = q.speaker_entity_id;

COMMENT ON VIEW v_quotes IS 'Every direct/indirect quote with speaker (canonical name when linked), cue verb, article day, outlet and article title. Unattributed quotes have speaker_key NULL.';

-- speaker_ranking(named_only): one row per speaker (v_top_speakers and
-- v_top_speakers_all); named_only keeps person and organisation quotes only.
CREATE OR REPLACE MACRO speaker_ranking(named_only) AS TABLE
WITH q AS (
    SELECT * FROM v_quotes
    WHERE speaker_key IS NOT NULL
      AND (NOT named_only OR coalesce(speaker_kind, 'person') IN ('person', 'organisation'))
),
topics AS (
    -- what the speaker is quoted on: entities of the articles that quote them,
    -- other than the speaker themself
    SELECT q.speaker_key, m.entity_name, count(DISTINCT m.article_id) AS n
    FROM (SELECT DISTINCT speaker_key, speaker_name, article_id FROM q) AS q
    INNER JOIN v_entity_mentions AS m USING (article_id)
    WHERE m.entity_key <> q.speaker_key AND ar_fold(m.entity_name) NOT IN (ar_fold(q.speaker_name))
    GROUP BY ALL
)
SELECT
    q.speaker_key,
    any_value(q.speaker_name) AS speaker_name,
    any_value(q.speaker_entity_id) AS speaker_entity_id,
    mode(q.speaker_kind) AS speaker_kind,
    count(*) AS quotes,
    count(*) FILTER (WHERE q.kind = 'direct') AS direct_quotes,
    count(*) FILTER (WHERE q.kind = 'indirect') AS indirect_quotes,
    count(DISTINCT q.article_id) AS articles,
    count(DISTINCT q.source_id) AS outlets,
    list(DISTINCT q.source_id ORDER BY q.source_id) AS outlet_ids,
    min(q.day) AS first_day,
    max(q.day) AS last_day,
    -- sample: the longest direct quote, else the longest quote
    arg_max(q.text, (q.kind = 'direct', length(q.text))) AS sample_quote,
    arg_max(q.article_id, (q.kind = 'direct', length(q.text))) AS sample_article_id,
    arg_max(q.source_id, (q.kind = 'direct', length(q.text))) AS sample_source_id,
    (SELECT list(t.entity_name ORDER BY t.n DESC, t.entity_name ASC)[1:5]
       FROM topics AS t WHERE t.speaker_key = q.speaker_key) AS topics
FROM q
GROUP BY q.speaker_key;

CREATE OR REPLACE VIEW v_top_speakers_all AS
SELECT * FROM speaker_ranking(FALSE);

COMMENT ON VIEW v_top_speakers_all IS 'Like v_top_speakers but every speaker kind, anonymous sources and unresolved role nouns included.';

CREATE OR REPLACE VIEW v_top_speakers AS
SELECT * FROM speaker_ranking(TRUE);

COMMENT ON VIEW v_top_speakers IS 'Who is quoted most (named speakers: persons and organisations; anonymous sources and unresolved role nouns are in v_top_speakers_all): quotes (direct/indirect), articles, outlets that quoted them, first/last day, one sample quote (longest direct) and topics (entities most mentioned in the articles quoting them). ORDER BY quotes DESC.';

-- quotes_by(name): quotes by one person over time. Matches the speaker entity
-- id exactly, or the folded name inside the folded speaker string / canonical
-- name, so اردوغان, أردوغان and إردوغان all find the same quotes.
CREATE OR REPLACE MACRO quotes_by(name) AS TABLE
SELECT
    day, published_at, source_id, source_name, kind, speaker_name, speaker_text,
    speaker_kind, cue, text, article_id, quote_idx, article_title
FROM v_quotes
WHERE speaker_entity_id = name
   OR contains(ar_fold(speaker_text), ar_fold(name))
   OR contains(ar_fold(speaker_name), ar_fold(name))
ORDER BY day, published_at, article_id, quote_idx;
