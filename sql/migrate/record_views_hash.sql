-- The view files' hash, recorded with the views it created (one lake transaction).
UPDATE writer_token SET views_hash = $views_hash
