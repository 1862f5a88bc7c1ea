-- Most-mentioned entities in articles collected or published in the last $days days.
-- bare_mentions / bare_articles leave out mentions in quotation marks or right after
-- the preposition ل (لـ«الشرق الأوسط»، "الرياض"): for a name that is both a place and an
-- outlet, that is how an outlet is written (the digest ranks such a name by its bare
-- mentions only; see akhbar.ops.digest).
WITH m AS (
    SELECT
        m.*,
        regexp_matches(
            right(left(a.body_text, m.start_char), 3), '(?:[«"“”]\s*|ل[ـ]?)$'
        ) AS marked
    FROM v_entity_mentions AS m
    LEFT JOIN fact_article AS a USING (article_id, run_date)
    WHERE
        (m.run_date > $run_date - INTERVAL ($days) DAY AND m.run_date <= $run_date)
        OR (m.day > $run_date - INTERVAL ($days) DAY AND m.day <= $run_date)
)
SELECT
    entity_name,
    entity_type,
    count(*) AS mentions,
    count(DISTINCT article_id) AS articles,
    count(DISTINCT source_id) AS outlets,
    count(*) FILTER (WHERE NOT coalesce(marked, false)) AS bare_mentions,
    count(DISTINCT article_id) FILTER (WHERE NOT coalesce(marked, false)) AS bare_articles
FROM m
GROUP BY entity_key, entity_name, entity_type
ORDER BY mentions DESC, entity_name ASC
LIMIT $top_n
