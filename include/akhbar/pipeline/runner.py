"""Whole runs: the load step, the run summary, and every step in one process (CLI)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from akhbar.config import Settings
from akhbar.pipeline.catalogue import read_catalogue
from akhbar.pipeline.ingest import ingest_source
from akhbar.pipeline.requeue import finish_requeue
from akhbar.pipeline.run import Run

log = logging.getLogger(__name__)


def load(run: Run) -> dict[str, Any]:
    """Load the run's gated files into the warehouse in one transaction."""
    from akhbar.pipeline.ingest import peak_rss_mb
    from akhbar.warehouse.load import load_run

    started = time.perf_counter()
    counts = load_run(run)
    counts["requeued_files_done"] = finish_requeue(run)
    counts["work_s"] = round(time.perf_counter() - started, 3)
    counts["peak_rss_mb"] = peak_rss_mb()
    return counts


def cluster(run: Run) -> dict[str, Any]:
    """Story clusters for the loaded date (after the load, off its critical path)."""
    from akhbar.pipeline.ingest import peak_rss_mb
    from akhbar.warehouse.load import update_story_clusters

    started = time.perf_counter()
    counts = update_story_clusters(run)
    counts["work_s"] = round(time.perf_counter() - started, 3)
    counts["peak_rss_mb"] = peak_rss_mb()
    return counts


def summarise(run: Run) -> dict[str, Any]:
    """Counts per source for the run, from the warehouse's run table."""
    from akhbar.warehouse.publish import run_summary

    return run_summary(run.settings, run.day)


def run_all(
    run_date: str, settings: Settings | None = None, run_id: str = "cli", *, wait_s: float = 0.0
) -> dict[str, Any]:
    """The whole pipeline in one process (``akhbar run``, tests without Airflow).

    Holds the warehouse's writer lock from the start, so a second concurrent
    run learns at once (or waits ``wait_s``) instead of after fetching and
    extracting everything. A re-run of a date with nothing changed stops after
    the polls (:func:`akhbar.pipeline.unchanged.unchanged_run`).
    """
    from akhbar.pipeline.unchanged import unchanged_run
    from akhbar.warehouse.writer import writer_lock

    run = Run.of(run_date, settings, run_id, started_at=datetime.now(UTC))
    with writer_lock(run.settings, f"akhbar run {run.date_str}", wait_s=wait_s):
        sources = read_catalogue(run)
        unchanged = unchanged_run(run, sources)
        if unchanged is None:
            _ingest_load_cluster(run, sources)
    if unchanged is None:
        refresh_search_index(run.settings)
    return summarise(run)


def _ingest_load_cluster(run: Run, sources: list[dict[str, Any]]) -> None:
    from akhbar.quality import BatchGateError

    for source in sources:
        try:
            ingest_source(source, run)
        except BatchGateError as exc:
            log.error("%s", exc)
    load(run)
    cluster(run)


def refresh_search_index(settings: Settings) -> dict[str, int]:
    """Full-text index + analyst copy (the maintenance DAG runs it after each load)."""
    from akhbar.warehouse.publish import refresh_search_index as refresh

    return refresh(settings)
