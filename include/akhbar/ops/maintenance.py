"""Work of the asset-triggered ``akhbar_maintenance`` DAG, one function per task."""

from __future__ import annotations

import logging
from datetime import date

import duckdb

from akhbar.config import Settings, load_settings
from akhbar.sqlfiles import sql

log = logging.getLogger(__name__)


def _open(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The published warehouse read-only (the analyst copy, or the lake's last snapshot);
    not locked down: the exports write Parquet files from it."""
    if settings.lake is None:
        return duckdb.connect(str(settings.analyst_copy), read_only=True)
    from akhbar.warehouse.lake import attach

    con = duckdb.connect(":memory:")
    try:
        attach(con, settings.lake, read_only=True)
    except BaseException:
        con.close()
        raise
    return con


def latest_run_date(settings: Settings | None = None) -> str | None:
    settings = settings or load_settings()
    if settings.lake is None and not settings.analyst_copy.exists():
        log.warning("no analyst copy at %s yet", settings.analyst_copy)
        return None
    con = _open(settings)
    try:
        row = con.execute(sql("maintenance/latest_run_date")).fetchone()
    finally:
        con.close()
    return str(row[0]) if row and row[0] else None


def export_parquet(run_date: str | None, settings: Settings | None = None) -> list[str]:
    from akhbar.warehouse.export import export_parquet as export

    settings = settings or load_settings()
    if run_date is None:
        return []
    con = _open(settings)
    try:
        paths = export(con, settings.data_dir / "exports", date.fromisoformat(run_date))
    finally:
        con.close()
    log.info("exported %d Parquet partitions for %s", len(paths), run_date)
    return [str(p) for p in paths]


def write_digest(run_date: str | None, settings: Settings | None = None) -> str | None:
    from akhbar.ops.digest import render_digest
    from akhbar.warehouse.readonly import open_warehouse_readonly

    settings = settings or load_settings()
    if run_date is None:
        return None
    con = open_warehouse_readonly(settings, extensions=())  # locked down; no fts needed
    try:
        out = render_digest(
            con, date.fromisoformat(run_date), settings.data_dir / "digest" / f"{run_date}.html"
        )
    finally:
        con.close()
    log.info("digest written to %s", out)
    return str(out)


def build_data_docs(run_date: str | None, settings: Settings | None = None) -> str | None:
    from akhbar.quality import build_data_docs as build

    settings = settings or load_settings()
    index = build(settings.data_dir / "quality")
    log.info("Great Expectations Data Docs: %s", index)
    return str(index)


def refresh_search_index(settings: Settings | None = None) -> dict[str, int]:
    """Rebuild the full-text index, checkpoint, republish the analyst copy (writer slot)."""
    from akhbar.warehouse.publish import refresh_search_index as refresh

    settings = settings or load_settings()
    if not settings.warehouse.exists():
        return {}
    return refresh(settings)
