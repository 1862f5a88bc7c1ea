-- Question: Which verbs introduce quotations (قال، أكد، أضاف ...), split by
-- direct and reported speech, and how are they distributed across outlets?
-- A newsroom's cue-verb mix says something about its style; a new dominant cue
-- can also reveal an extraction problem.
SELECT
    kind,
    coalesce(cue, '(none)') AS cue,
    count(*) AS quotes,
    round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY kind), 1) AS pct_of_kind,
    count(DISTINCT source_id) AS outlets,
    count(DISTINCT speaker_key) AS speakers
FROM v_quotes
GROUP BY kind, coalesce(cue, '(none)')
ORDER BY kind ASC, quotes DESC, cue ASC;
