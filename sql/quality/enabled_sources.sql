-- Sources the catalogue has enabled: each is expected to land articles on a run date.
SELECT source_id FROM dim_source WHERE enabled ORDER BY source_id
