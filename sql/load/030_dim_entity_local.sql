-- Entities linked inside articles but absent from the gazetteer ("local:" ids):
-- the longest surface form becomes the name.
INSERT INTO dim_entity (entity_id, type, name_ar, name_en, wikidata_id, origin)
SELECT entity_id, arg_max(type, length(text)), arg_max(text, length(text)), NULL, NULL, 'local'
FROM stg_mentions
WHERE entity_id IS NOT NULL
  AND entity_id NOT IN (SELECT entity_id FROM dim_entity)
GROUP BY entity_id;
