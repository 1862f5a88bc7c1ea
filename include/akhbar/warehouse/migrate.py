"""Numbered DDL migrations plus views, applied by one small runner.

``sql/migrations/NNN_name.sql`` files run once each, in order, inside a
transaction, and are recorded in ``schema_version``. ``sql/views/*.sql`` are
(re)created on every run because a view holds no data: editing a view file and
re-running is enough. Extensions the views need (fts) are loaded offline from
their PyPI wheels.

On a DuckLake warehouse (:mod:`akhbar.warehouse.lake`) the same files run with
PRIMARY KEY clauses dropped; concurrent first connections that race to migrate
retry on the commit conflict, and views are re-created only when their files
changed (each catalog change is a lake snapshot).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import duckdb

from akhbar.config import Settings, load_settings
from akhbar.sqlfiles import SQL_DIR, sql
from akhbar.warehouse import lake as lakes

__all__ = [
    "SQL_DIR",
    "apply_migrations",
    "connect",
    "create_views",
    "current_version",
    "migration_files",
    "open_warehouse",
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
    con.execute(_dialect(con, sql("migrate/schema_version_table")))
    row = con.execute(sql("migrate/current_version")).fetchone()
    return int(row[0]) if row else 0


def apply_migrations(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Apply pending migrations, then recreate views. Returns the names applied."""
    if lakes.is_lake(con):
        applied = lakes.retry_on_conflict(
            lambda: _apply_pending(con, sql_dir), what="lake migrations"
        )
        lakes.retry_on_conflict(lambda: _create_lake_views(con, sql_dir), what="lake views")
        return applied
    applied = _apply_pending(con, sql_dir)
    create_views(con, sql_dir)
    return applied


def _dialect(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """DDL as ``con`` accepts it: PRIMARY KEY clauses dropped on a lake."""
    return "".join(lakes.adapt_sql(text, {})) if lakes.is_lake(con) else text


def _apply_pending(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> list[str]:
    applied = []
    have = current_version(con)
    for version, path in migration_files(sql_dir):
        if version <= have:
            continue
        con.begin()
        try:
            con.execute(_dialect(con, path.read_text(encoding="utf-8")))
            con.execute(sql("migrate/record_version"), {"version": version, "name": path.name})
            con.commit()
        except Exception:
            con.rollback()
            raise
        applied.append(path.name)
    return applied


def _create_lake_views(con: duckdb.DuckDBPyConnection, sql_dir: Path) -> None:
    """Views and macros in one lake transaction, only when the view files changed."""
    wanted = lakes.views_hash(sql_dir)
    row = con.execute(sql("migrate/views_hash")).fetchone()
    if row and row[0] == wanted:
        return
    con.begin()
    try:
        create_views(con, sql_dir)
        con.execute(sql("migrate/record_views_hash"), {"views_hash": wanted})
        con.commit()
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise


def create_views(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> None:
    """(Re)create every view and macro in ``sql/views`` in file-name order."""
    for path in sorted((sql_dir / "views").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    memory_limit: str | None = None,
    threads: int = 0,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection is migrated first.

    ``memory_limit`` caps DuckDB's buffer pool (past it DuckDB spills to disk);
    None takes ``Settings.duckdb_memory_limit`` (AKHBAR_DUCKDB_MEMORY_LIMIT), "" no cap.
    ``threads`` > 0 caps DuckDB's worker threads (0: DuckDB's default, one a core).
    """
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    limit = load_settings().duckdb_memory_limit if memory_limit is None else memory_limit
    con = duckdb.connect(str(path), read_only=read_only, config=_config(limit, threads))
    if not read_only:
        apply_migrations(con)
    return con


def _config(memory_limit: str | None, threads: int) -> dict[str, str | int]:
    """DuckDB settings at connect time: the buffer-pool cap ("" or None: none) and
    the worker threads (0: DuckDB's default, one a core)."""
    config: dict[str, str | int] = {"memory_limit": memory_limit} if memory_limit else {}
    if threads > 0:
        config["threads"] = threads
    return config


def open_warehouse(
    settings: Settings,
    *,
    read_only: bool = False,
    memory_limit: str | None = None,
    threads: int = 0,
) -> duckdb.DuckDBPyConnection:
    """The configured warehouse, file or lake; a writable connection is migrated first."""
    if settings.lake is None:
        return connect(
            settings.warehouse, read_only=read_only, memory_limit=memory_limit, threads=threads
        )
    limit = settings.duckdb_memory_limit if memory_limit is None else memory_limit
    con = lakes.open_lake(settings.lake, read_only=read_only, config=_config(limit, threads))
    if not read_only:
        try:
            apply_migrations(con)
        except BaseException:
            con.close()
            raise
    return con
