"""Akhbar: Arabic news feeds into a queryable DuckDB warehouse."""

__version__ = "0.1.0"
