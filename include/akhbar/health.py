"""Read-only pipeline-health queries for the Airflow UI plugin and its JSON endpoint.

Everything here takes an open DuckDB connection and only runs SELECTs, so the
plugin can point it at the analyst copy opened with ``read_only=True``.
Status rules are data (``STATUS_RULES``) so they can be tuned without touching SQL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

# Thresholds that turn fact_feed_fetch history into a one-word source status.
STATUS_RULES: dict[str, float | int] = {
    # an ok fetch slower than this is reported as "slow"
    "slow_ms": 10_000,
    # this many consecutive failed fetches (newest first) make a source "dead"
    "dead_after_failures": 3,
}
FAILED_FETCH = ("error", "rejected")
NOT_MODIFIED = ("not_modified",)


def open_readonly(warehouse: Path, analyst_copy: Path) -> Any | None:
    """Open the analyst copy read-only, else the warehouse read-only, else ``None``.

    The analyst copy is preferred because the load task holds the writer lock
    on the warehouse while it runs; a read-only open of the copy never blocks it.
    """
    import duckdb

    from akhbar.warehouse.readonly import open_readonly as open_locked

    for path in (analyst_copy, warehouse):
        if path.is_file():
            try:  # external access off, configuration locked; no fts needed here
                return open_locked(path, extensions=())
            except duckdb.Error:
                continue
    return None


def _has_table(con: Any, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def _rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def classify(history: list[dict[str, Any]]) -> str:
    """Status of one source from its fetch history, newest first.

    Returns one of: ok, not modified, slow, failing, dead, skipped, never polled.
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
        return "not modified"
    if last["status"] == "skipped":
        return "skipped"
    if (last.get("duration_ms") or 0) > STATUS_RULES["slow_ms"]:
        return "slow"
    return "ok"


def last_run_date(con: Any) -> dt.date | None:
    """The newest run_date seen in pipeline_run or fact_feed_fetch."""
    parts = [
        f"SELECT max(run_date) AS d FROM {t}"
        for t in ("pipeline_run", "fact_feed_fetch")
        if _has_table(con, t)
    ]
    if not parts:
        return None
    row = con.execute(f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})").fetchone()
    return row[0] if row else None


def source_health(con: Any) -> list[dict[str, Any]]:
    """One dict per source: last poll, status, new articles and quarantined rows in the last run.

    ``dq_result`` has no source column, so the per-source quality signal is the
    quarantine (rows a gate rejected) and the rules they hit; the run-level
    expectation outcome is in :func:`run_counts`.
    """
    if not _has_table(con, "fact_feed_fetch"):
        return []
    run_date = last_run_date(con)
    depth = int(STATUS_RULES["dead_after_failures"])
    history = _rows(
        con,
        """
        SELECT source_id, run_date, fetched_at, status, http_status, duration_ms,
               entries_seen, entries_new, error
        FROM (
            SELECT *, row_number() OVER (
                PARTITION BY source_id ORDER BY run_date DESC, fetched_at DESC NULLS LAST
            ) AS rn
            FROM fact_feed_fetch
        ) WHERE rn <= ?
        ORDER BY source_id, rn
        """,
        [depth],
    )
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in history:
        by_source.setdefault(row["source_id"], []).append(row)

    names: dict[str, str] = {}
    if _has_table(con, "dim_source"):
        for row in _rows(con, "SELECT source_id, name FROM dim_source"):
            names[row["source_id"]] = row["name"]
            by_source.setdefault(row["source_id"], [])

    articles: dict[str, int] = {}
    if run_date is not None and _has_table(con, "fact_article"):
        for row in _rows(
            con,
            "SELECT source_id, count(*) AS n FROM fact_article WHERE run_date = ? GROUP BY 1",
            [run_date],
        ):
            articles[row["source_id"]] = int(row["n"])

    quarantined: dict[str, tuple[int, str]] = {}
    if run_date is not None and _has_table(con, "quarantine"):
        for row in _rows(
            con,
            """
            SELECT source_id, count(*) AS n, string_agg(DISTINCT rule, ', ' ORDER BY rule) AS rules
            FROM quarantine WHERE run_date = ? GROUP BY 1
            """,
            [run_date],
        ):
            quarantined[row["source_id"] or "?"] = (int(row["n"]), row["rules"] or "")

    out: list[dict[str, Any]] = []
    for source_id in sorted(by_source):
        hist = by_source[source_id]
        last = hist[0] if hist else {}
        n_q, rules = quarantined.get(source_id, (0, ""))
        fetched = last.get("fetched_at")
        out.append(
            {
                "source_id": source_id,
                "name": names.get(source_id, ""),
                "last_poll": fetched.isoformat() if fetched else None,
                "last_run_date": last["run_date"].isoformat() if last else None,
                "status": classify(hist),
                "http_status": last.get("http_status"),
                "duration_ms": last.get("duration_ms"),
                "error": last.get("error"),
                "new_articles": articles.get(source_id, 0),
                "quarantined": n_q,
                "dq": "pass" if n_q == 0 else f"quarantined: {rules}",
            }
        )
    return out


def run_counts(con: Any, limit: int = 7) -> list[dict[str, Any]]:
    """The newest ``limit`` runs with run-total counts per ``stage.metric`` and the DQ outcome."""
    if not _has_table(con, "pipeline_run"):
        return []
    runs = _rows(
        con,
        """
        SELECT run_date, run_id, min(started_at) AS started_at, max(loaded_at) AS loaded_at
        FROM pipeline_run GROUP BY 1, 2 ORDER BY max(loaded_at) DESC, run_date DESC LIMIT ?
        """,
        [int(limit)],
    )
    out: list[dict[str, Any]] = []
    for run in runs:
        # Run totals are the source_id='*' rows; a metric written only per source is summed.
        counts = {
            f"{r['stage']}.{r['metric']}": int(r["value"])
            for r in _rows(
                con,
                """
                SELECT stage, metric,
                       coalesce(sum(value) FILTER (WHERE source_id = '*'), sum(value)) AS value
                FROM pipeline_run WHERE run_date = ? AND run_id = ?
                GROUP BY 1, 2 ORDER BY 1, 2
                """,
                [run["run_date"], run["run_id"]],
            )
        }
        dq = {"passed": 0, "failed": 0}
        if _has_table(con, "dq_result"):
            row = con.execute(
                "SELECT count(*) FILTER (WHERE success), count(*) FILTER (WHERE NOT success) "
                "FROM dq_result WHERE run_date = ?",
                [run["run_date"]],
            ).fetchone()
            if row:
                dq = {"passed": int(row[0]), "failed": int(row[1])}
        out.append(
            {
                "run_date": run["run_date"].isoformat(),
                "run_id": run["run_id"],
                "started_at": run["started_at"].isoformat() if run["started_at"] else None,
                "loaded_at": run["loaded_at"].isoformat() if run["loaded_at"] else None,
                "counts": counts,
                "dq_passed": dq["passed"],
                "dq_failed": dq["failed"],
                "dq": "none"
                if dq["passed"] + dq["failed"] == 0
                else ("pass" if dq["failed"] == 0 else "fail"),
            }
        )
    return out


def health_report(warehouse: Path, analyst_copy: Path, limit: int = 7) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data; ``status='no_runs'`` when nothing is loaded."""
    con = open_readonly(warehouse, analyst_copy)
    if con is None:
        return {"status": "no_runs", "database": None, "sources": [], "runs": []}
    try:
        db = con.execute("SELECT current_database()").fetchone()
        path = next(
            (str(p) for p in (analyst_copy, warehouse) if p.is_file() and db and p.stem == db[0]),
            None,
        )
        sources = source_health(con)
        runs = run_counts(con, limit=limit)
    finally:
        con.close()
    status = "ok" if sources or runs else "no_runs"
    return {"status": status, "database": path, "sources": sources, "runs": runs}
