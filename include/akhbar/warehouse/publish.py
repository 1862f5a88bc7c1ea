"""The read-only analyst copy of a DuckDB warehouse file, and what goes with it.

Every write (a load, the cluster step, the search-index refresh) ends by
publishing the copy under the writer lock; readers open the copy, never the
writer's file. A DuckLake warehouse has no copy: analysts attach the lake
read-only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from akhbar.config import Settings
from akhbar.sqlfiles import sql
from akhbar.warehouse import lake as lakes
from akhbar.warehouse.migrate import open_warehouse

log = logging.getLogger(__name__)


def publish_analyst_copy(settings: Settings) -> Path:
    """Copy the checkpointed warehouse next to itself and rename it into place.

    Called with the writer lock held. The rename is atomic on one filesystem:
    an analyst who opens the copy sees either the previous run or this one,
    never a half-written file. Copies left by a publish that crashed are removed.
    """
    target = settings.analyst_copy
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(settings.warehouse, tmp)
    os.replace(tmp, target)
    return target


def publish(settings: Settings) -> None:
    """Publish the analyst copy; a lake has none (analysts attach it read-only)."""
    if settings.lake is None:
        publish_analyst_copy(settings)


def analyst_copy_stale(settings: Settings) -> bool:
    """The copy predates the writer's file (a publish that did not happen); a lake has none."""
    if settings.lake is not None:
        return False
    copy = settings.analyst_copy
    return not copy.exists() or copy.stat().st_mtime < settings.warehouse.stat().st_mtime


def publish_if_stale(settings: Settings) -> None:
    """Publish when the copy predates the writer's file (a publish that did not happen)."""
    if analyst_copy_stale(settings):
        publish_analyst_copy(settings)


def refresh_search_index(settings: Settings) -> dict[str, int]:
    """Rebuild the full-text index and republish the analyst copy.

    Kept out of the load transaction on purpose: DuckDB's fts index is rebuilt
    from scratch, so its cost grows with the whole warehouse, not with the day's
    articles. The asset-triggered maintenance DAG runs it right after each load
    (in the single-writer pool); until then search falls back to a scan.
    """
    from akhbar.warehouse.search import build_search_index
    from akhbar.warehouse.writer import writer_lock

    if settings.lake is not None:
        log.info("search index: not built on a DuckLake warehouse (%s)", lakes.NO_FTS_INDEX)
        return {}
    with writer_lock(settings, "search index refresh"):
        con = open_warehouse(settings)
        try:
            counts = build_search_index(con)
            con.checkpoint()
        finally:
            con.close()
        publish_analyst_copy(settings)
    log.info("search index rebuilt: %s", counts)
    return counts


def run_summary(settings: Settings, day: Any) -> dict[str, Any]:
    """Counts per source for a run, read from the analyst copy (or the lake)."""
    from akhbar.warehouse.readonly import open_warehouse_readonly

    con = open_warehouse_readonly(settings, extensions=())
    try:
        rows = con.execute(sql("reports/run_summary"), {"run_date": day}).fetchall()
    finally:
        con.close()
    per_source: dict[str, dict[str, int]] = {}
    for source_id, stage, metric, value in rows:
        per_source.setdefault(source_id, {})[f"{stage}.{metric}"] = int(value)
    return {"run_date": str(day), "per_source": per_source}
