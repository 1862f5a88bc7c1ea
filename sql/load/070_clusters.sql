-- Clusters are recomputed over the trailing window, so earlier articles can
-- join a story that only now has a second outlet.
UPDATE fact_article AS f
SET cluster_id = c.cluster_id
FROM stg_clusters AS c
WHERE f.article_id = c.article_id AND f.cluster_id IS DISTINCT FROM c.cluster_id;
DELETE FROM fact_story_cluster
WHERE article_id IN (SELECT article_id FROM stg_clusters);
INSERT INTO fact_story_cluster (cluster_id, article_id, source_id, published_at, run_date)
SELECT f.cluster_id, f.article_id, f.source_id, f.published_at, f.run_date
FROM fact_article AS f
WHERE f.cluster_id IN (
    SELECT cluster_id FROM stg_clusters GROUP BY cluster_id HAVING count(*) > 1
);
