"""Daily Parquet exports of the fact tables, Hive-partitioned by run date.

Layout: ``out_dir/<table>/run_date=YYYY-MM-DD/part-0.parquet``; read back with
``read_parquet('out_dir/<table>/*/*.parquet', hive_partitioning = true)`` (the
``run_date`` column comes from the directory name, so it is not stored in the
file). A partition is written to a staging directory first
(``out_dir/.staging``, which partition globs never match) and then moved into
place with a single ``rename`` (new partition) or ``os.replace`` of the file
(existing partition), so a reader sees the old file or the new one, never a
half-written one. Re-exporting a date replaces that date only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from datetime import date
from pathlib import Path

import duckdb

FACT_TABLES: tuple[str, ...] = (
    "fact_feed_fetch",
    "fact_article",
    "fact_entity_mention",
    "fact_quote",
    "fact_date_mention",
    "fact_story_cluster",
)
PART_NAME = "part-0.parquet"


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def partition_dir(out_dir: Path, table: str, run_date: date) -> Path:
    return Path(out_dir) / table / f"run_date={run_date.isoformat()}"


def export_parquet(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    run_date: date,
    tables: tuple[str, ...] = FACT_TABLES,
) -> list[Path]:
    """Write one Parquet partition per table for ``run_date``; returns the files written.

    A table with no rows for the date still gets a (zero-row) file, so readers
    see the schema and a re-run that lost rows replaces stale data.
    """
    if not isinstance(run_date, date):
        raise TypeError(f"run_date must be a datetime.date, got {type(run_date).__name__}")
    known = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    }
    missing = [t for t in tables if t not in known]
    if missing:
        raise ValueError(f"not warehouse tables: {', '.join(missing)}")

    out_dir = Path(out_dir)
    staging_root = out_dir / ".staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in tables:
        staging = staging_root / f"{table}-{run_date.isoformat()}-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            tmp_file = staging / PART_NAME
            con.execute(
                f"COPY (SELECT * EXCLUDE (run_date) FROM {table} "
                f"WHERE run_date = DATE '{run_date.isoformat()}') "
                f"TO {_sql_str(tmp_file.as_posix())} (FORMAT parquet, COMPRESSION zstd)"
            )
            final_dir = partition_dir(out_dir, table, run_date)
            final_dir.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(staging, final_dir)  # new partition: one atomic rename
            except OSError:
                os.replace(tmp_file, final_dir / PART_NAME)  # existing: atomic file swap
                for stale in final_dir.iterdir():
                    if stale.name != PART_NAME:
                        _remove(stale)
            written.append(final_dir / PART_NAME)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        staging_root.rmdir()  # only when empty (no concurrent export)
    return written


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def read_exported(
    con: duckdb.DuckDBPyConnection, out_dir: Path, table: str
) -> duckdb.DuckDBPyRelation:
    """Relation over every exported partition of ``table`` (``run_date`` from the path)."""
    pattern = (Path(out_dir) / table / "*" / "*.parquet").as_posix()
    return con.sql(f"SELECT * FROM read_parquet({_sql_str(pattern)}, hive_partitioning = true)")
