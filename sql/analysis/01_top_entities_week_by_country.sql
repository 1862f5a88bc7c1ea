-- Question: Which entities were mentioned most in the last 7 days, per country
-- of the outlet that mentioned them (what does each country's press talk about)?
-- "Last 7 days" ends at the latest article day in the warehouse, so the query
-- also answers sensibly on an old snapshot. Top 10 per country.
WITH latest AS (SELECT max(day) AS d FROM v_entity_mentions),
week AS (
    SELECT m.*
    FROM v_entity_mentions AS m, latest
    WHERE m.day > latest.d - INTERVAL 7 DAY
)
SELECT
    coalesce(source_country, '?') AS source_country,
    entity_name,
    entity_type,
    count(*) AS mentions,
    count(DISTINCT article_id) AS articles,
    count(DISTINCT source_id) AS outlets,
    rank() OVER (PARTITION BY coalesce(source_country, '?') ORDER BY count(*) DESC) AS rank_in_country
FROM week
GROUP BY coalesce(source_country, '?'), entity_name, entity_type
QUALIFY rank_in_country <= 10
ORDER BY source_country, rank_in_country, entity_name;
