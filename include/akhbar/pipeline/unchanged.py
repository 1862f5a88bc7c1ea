"""A same-day re-run with nothing to do, found before any heavy work or import.

The per-source fingerprints (:mod:`akhbar.pipeline.fingerprint`) already let a
re-run keep a source's gated files and skip the load, but it still paid a task
(or a pass) per source, the load's and the clusters' no-op paths and the search
index. This check runs once, where the run reads its catalogue: when the date's
last committed load, its story clusters and its analyst copy are current, and
every source's poll gives the fingerprint its finished chain recorded, the run
has nothing to do and says so in one log line. It imports neither Great
Expectations nor trafilatura nor the NER model.

It polls only when everything else already matches, and stops at the first
source that changed (the normal path then polls it again, conditionally).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from akhbar.pipeline.run import Run

log = logging.getLogger(__name__)


def unchanged_run(run: Run, sources: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What the date's last committed load recorded when nothing changed since
    (``fingerprint``, ``run_id``, ``sources``, ``check_s``); None when the run has
    work to do (a first run, a changed feed, page, catalogue row or code version,
    a chain that failed or did not finish, a load or cluster step still owed)."""
    from akhbar.pipeline.fingerprint import run_fingerprint
    from akhbar.pipeline.ingest import chain_unchanged, read_marker

    started = time.perf_counter()
    committed = _committed(run)
    if committed is None:
        return None
    fingerprint, run_id = committed
    ids = [str(s["source_id"]) for s in sources]
    markers = {sid: read_marker(run, sid) for sid in ids}
    if run_fingerprint(markers) != fingerprint:
        return None
    for sid in ids:  # finished chains with their gated files, no transient failure
        marker = markers[sid]
        if not marker or not chain_unchanged(run, sid, marker, str(marker.get("fingerprint"))):
            return None
    for source in sources:
        if not _poll_matches(run, source, markers[str(source["source_id"])]):
            return None
    out = {
        "fingerprint": fingerprint,
        "run_id": run_id,
        "sources": len(ids),
        "check_s": round(time.perf_counter() - started, 3),
    }
    log.info(
        "run %s: nothing changed since run %s (fingerprint %s; %d sources polled, "
        "every feed gives its last entries): nothing to ingest, load or cluster (%.2f s)",
        run.date_str,
        run_id,
        fingerprint,
        len(ids),
        out["check_s"],
    )
    return out


def _committed(run: Run) -> tuple[str, str] | None:
    """(fingerprint, run id) of the date's committed load when its clusters and the
    analyst copy are current; else None."""
    from akhbar.pipeline.state import WarehouseState
    from akhbar.warehouse.publish import analyst_copy_stale

    settings = run.settings
    if settings.lake is None and not settings.warehouse.exists():
        return None
    with WarehouseState(settings) as state:
        committed = state.committed_load(run.day)
        if committed is None or state.clusters_pending(run.day):
            return None
    if analyst_copy_stale(settings):
        return None
    return committed


def _poll_matches(run: Run, source: dict[str, Any], marker: dict[str, Any]) -> bool:
    """Poll the source in memory (nothing staged is rewritten) and compare fingerprints."""
    from akhbar.pipeline.fingerprint import entries_fingerprint
    from akhbar.pipeline.poll import poll_entries
    from akhbar.pipeline.sources import Source

    src = Source.from_dict(source)
    try:
        polled = poll_entries(src, run)
    except Exception as exc:  # the normal path polls again and reports it
        log.info("run %s: polling %s failed (%s)", run.date_str, src.source_id, exc)
        return False
    now = entries_fingerprint(src.to_dict(), polled.entries)
    if now != marker.get("fingerprint"):
        log.info(
            "run %s: %s changed since run %s (fingerprint %s, was %s)",
            run.date_str,
            src.source_id,
            marker.get("run_id"),
            now,
            marker.get("fingerprint"),
        )
        return False
    return True
