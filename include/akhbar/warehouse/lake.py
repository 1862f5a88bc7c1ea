"""The warehouse on DuckLake: catalog in PostgreSQL, data as Parquet on shared storage.

``AKHBAR_WAREHOUSE=ducklake:postgres:…`` (see :class:`akhbar.config.LakeTarget`)
makes every writer and reader attach the lake as ``lake`` and ``USE`` it, so the
migrations, load SQL, views and macros run unchanged except where DuckLake has
no equivalent feature. Those gaps and what replaces them:

* PRIMARY KEY / UNIQUE constraints do not exist in DuckLake: :func:`adapt_sql`
  drops them from the DDL. ``INSERT OR REPLACE`` (which needs one) becomes
  delete-then-insert on the key the migrations declared (:func:`upsert_keys`).
  Uniqueness is then kept by the load's own dedup SQL (``NOT IN`` / ``QUALIFY``)
  plus the warehouse quality checks, as for the fact tables already.
* Dedup SQL only sees committed rows, so two overlapping loads must not both
  commit on the same old snapshot (write skew would duplicate a dimension row or
  an article carried on two dates). Every lake load transaction therefore also
  bumps the one row of ``writer_token`` (migration 005): DuckLake refuses the
  second commit with a transaction conflict, and :func:`retry_on_conflict`
  re-runs that whole date's transaction on the new snapshot. Nothing is ever
  half-applied: a failed commit writes no catalog rows.
* ``CHECKPOINT`` would run DuckLake maintenance (file merges, cleanup) under
  concurrent writers: a lake load does not call it.
* Indexes (the fts BM25 index): not on a lake; search uses the scan macros of
  ``sql/views/090_search.sql`` (same columns, same results order by score).

The extensions come from the pinned wheels, offline: ``ducklake`` as is, and the
``postgres`` wheel's file under the name ``postgres_scanner.duckdb_extension``
(the extension's entry point is ``postgres_scanner``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from akhbar.config import LakeTarget
from akhbar.sqlfiles import SQL_DIR, sql

log = logging.getLogger(__name__)

LAKE_ALIAS = "lake"
NO_FTS_INDEX = (
    "DuckDB's fts index is not supported on DuckLake; search_articles/search_quotes "
    "scan with the same columns instead"
)
COMMIT_AUTHOR = "akhbar"
INIT_RACE = "Failed to initialize DuckLake"
INIT_ATTEMPTS = 10
CONFLICT_MARKERS = ("Transaction conflict", "Failed to commit DuckLake transaction")
_PRIMARY_KEY = re.compile(r"\s+PRIMARY\s+KEY\b", re.IGNORECASE)
_KEY_COLUMN = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*?)\n\)", re.IGNORECASE | re.DOTALL
)
_UPSERT = re.compile(
    r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)\s*(.+)$", re.IGNORECASE | re.DOTALL
)
T = TypeVar("T")


class LakeError(RuntimeError):
    """The lake cannot be opened or used as asked (one-line message)."""


# --------------------------------------------------------------------------- extensions


def _postgres_scanner_file() -> Path:
    """The postgres wheel's extension under the file name its entry point needs."""
    from akhbar.warehouse.search import extension_path

    source = extension_path("postgres")
    cache = Path(tempfile.gettempdir()) / f"akhbar-duckdb-{duckdb.__version__}-{os.getuid()}"
    target = cache / "postgres_scanner.duckdb_extension"
    if target.is_file() and target.stat().st_size == source.stat().st_size:
        return target
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".postgres_scanner.{os.getpid()}.tmp"
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target


def load_lake_extensions(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """LOAD ducklake (and postgres_scanner for a PostgreSQL catalog) from the wheels."""
    from akhbar.warehouse.search import extension_path

    con.execute(sql("lake/no_autoinstall"))
    if not _loaded(con, "ducklake"):
        con.load_extension(extension_path("ducklake").as_posix())
    if catalog.startswith("ducklake:postgres:") and not _loaded(con, "postgres_scanner"):
        con.load_extension(_postgres_scanner_file().as_posix())


def _loaded(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(sql("search/extension_loaded"), {"name": name}).fetchone()
    return bool(row and row[0])


# --------------------------------------------------------------------------- connections


def attach(
    con: duckdb.DuckDBPyConnection,
    target: LakeTarget,
    *,
    read_only: bool = False,
    alias: str = LAKE_ALIAS,
    use: bool = True,
) -> None:
    """ATTACH the lake as ``alias`` (and USE it); errors are one line.

    The two statements are built here: ATTACH and USE take no parameters, so the
    catalog and data path go in as quoted literals and ``alias`` must be a plain
    identifier. The first writers of a new lake race to create its catalog tables:
    all but one fail with "Failed to initialize DuckLake" (two loads of a first
    backfill did). A writer that lost attaches again and finds the lake the winner
    created.
    """
    if not alias.isidentifier():
        raise LakeError(f"lake alias must be a plain identifier: {alias!r}")
    load_lake_extensions(con, target.catalog)
    options = [f"DATA_PATH '{quote(target.data_path)}'"]
    if read_only:
        options.append("READ_ONLY")
    for attempt in range(1, INIT_ATTEMPTS + 1):
        try:
            con.execute(f"ATTACH '{quote(target.catalog)}' AS {alias} ({', '.join(options)})")
            break
        except duckdb.Error as exc:
            if not read_only and INIT_RACE in str(exc) and attempt < INIT_ATTEMPTS:
                log.info("lake %s: created by another writer meanwhile, attaching again", alias)
                time.sleep(0.1 * attempt)
                continue
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LakeError(f"cannot attach the lake {target.display}: {first}") from exc
    if use:
        con.execute(f"USE {alias}")


def open_lake(
    target: LakeTarget, *, read_only: bool = False, config: dict[str, str | int] | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB session with the lake attached and in use (not migrated).

    ``config``: DuckDB settings at connect time (memory_limit, threads)."""
    con = duckdb.connect(":memory:", config=dict(config or {}))
    try:
        attach(con, target, read_only=read_only)
    except BaseException:
        con.close()
        raise
    return con


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``con``'s current database is a DuckLake."""
    row = con.execute(sql("lake/database_type")).fetchone()
    return bool(row and row[0] == "ducklake")


def snapshot_id(con: duckdb.DuckDBPyConnection, alias: str = LAKE_ALIAS) -> int:
    """The lake's newest committed snapshot id as this session sees it."""
    return int(con.execute(sql("lake/current_snapshot"), {"lake_alias": alias}).fetchone()[0])


def run_snapshot(
    con: duckdb.DuckDBPyConnection, run_id: str, alias: str = LAKE_ALIAS
) -> int | None:
    """The snapshot a run's load committed (found by its commit message), or None."""
    row = con.execute(
        sql("lake/run_snapshot"),
        {"lake_alias": alias, "commit_author": COMMIT_AUTHOR, "run_id": run_id},
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def record_load_snapshot(con: duckdb.DuckDBPyConnection, run_date: Any, run_id: str) -> int | None:
    """After a load's commit: its snapshot id into ``load_snapshot`` (and returned).

    An insert only, which DuckLake merges with concurrent inserts; retried anyway
    should a concurrent commit touch the table in a way that conflicts.
    """
    snap = run_snapshot(con, run_id, current_alias(con))
    if snap is not None:
        retry_on_conflict(
            lambda: con.execute(
                sql("lake/record_load_snapshot"),
                {"run_date": run_date, "run_id": run_id, "snapshot_id": snap},
            ),
            what=f"load snapshot {run_date}",
        )
    return snap


# --------------------------------------------------------------------------- SQL dialect


def upsert_keys(sql_dir: Path = SQL_DIR) -> dict[str, str]:
    """Table -> its PRIMARY KEY column, as the migrations declare them."""
    keys: dict[str, str] = {}
    paths = sorted((sql_dir / "migrations").glob("*.sql")) + sorted(
        (sql_dir / "migrate").glob("*.sql")
    )
    for path in paths:
        for table, body in _KEY_COLUMN.findall(path.read_text(encoding="utf-8")):
            for line in body.splitlines():
                words = line.split()
                if len(words) >= 4 and " ".join(words[2:4]).upper().startswith("PRIMARY KEY"):
                    keys[table.lower()] = words[0]
    return keys


def adapt_sql(statement: str, keys: dict[str, str] | None = None) -> list[str]:
    """One warehouse statement (or DDL script) as the statement(s) a lake runs."""
    text = _PRIMARY_KEY.sub("", statement)
    match = _UPSERT.match(text)
    if not match:
        return [text]
    table, columns, source = match.group(1), match.group(2).strip(), match.group(3).strip()
    key = (keys if keys is not None else upsert_keys()).get(table.lower())
    if key is None:
        raise LakeError(f"INSERT OR REPLACE INTO {table}: no PRIMARY KEY in the migrations")
    return [
        f"CREATE OR REPLACE TEMP TABLE lake_upsert AS SELECT * FROM ({source}) "
        f"AS lake_src({columns})",
        f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM lake_upsert)",
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM lake_upsert",
    ]


def adapt_statements(
    con: duckdb.DuckDBPyConnection,
    statements: list[tuple[str, str]],
    params: dict[str, Any],
) -> list[tuple[str, str]]:
    """The load's (file, statement) pairs for ``con``: unchanged on a DuckDB file.

    On a lake: upserts rewritten, then the writer token bumped and the commit
    message set (step, run id and date; parameters from :func:`commit_params`), so
    the snapshot of a run can be found later. ``params["lake_step"]`` names the
    step (default ``load``).
    """
    if not statements or not is_lake(con):
        return statements
    keys = upsert_keys()
    out = [(name, part) for name, stmt in statements for part in adapt_sql(stmt, keys)]
    out.append(("lake", sql("lake/bump_writer_token")))
    out.append(("lake", sql("lake/set_commit_message")))
    return out


def commit_params(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> dict[str, str]:
    """Parameters of ``sql/lake/set_commit_message.sql`` for a load's ``params``."""
    step = str(params.get("lake_step", "load"))
    info = {"run_id": params.get("run_id"), "run_date": str(params.get("run_date")), "step": step}
    return {
        "lake_alias": current_alias(con),
        "commit_author": COMMIT_AUTHOR,
        "commit_message": f"{step} {params.get('run_date')}",
        "commit_extra": json.dumps(info),
    }


def current_alias(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute(sql("lake/current_database")).fetchone()[0])


def views_hash(sql_dir: Path = SQL_DIR) -> str:
    """Hash of every view file: a lake re-creates its views only when this changes."""
    digest = hashlib.sha256()
    for path in sorted((sql_dir / "views").glob("*.sql")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# --------------------------------------------------------------------------- conflicts


def is_conflict(exc: BaseException) -> bool:
    """A DuckLake commit conflict, also when a failed ROLLBACK wrapped it."""
    seen: BaseException | None = exc
    while seen is not None:
        if any(marker in str(seen) for marker in CONFLICT_MARKERS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def retry_on_conflict(
    work: Callable[[], T],
    *,
    what: str,
    attempts: int = 20,
    wait_s: float = 0.2,
    rollback: Callable[[], None] | None = None,
) -> T:
    """Run ``work`` (one whole transaction) again while its commit conflicts."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if not is_conflict(exc) or attempt == attempts:
                raise
            if rollback is not None:
                rollback()
            pause = min(wait_s * 1.5 ** (attempt - 1), 5.0)
            log.warning(
                "%s: lake commit conflict (attempt %d), retrying in %.1f s", what, attempt, pause
            )
            time.sleep(pause)
    raise AssertionError("unreachable")


def serialized_write(
    con: duckdb.DuckDBPyConnection, work: Callable[[], T], *, what: str, step: str
) -> T:
    """``work`` (some writes) as one lake transaction that conflicts with every other
    lake writer (writer token bumped, commit message ``step``) and is re-run on a
    conflict. On a DuckDB file ``work`` just runs, as the caller's statements would.
    """
    if not is_lake(con):
        return work()
    message = {
        "lake_alias": current_alias(con),
        "commit_author": COMMIT_AUTHOR,
        "commit_message": step,
        "commit_extra": json.dumps({"step": step}),
    }

    def attempt() -> T:
        con.begin()
        try:
            out = work()
            con.execute(sql("lake/bump_writer_token"))
            con.execute(sql("lake/set_commit_message"), message)
            con.commit()
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # a failed COMMIT ended it already
                con.rollback()
            raise
        return out

    return retry_on_conflict(attempt, what=what)


def quote(text: str) -> str:
    """``text`` inside a single-quoted SQL literal."""
    return text.replace("'", "''")
