"""The DuckDB warehouse: migrations, the single-writer load, the analyst copy."""
