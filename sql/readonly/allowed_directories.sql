-- A read-only lake session may still read the lake's data files (only those).
SET allowed_directories = $directories
