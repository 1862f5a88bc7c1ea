"""Numbered DDL migrations plus views, applied by one small runner.

``sql/migrations/NNN_name.sql`` files run once each, in order, inside a
transaction, and are recorded in ``schema_version``. ``sql/views/*.sql`` are
(re)created on every run because a view holds no data: editing a view file and
re-running is enough. Extensions the views need (fts) are loaded offline from
their PyPI wheels.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from akhbar.config import REPO_ROOT

SQL_DIR = REPO_ROOT / "sql"
_MIGRATION = re.compile(r"^(\d{3})_[\w-]+\.sql$")

VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
)
"""


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
    con.execute(VERSION_DDL)
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def apply_migrations(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Apply pending migrations, then recreate views. Returns the names applied."""
    applied = []
    have = current_version(con)
    for version, path in migration_files(sql_dir):
        if version <= have:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, path.name]
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(path.name)
    create_views(con, sql_dir)
    return applied


def create_views(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """(Re)create every view and macro in ``sql/views`` in file-name order."""
    for path in sorted((sql_dir / "views").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection is migrated first."""
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = {}
    # DuckDB takes up to 80% of RAM by default; a task process on a shared worker
    # should not. AKHBAR_DUCKDB_MEMORY_LIMIT (e.g. "1GB") caps it; past the cap
    # DuckDB spills to disk instead of growing.
    limit = os.environ.get("AKHBAR_DUCKDB_MEMORY_LIMIT", "1GB")
    if limit:
        config["memory_limit"] = limit
    con = duckdb.connect(str(path), read_only=read_only, config=config)
    if not read_only:
        apply_migrations(con)
    return con
