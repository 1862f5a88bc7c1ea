"""Daily Parquet exports of the fact tables, Hive-partitioned by run date.

Layout: ``out_dir/<table>/run_date=YYYY-MM-DD/part-0.parquet``; read back with
``read_parquet('out_dir/<table>/*/*.parquet', hive_partitioning = true)`` (the
``run_date`` column comes from the directory name, so it is not stored in the
file). A partition is written to a staging directory first
(``out_dir/.staging``, which partition globs never match) and then moved into
place with a single ``rename`` (new partition) or ``os.replace`` of the file
(existing partition), so a reader sees the old file or the new one, never a
half-written one. Re-exporting a date replaces that date only.

Each export also writes the dimensions whole (``out_dir/<dim>.parquet``: sources,
entities, dates; small, replaced atomically) so ids in the facts resolve to names
from the files alone, and ``out_dir/manifest.json``: every file with its table,
run date and row count, and each table's schema with the warehouse's column
descriptions. The manifest is rebuilt from the files on disk after every export.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import uuid
from datetime import date
from pathlib import Path

import duckdb

from akhbar.sqlfiles import sql

FACT_TABLES: tuple[str, ...] = (
    "fact_feed_fetch",
    "fact_article",
    "fact_entity_mention",
    "fact_quote",
    "fact_date_mention",
    "fact_story_cluster",
)
DIMENSION_TABLES: tuple[str, ...] = ("dim_source", "dim_entity", "dim_date")
PART_NAME = "part-0.parquet"
MANIFEST = "manifest.json"


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
    known = {name for name, _ in con.execute(sql("export/tables")).fetchall()}
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
                sql("export/fact_partition"),
                {"table": table, "run_date": run_date, "target": tmp_file.as_posix()},
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
    written += export_dimensions(con, out_dir, [d for d in DIMENSION_TABLES if d in known])
    with contextlib.suppress(OSError):
        staging_root.rmdir()  # only when empty (no concurrent export)
    write_manifest(con, out_dir)
    return written


def export_dimensions(
    con: duckdb.DuckDBPyConnection, out_dir: Path, tables: list[str] | tuple[str, ...]
) -> list[Path]:
    """Write each dimension whole to ``out_dir/<table>.parquet`` (temp file + os.replace)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        final = out_dir / f"{table}.parquet"
        tmp = out_dir / f".{table}.{uuid.uuid4().hex[:8]}.parquet.tmp"
        try:
            con.execute(sql("export/dimension"), {"table": table, "target": tmp.as_posix()})
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(final)
    return written


def _schema(con: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, str | None]]:
    rows = con.execute(sql("export/columns"), {"table": table}).fetchall()
    return [{"name": n, "type": t, "description": c} for n, t, c in rows]


def write_manifest(con: duckdb.DuckDBPyConnection, out_dir: Path) -> Path:
    """``out_dir/manifest.json`` listing every exported file (rows, run date) and schema."""
    out_dir = Path(out_dir)
    comments = dict(con.execute(sql("export/tables")).fetchall())
    tables: dict[str, dict] = {}
    for kind, names in (("fact", FACT_TABLES), ("dimension", DIMENSION_TABLES)):
        for table in names:
            if kind == "fact":
                paths = sorted((out_dir / table).glob(f"run_date=*/{PART_NAME}"))
            else:
                paths = [p for p in [out_dir / f"{table}.parquet"] if p.is_file()]
            if not paths:
                continue
            files = []
            for path in paths:
                (rows,) = con.execute(sql("export/file_rows"), {"path": path.as_posix()}).fetchone()
                entry = {"path": path.relative_to(out_dir).as_posix(), "rows": int(rows)}
                if kind == "fact":
                    entry["run_date"] = path.parent.name.removeprefix("run_date=")
                files.append(entry)
            tables[table] = {
                "kind": kind,
                "description": comments.get(table),
                "read_with": _reader(table, kind),
                "rows": sum(f["rows"] for f in files),
                "files": files,
                "schema": _schema(con, table),
            }
    manifest = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "layout": "facts: <table>/run_date=YYYY-MM-DD/part-0.parquet (run_date from the "
        "path, hive partitioning); dimensions: <table>.parquet (whole table)",
        "tables": tables,
    }
    target = out_dir / MANIFEST
    tmp = out_dir / f".{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


def _reader(table: str, kind: str) -> str:
    if kind == "fact":
        return f"read_parquet('{table}/*/*.parquet', hive_partitioning = true)"
    return f"read_parquet('{table}.parquet')"


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
    return con.sql(sql("export/read_exported"), params={"pattern": pattern})
