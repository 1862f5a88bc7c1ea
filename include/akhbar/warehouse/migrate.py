"""Numbered DDL migrations plus views, applied by one small runner.

``sql/migrations/NNN_name.sql`` files run once each, in order, inside a
transaction, and are recorded in ``schema_version``. ``sql/views/*.sql`` are
(re)created on every run because a view holds no data: editing a view file and
re-running is enough. Extensions the views need (fts) are loaded offline from
their PyPI wheels.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from akhbar.config import load_settings
from akhbar.sqlfiles import SQL_DIR, sql

__all__ = [
    "SQL_DIR",
    "apply_migrations",
    "connect",
    "create_views",
    "current_version",
    "migration_files",
]

_MIGRATION = re.compile(r"^(\d{3})_[\w-]+\.sql$")


def migration_files(sql_dir: Path = SQL_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in sorted((sql_dir / "migrations").glob("*.sql")):
        match = _MIGRATION.match(path.name)
        if not match:
            raise ValueError(f"migration file name must look like 001_name.sql: {path.name}")
        found.append((int(match.group(1)), path))
    versions = [v for v, _ in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration numbers in {sql_dir / 'migrations'}")
    return found


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(sql("migrate/schema_version_table"))
    row = con.execute(sql("migrate/current_version")).fetchone()
    return int(row[0]) if row else 0


def apply_migrations(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Apply pending migrations, then recreate views. Returns the names applied."""
    applied = []
    have = current_version(con)
    for version, path in migration_files(sql_dir):
        if version <= have:
            continue
        con.begin()
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(sql("migrate/record_version"), {"version": version, "name": path.name})
            con.commit()
        except Exception:
            con.rollback()
            raise
        applied.append(path.name)
    create_views(con, sql_dir)
    return applied


def create_views(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """(Re)create every view and macro in ``sql/views`` in file-name order."""
    for path in sorted((sql_dir / "views").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def connect(
    path: Path | str, *, read_only: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection is migrated first.

    ``memory_limit`` caps DuckDB's buffer pool (past it DuckDB spills to disk);
    None takes ``Settings.duckdb_memory_limit`` (AKHBAR_DUCKDB_MEMORY_LIMIT), "" no cap.
    """
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = {}
    limit = load_settings().duckdb_memory_limit if memory_limit is None else memory_limit
    if limit:
        config["memory_limit"] = limit
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    if not read_only:
        apply_migrations(con)
    return con
