"""One source's whole chain in one task: poll, gate, fetch, gate, extract, gate.

The fixed cost of a task process (Airflow start-up, the Great Expectations
import and context, the NER model) is paid once per source, not once per step.
Per-source files, quarantine rows and counts are the same as when every step
was its own task, and a source that fails fails only its own task.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from akhbar.pipeline.extract import extract
from akhbar.pipeline.fetch import fetch_pages
from akhbar.pipeline.gates import gate
from akhbar.pipeline.poll import poll_feed
from akhbar.pipeline.run import Run
from akhbar.pipeline.sources import Source

log = logging.getLogger(__name__)


class UnitFailed(RuntimeError):
    """Some sources of a unit failed; the others' files are complete."""

    def __init__(self, failures: dict[str, BaseException]):
        self.failures = failures
        detail = "; ".join(f"{sid}: {exc}" for sid, exc in failures.items())
        super().__init__(f"{len(failures)} source(s) failed: {detail}")

    @property
    def retryable(self) -> bool:
        from akhbar.quality import BatchGateError

        return any(not isinstance(e, BatchGateError) for e in self.failures.values())


#: Files the poll itself writes (kept when the rest of the chain is redone).
POLL_OUTPUTS = ("feed_fetch", "entries", "poll")
#: Gated files a finished chain leaves for the load.
CHAIN_OUTPUTS = ("articles_ok", "mentions_ok", "quotes_ok", "dates_ok")


def ingest_source(source: dict[str, Any] | Source, run: Run) -> dict[str, Any]:
    """Run the source's chain; returns its counts and the seconds of work.

    After the poll, a source whose inputs are unchanged since its last finished
    chain of this date (same fingerprint, no transient failure) keeps its gated
    files: a same-day re-run does not redo the work.
    """
    from akhbar.pipeline.fingerprint import source_fingerprint

    src = source if isinstance(source, Source) else Source.from_dict(source)
    started = time.perf_counter()
    previous = read_marker(run, src.source_id)
    counts: dict[str, Any] = {"source_id": src.source_id}
    counts["poll"] = _step("poll", poll_feed, src, run)
    fingerprint = source_fingerprint(src.to_dict(), run.path("entries", src.source_id))
    if chain_unchanged(run, src.source_id, previous, fingerprint):
        log.info(
            "%s: unchanged since run %s (fingerprint %s): its gated files are kept",
            src.source_id,
            previous["run_id"],
            fingerprint,
        )  # type: ignore[index]
        kept = {k: v for k, v in (previous or {}).items() if k not in ("run_id", "work_s")}
        return _finish(
            run,
            src.source_id,
            {**kept, "poll": counts["poll"], "skipped": True},
            fingerprint,
            started,
        )
    run.clear_source(src.source_id, keep=POLL_OUTPUTS)
    counts["gate_entries"] = _step("gate entries", gate, "entries", src.source_id, run)
    counts["fetch"] = _step("fetch", fetch_pages, src, run)
    counts["gate_pages"] = _step("gate pages", gate, "pages", src.source_id, run)
    counts["extract"] = _step("extract", extract, src, run)
    counts["gate_articles"] = _step("gate articles", gate, "articles", src.source_id, run)
    return _finish(run, src.source_id, counts, fingerprint, started)


def _step(name: str, function: Any, *args: Any) -> Any:
    """Run one step; an exception leaving it carries the step's name (alerts name it)."""
    from akhbar.ops.alerts import STEP_NOTE

    try:
        return function(*args)
    except Exception as exc:
        exc.add_note(f"{STEP_NOTE}{name}")
        raise


def _finish(
    run: Run, source_id: str, counts: dict[str, Any], fingerprint: str, started: float
) -> dict[str, Any]:
    counts = {
        **counts,
        "fingerprint": fingerprint,
        "work_s": round(time.perf_counter() - started, 3),
    }
    done = run.done_path(source_id)
    done.parent.mkdir(parents=True, exist_ok=True)
    done.write_text(json.dumps({**counts, "run_id": run.run_id}, default=str), encoding="utf-8")
    return counts


def read_marker(run: Run, source_id: str) -> dict[str, Any] | None:
    """What the source's last finished chain of this date recorded, if any."""
    try:
        return json.loads(run.done_path(source_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def chain_unchanged(
    run: Run, source_id: str, previous: dict[str, Any] | None, fingerprint: str
) -> bool:
    """The source's last finished chain had these inputs, no transient failure,
    and its gated files are still there: nothing to redo."""
    if not previous or previous.get("fingerprint") != fingerprint:
        return False
    if (previous.get("fetch") or {}).get("transient", 1):
        return False
    return all(run.path(stage, source_id).exists() for stage in CHAIN_OUTPUTS)


def ingest_unit(sources: list[dict[str, Any]], run: Run) -> dict[str, Any]:
    """Every source of a unit; one failure does not stop the others.

    A source already finished by an earlier attempt of the same run is not
    repeated (a retry redoes only what failed). Raises :class:`UnitFailed`
    after the others finished.
    """
    results: dict[str, Any] = {}
    failures: dict[str, BaseException] = {}
    started = time.perf_counter()
    for source in sources:
        sid = str(source["source_id"])
        if _finished_in_this_run(run, sid):
            log.info("%s: finished by an earlier attempt of run %s; not repeated", sid, run.run_id)
            continue
        try:
            results[sid] = ingest_source(source, run)
        except Exception as exc:
            log.error("%s failed: %s", sid, exc)
            failures[sid] = exc
    summary = {
        "sources": len(sources),
        "failed": sorted(failures),
        "work_s": round(time.perf_counter() - started, 3),
        "peak_rss_mb": peak_rss_mb(),
        "articles": sum(r["gate_articles"].get("articles_ok", 0) for r in results.values()),
    }
    if failures:
        if len(sources) == 1:
            raise next(iter(failures.values()))
        raise UnitFailed(failures)
    return summary


def peak_rss_mb() -> float | None:
    """This process's peak resident memory (VmHWM), in MB; None where /proc is absent."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _finished_in_this_run(run: Run, source_id: str) -> bool:
    if run.run_id in ("manual", "cli"):
        return False
    marker = read_marker(run, source_id)
    return bool(marker) and marker.get("run_id") == run.run_id  # type: ignore[union-attr]
