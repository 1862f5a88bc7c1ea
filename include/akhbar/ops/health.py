"""Read-only pipeline-health queries for the Airflow UI plugin and its JSON endpoint.

Everything here takes an open DuckDB connection and only runs SELECTs, so the
plugin can point it at the analyst copy opened with ``read_only=True``.
Status rules are data (``STATUS_RULES``) so they can be tuned without touching SQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from akhbar.sqlfiles import sql

# Thresholds that turn fact_feed_fetch history into a one-word source status.
STATUS_RULES: dict[str, float | int] = {
    # an ok fetch slower than this is reported as "slow"
    "slow_ms": 10_000,
    # this many consecutive failed fetches (newest first) make a source "dead"
    "dead_after_failures": 3,
}
FAILED_FETCH = ("error", "rejected")
NOT_MODIFIED = ("not_modified",)
NOT_MODIFIED_LABEL = "not modified (304)"
RUN_TOTAL = "*"  # pipeline_run.source_id of the run-total rows


def local_time(value: dt.datetime | None) -> str | None:
    """``2026-11-28 09:00 +03`` in the server's local time zone (minutes, no microseconds)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone()
    offset = local.strftime("%z")
    offset = offset[:3] if offset.endswith("00") else f"{offset[:3]}:{offset[3:]}"
    return local.strftime("%Y-%m-%d %H:%M ") + ("UTC" if offset in ("+00", "-00") else offset)


def age(value: dt.datetime | None, now: dt.datetime | None = None) -> str | None:
    """How long ago, in one unit: ``just now``, ``12 min ago``, ``3 h ago``, ``4 d ago``."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    seconds = ((now or dt.datetime.now(dt.UTC)) - value).total_seconds()
    if seconds < 0:
        return "in the future"
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} d ago"


def duration(start: dt.datetime | None, end: dt.datetime | None) -> str | None:
    """``4 min 12 s`` / ``1 h 03 min`` between two instants (None when either is unknown)."""
    if start is None or end is None:
        return None
    seconds = int((end - start).total_seconds())
    if seconds < 0:
        return None
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def open_readonly(warehouse: Path, analyst_copy: Path, lake: Any = None) -> Any | None:
    """Open the analyst copy read-only, else the warehouse read-only, else ``None``;
    with a DuckLake target (``Settings.lake``), its last committed snapshot.

    The analyst copy is preferred because the load task holds the writer lock
    on the warehouse while it runs; a read-only open of the copy never blocks it.
    """
    import duckdb

    from akhbar.warehouse.readonly import open_readonly as open_locked
    from akhbar.warehouse.readonly import open_readonly_lake

    if lake is not None:
        try:
            return open_readonly_lake(lake, extensions=())
        except duckdb.Error:
            return None

    for path in (analyst_copy, warehouse):
        if path.is_file():
            try:  # external access off, configuration locked; no fts needed here
                return open_locked(path, extensions=())
            except duckdb.Error:
                continue
    return None


def _has_table(con: Any, name: str) -> bool:
    row = con.execute(sql("health/has_table"), {"name": name}).fetchone()
    return bool(row and row[0])


def _rows(con: Any, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Rows of ``sql/<name>.sql`` as dicts."""
    cur = con.execute(sql(name), params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def classify(history: list[dict[str, Any]]) -> str:
    """Status of one source from its fetch history, newest first.

    Returns one of: ok, not modified (304), slow, failing, dead, skipped, never polled.
    A 304 means the feed did not change since the last poll; its entries that were
    never loaded are still new, so the page labels them "not yet loaded".
    """
    if not history:
        return "never polled"
    failures = 0
    for row in history:
        if row["status"] in FAILED_FETCH:
            failures += 1
        else:
            break
    if failures >= int(STATUS_RULES["dead_after_failures"]):
        return "dead"
    if failures:
        return "failing"
    last = history[0]
    if last["status"] in NOT_MODIFIED:
        return NOT_MODIFIED_LABEL
    if last["status"] == "skipped":
        return "skipped"
    if (last.get("duration_ms") or 0) > STATUS_RULES["slow_ms"]:
        return "slow"
    return "ok"


def last_run_date(con: Any) -> dt.date | None:
    """The newest run_date seen in pipeline_run or fact_feed_fetch."""
    found = []
    for table in ("pipeline_run", "fact_feed_fetch"):
        if _has_table(con, table):
            row = con.execute(sql(f"health/last_run_date_{table}")).fetchone()
            if row and row[0] is not None:
                found.append(row[0])
    return max(found, default=None)


def source_health(con: Any, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One dict per source: last poll, status, articles and quarantined rows of the last run.

    ``dq_result`` has no source column, so the per-source quality signal is the
    quarantine (rows a gate rejected) and the rules they hit; the run-level
    expectation outcome is in :func:`run_counts`. For a 304 the feed did not change,
    but entries of it never loaded before are still new: ``new_label`` says
    "not yet loaded" then, so the status and the count do not contradict each other.
    """
    if not _has_table(con, "fact_feed_fetch"):
        return []
    run_date = last_run_date(con)
    history = _rows(
        con, "health/fetch_history", {"depth": int(STATUS_RULES["dead_after_failures"])}
    )
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in history:
        by_source.setdefault(row["source_id"], []).append(row)
    names: dict[str, str] = {}
    if _has_table(con, "dim_source"):
        for row in _rows(con, "health/source_names"):
            names[row["source_id"]] = row["name"]
            by_source.setdefault(row["source_id"], [])
    articles = _articles_per_source(con, run_date)
    quarantined = _quarantined(con, run_date)
    out: list[dict[str, Any]] = []
    for source_id in sorted(by_source):
        hist = by_source[source_id]
        last = hist[0] if hist else {}
        n_q, rules = quarantined.get(source_id, (0, ""))
        fetched = last.get("fetched_at")
        status = classify(hist)
        new = articles.get(source_id, 0)
        out.append(
            {
                "source_id": source_id,
                "name": names.get(source_id, ""),
                "last_poll": fetched.isoformat() if fetched else None,
                "last_poll_local": local_time(fetched),
                "last_poll_age": age(fetched, now),
                "last_run_date": last["run_date"].isoformat() if last else None,
                "status": status,
                "http_status": last.get("http_status"),
                "duration_ms": last.get("duration_ms"),
                "error": last.get("error"),
                "entries_seen": last.get("entries_seen"),
                "entries_new": last.get("entries_new"),
                "new_articles": new,
                "new_label": "not yet loaded" if status == NOT_MODIFIED_LABEL else "new",
                "quarantined": n_q,
                "dq": "pass" if n_q == 0 else f"quarantined: {rules}",
            }
        )
    return out


def _articles_per_source(con: Any, run_date: dt.date | None) -> dict[str, int]:
    if run_date is None or not _has_table(con, "fact_article"):
        return {}
    rows = _rows(con, "health/articles_per_source", {"run_date": run_date})
    return {row["source_id"]: int(row["n"]) for row in rows}


def _quarantined(con: Any, run_date: dt.date | None) -> dict[str, tuple[int, str]]:
    if run_date is None or not _has_table(con, "quarantine"):
        return {}
    rows = _rows(con, "health/quarantined_per_source", {"run_date": run_date})
    return {(row["source_id"] or "?"): (int(row["n"]), row["rules"] or "") for row in rows}


def _stage_counts(con: Any, run_date: dt.date, run_id: str) -> dict[str, int]:
    """Run totals per ``stage.metric`` of every stage the warehouse records.

    pipeline_run: a metric's ``*`` row is the run total; a metric written only per
    source is summed over the sources (never adding the ``*`` row to them). The
    poll outcome comes from fact_feed_fetch, the gate outcome from dq_result.
    """
    counts = {
        f"{r['stage']}.{r['metric']}": int(r["value"])
        for r in _rows(
            con,
            "health/run_stage_totals",
            {"run_date": run_date, "run_id": run_id, "run_total": RUN_TOTAL},
        )
    }
    if _has_table(con, "fact_feed_fetch"):
        for row in _rows(con, "health/poll_statuses", {"run_date": run_date}):
            counts[f"poll.feeds_{row['status']}"] = int(row["n"])
    if _has_table(con, "dq_result"):
        for row in _rows(con, "health/dq_failed_per_stage", {"run_date": run_date}):
            counts[f"gate.{row['stage']}_expectations_failed"] = int(row["failed"])
    return counts


def source_counts(con: Any, run_date: dt.date | None) -> dict[str, dict[str, int]]:
    """Per source, every ``stage.metric`` of pipeline_run for one run (``*`` rows excluded)."""
    if run_date is None or not _has_table(con, "pipeline_run"):
        return {}
    out: dict[str, dict[str, int]] = {}
    for row in _rows(con, "health/source_counts", {"run_date": run_date, "run_total": RUN_TOTAL}):
        out.setdefault(row["source_id"], {})[row["key"]] = int(row["value"])
    return out


def _run_start(con: Any, run: dict[str, Any]) -> dt.datetime | None:
    """When the run really started: pipeline_run.started_at, else its first feed poll.

    Never the logical date's midnight: a run for yesterday started when it was triggered.
    """
    if run.get("started_at") is not None:
        return run["started_at"]
    if not _has_table(con, "fact_feed_fetch"):
        return None
    row = con.execute(sql("health/first_poll"), {"run_date": run["run_date"]}).fetchone()
    return row[0] if row else None


def run_counts(con: Any, limit: int = 7, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The newest ``limit`` runs: counts of every stage, real duration and the DQ outcome."""
    if not _has_table(con, "pipeline_run"):
        return []
    runs = _rows(con, "health/runs", {"limit": int(limit)})
    out: list[dict[str, Any]] = []
    for run in runs:
        dq = {"passed": 0, "failed": 0}
        if _has_table(con, "dq_result"):
            row = con.execute(sql("health/dq_outcome"), {"run_date": run["run_date"]}).fetchone()
            if row:
                dq = {"passed": int(row[0]), "failed": int(row[1])}
        started, loaded = _run_start(con, run), run["loaded_at"]
        out.append(
            {
                "run_date": run["run_date"].isoformat(),
                "run_id": run["run_id"],
                "started_at": started.isoformat() if started else None,
                "loaded_at": loaded.isoformat() if loaded else None,
                "started_local": local_time(started),
                "loaded_local": local_time(loaded),
                "loaded_age": age(loaded, now),
                "duration": duration(started, loaded),
                "duration_s": int((loaded - started).total_seconds())
                if started and loaded
                else None,
                "counts": _stage_counts(con, run["run_date"], run["run_id"]),
                "dq_passed": dq["passed"],
                "dq_failed": dq["failed"],
                "dq": "none"
                if dq["passed"] + dq["failed"] == 0
                else ("pass" if dq["failed"] == 0 else "fail"),
            }
        )
    return out


def health_report(
    warehouse: Path, analyst_copy: Path, limit: int = 7, lake: Any = None
) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data; ``status='no_runs'`` when nothing is loaded."""
    con = open_readonly(warehouse, analyst_copy, lake)
    if con is None:
        return {"status": "no_runs", "database": None, "sources": [], "runs": []}
    try:
        db = con.execute(sql("health/current_database")).fetchone()
        path = next(
            (str(p) for p in (analyst_copy, warehouse) if p.is_file() and db and p.stem == db[0]),
            None,
        )
        sources = source_health(con)
        runs = run_counts(con, limit=limit)
        per_source = source_counts(con, last_run_date(con))
    finally:
        con.close()
    status = "ok" if sources or runs else "no_runs"
    return {
        "status": status,
        "database": path,
        "sources": sources,
        "runs": runs,
        "per_source": per_source,
    }
