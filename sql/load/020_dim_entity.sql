INSERT OR REPLACE INTO dim_entity (entity_id, type, name_ar, name_en, wikidata_id, origin)
SELECT entity_id, type, name_ar, name_en, wikidata_id, 'gazetteer'
FROM stg_entities;
