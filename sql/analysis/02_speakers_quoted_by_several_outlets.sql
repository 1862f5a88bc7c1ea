-- Question: Which speakers are quoted by more than one outlet, how often, and
-- what did they say (one sample quote each)? A speaker quoted across outlets is
-- a voice that sets the agenda rather than one outlet's favourite source.
SELECT
    speaker_name,
    speaker_entity_id,
    outlets,
    outlet_ids,
    quotes,
    direct_quotes,
    indirect_quotes,
    first_day,
    last_day,
    left(sample_quote, 160) AS sample_quote
FROM v_top_speakers
WHERE outlets > 1
ORDER BY outlets DESC, quotes DESC, speaker_name ASC;
