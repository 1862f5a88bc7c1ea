-- Whether an extension is loaded in this connection.
SELECT loaded FROM duckdb_extensions() WHERE extension_name = $name
