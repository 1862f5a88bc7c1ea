-- Extensions come from the pinned wheels only: never fetched at run time.
SET autoinstall_known_extensions = false
