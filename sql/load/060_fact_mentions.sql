INSERT INTO fact_entity_mention
SELECT article_id, mention_idx, $run_date, text, type, "start", "end", entity_id, method
FROM stg_mentions;
INSERT INTO fact_quote (
    article_id, quote_idx, run_date, kind, speaker, speaker_entity_id, cue, text,
    start_char, end_char, speaker_kind
)
SELECT article_id, quote_idx, $run_date, kind, speaker, speaker_entity_id, cue, text,
    "start", "end", speaker_kind
FROM stg_quotes;
INSERT INTO fact_date_mention
SELECT article_id, mention_idx, $run_date, text, value, kind, "start", "end"
FROM stg_dates;
