-- The read-only shell's lockdown, run after its extensions are loaded: no
-- files, no extensions, no persistent secrets; lock_configuration comes last
-- (nothing above can be undone afterwards).
SET enable_external_access = false;
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
SET allow_community_extensions = false;
SET allow_persistent_secrets = false;
SET lock_configuration = true;
