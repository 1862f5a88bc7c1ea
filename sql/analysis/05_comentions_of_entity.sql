-- Question: Which entities appear together with a given entity, and how often?
-- Set the entity first (any spelling: hamza and diacritics are folded), e.g.
--   SET VARIABLE entity = 'ليبيا';
-- Without it the query uses the most-mentioned entity of the warehouse.
WITH target AS (
    SELECT coalesce(
        (SELECT entity_key FROM v_entity_mentions
         WHERE getvariable('entity') IS NOT NULL
           AND (entity_id = getvariable('entity')
                OR ar_fold(entity_name) = ar_fold(getvariable('entity'))
                OR ar_fold(mention_text) = ar_fold(getvariable('entity')))
         GROUP BY entity_key ORDER BY count(*) DESC LIMIT 1),
        (SELECT entity_key FROM v_entity_mentions
         GROUP BY entity_key ORDER BY count(*) DESC, entity_key LIMIT 1)
    ) AS entity_key
)
SELECT
    c.entity_name,
    c.other_name AS co_mentioned,
    c.other_type AS co_mentioned_type,
    c.articles AS shared_articles,
    c.outlets,
    c.first_day,
    c.last_day
FROM v_entity_comentions AS c
INNER JOIN target AS t USING (entity_key)
ORDER BY c.articles DESC, c.other_name ASC
LIMIT 25;
