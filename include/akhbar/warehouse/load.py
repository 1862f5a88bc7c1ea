"""The single-writer load: one logical date, one transaction, then the analyst copy.

Only this module (and the search-index refresh) opens the warehouse for
writing, under the writer lock of :mod:`akhbar.warehouse.writer`. DuckDB reads
the run's gated staging Parquet directly (:mod:`akhbar.warehouse.staging`) and
``sql/load/*.sql`` runs in one transaction: a crash leaves the previous state
untouched, and re-running a date replaces that date's rows (idempotent). The
warehouse checks (:mod:`akhbar.warehouse.load_checks`) then run inside the
transaction: rows they reject are quarantined with their rule and removed, the
rest commits; only a true batch failure (an errored check, most of the run
rejected, no article at all) rolls the facts back. After COMMIT a read-only
analyst copy is published (:mod:`akhbar.warehouse.publish`). The story
clusters are a step of their own after the load (:func:`update_story_clusters`).

On a DuckLake warehouse (:mod:`akhbar.warehouse.lake`) there is no writer lock
and no analyst copy: loads of different dates run at once, a commit conflict
re-runs that date's whole transaction, and the snapshot it committed is
recorded in ``load_snapshot``.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from akhbar.config import Settings
from akhbar.pipeline.files import read_json
from akhbar.pipeline.run import Run
from akhbar.sqlfiles import sql
from akhbar.warehouse import lake as lakes
from akhbar.warehouse.load_checks import apply_warehouse_checks
from akhbar.warehouse.migrate import open_warehouse
from akhbar.warehouse.publish import publish, publish_if_stale
from akhbar.warehouse.staging import register_run
from akhbar.warehouse.statements import execute_statements, load_statements, transaction

log = logging.getLogger(__name__)

CLUSTER_BATCH_ROWS = 1_000  # articles parsed at a time by the cluster step
CLUSTER_WINDOW_DAYS = 7
CLUSTER_SCHEMA = pa.schema([("article_id", pa.string()), ("cluster_id", pa.string())])
#: The statements that write story clusters (the cluster step runs them, not the load).
CLUSTER_FILE = "070_clusters.sql"


class EmptyRunError(RuntimeError):
    """Feeds answered with new entries but nothing survived to be loaded."""


def _clusters(con: duckdb.DuckDBPyConnection, run: Run) -> pa.Table:
    """Story clusters over the run date's loaded articles and the window around it.

    The window (up to 15 days of articles) is read in batches of ids: each batch is
    parsed and its text dropped, so memory holds the parsed window, not its bodies
    (one query over the whole window materialises every body at once).
    """
    from akhbar.clusters import ClusterDoc, cluster_parsed, parse_docs, tuning

    # Bounded on both sides: re-loading an old date reads a window, not the history
    # that followed it (a cluster spans at most a few days).
    window = timedelta(days=CLUSTER_WINDOW_DAYS)
    window_params = {"since": run.day - window, "until": run.day + window}
    ids = [aid for (aid,) in con.execute(sql("clusters/window_ids"), window_params).fetchall()]
    parsed = []
    for start in range(0, len(ids), CLUSTER_BATCH_ROWS):
        params = {**window_params, "body_chars": tuning.body_chars(),
                  "article_ids": ids[start : start + CLUSTER_BATCH_ROWS]}  # fmt: skip
        rows = con.execute(sql("clusters/warehouse_docs"), params).fetchall()
        parsed.extend(parse_docs([
            ClusterDoc(article_id=a, source_id=s, day=d, title=t, body_text=b,
                       entity_ids=frozenset(e or ()))
            for a, s, d, t, b, e in rows
        ]))  # fmt: skip
        del rows
    if not parsed:
        return CLUSTER_SCHEMA.empty_table()
    mapping = cluster_parsed(parsed)
    del parsed
    return pa.Table.from_pylist(
        [{"article_id": a, "cluster_id": c} for a, c in sorted(mapping.items())],
        schema=CLUSTER_SCHEMA,
    )


def _fingerprint(run: Run) -> str:
    """Every catalogued source's fingerprint in this run (see pipeline.fingerprint)."""
    from akhbar.pipeline.fingerprint import run_fingerprint
    from akhbar.pipeline.ingest import read_marker

    sources = read_json(run.sources_json) if run.sources_json.exists() else []
    return run_fingerprint({s["source_id"]: read_marker(run, s["source_id"]) for s in sources})


def _writer_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The warehouse (file or lake) opened for writing, sized for a task process
    (config: the load's DuckDB memory cap and threads)."""
    return open_warehouse(
        settings,
        memory_limit=settings.duckdb_load_memory_limit or None,
        threads=settings.duckdb_load_threads,
    )


def _params(run: Run) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "run_date": run.day,
        "run_id": run.run_id,
        "loaded_at": now,
        "started_at": run.started_at or now,
    }


def load_run(run: Run) -> dict[str, Any]:
    """Load one logical date. Returns counts; raises on a batch failure."""
    from akhbar.warehouse.writer import writer_lock

    started = time.perf_counter()
    settings = run.settings
    fingerprint = _fingerprint(run)
    with writer_lock(settings, f"load {run.date_str}"):
        con = _writer_connection(settings)
        try:
            unchanged = con.execute(sql("state/load_fingerprint"), {"run_date": run.day}).fetchone()
            if unchanged and unchanged[0] == fingerprint:
                con.close()
                publish_if_stale(settings)
                log.info(
                    "load %s: unchanged since run %s (fingerprint %s): nothing to load",
                    run.date_str,
                    unchanged[1],
                    fingerprint,
                )
                return {
                    "run_date": run.date_str,
                    "skipped": True,
                    "fingerprint": fingerprint,
                    "load_s": round(time.perf_counter() - started, 3),
                }
            register_run(con, run)
            params = {**_params(run), "fingerprint": fingerprint}
            counts = _commit_load(con, run, params)
            _checkpoint(con)
        finally:
            con.close()
        publish(settings)
    counts["load_s"] = round(time.perf_counter() - started, 3)
    log.info("loaded %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def _commit_load(
    con: duckdb.DuckDBPyConnection, run: Run, params: dict[str, Any]
) -> dict[str, Any]:
    """The date's transaction; on a lake retried whole on a commit conflict."""
    if not lakes.is_lake(con):
        return _load_transaction(con, run, params)
    counts = lakes.retry_on_conflict(
        lambda: _load_transaction(con, run, params), what=f"load {run.date_str}"
    )
    counts["snapshot_id"] = lakes.record_load_snapshot(con, run.day, run.run_id)
    return counts


def _checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """CHECKPOINT a DuckDB file (on a lake it would run maintenance under other writers)."""
    if not lakes.is_lake(con):
        con.checkpoint()


def _load_transaction(
    con: duckdb.DuckDBPyConnection, run: Run, params: dict[str, Any]
) -> dict[str, Any]:
    feeds, entries_new = con.execute(sql("load/queries/feed_counts")).fetchone() or (0, 0)
    statements = load_statements(run.settings.sql_dir)
    run_rows = [s for s in statements if s[0] == "005_run_rows.sql"]
    try:
        with transaction(con):
            execute_statements(con, run_rows, params)
            n_articles, n_carried, n_quarantined = con.execute(
                sql("load/queries/staged_counts")
            ).fetchone()
            if feeds and entries_new and n_carried == 0:
                raise EmptyRunError(
                    f"run {run.date_str}: feeds reported {entries_new} new entries but no "
                    "article passed the gates (batch rule: empty_run); no facts were loaded, "
                    "the quarantine and dq_result rows were recorded"
                )
            # Story clusters are the cluster step's (update_story_clusters), after
            # COMMIT: the load inserts this date's articles unclustered.
            con.register("stg_clusters", CLUSTER_SCHEMA.empty_table())
            execute_statements(
                con,
                [s for s in statements if s not in run_rows and s[0] != CLUSTER_FILE],
                params,
            )
            rejected = apply_warehouse_checks(con, run, params, n_articles)
            mentions, quotes, dates = con.execute(
                sql("load/queries/fact_counts"), {"run_date": run.day}
            ).fetchone()
            counts = {
                "run_date": run.date_str,
                "articles": n_articles - rejected,
                "duplicate_copies": n_carried - n_articles,
                "mentions": mentions,
                "quotes": quotes,
                "dates": dates,
                "quarantined": n_quarantined + rejected,
                "rejected_by_warehouse_checks": rejected,
                "feeds_polled": feeds,
            }
    except Exception as exc:
        if _is_batch_failure(exc):
            _record_only(con, run, params)
        raise
    return counts


def _is_batch_failure(exc: Exception) -> bool:
    from akhbar.quality import BatchGateError

    return isinstance(exc, EmptyRunError | BatchGateError)


def _record_only(con: duckdb.DuckDBPyConnection, run: Run, params: dict[str, Any]) -> None:
    """Facts stay as they were; the run's polls, quarantine and dq rows are recorded."""
    with transaction(con):
        execute_statements(con, load_statements(run.settings.sql_dir, record_only=True), params)


def update_story_clusters(run: Run) -> dict[str, Any]:
    """Cluster the date's loaded articles with the trailing window's; one transaction.

    Runs after the load (its own task): the load commits the date's articles
    with no ``cluster_id``, and this step gives every one of them (and re-gives
    the window's articles) its story cluster. Idempotent, and a no-op when none
    of the date's articles is waiting for a cluster (a same-day re-run whose load
    was skipped). A crash leaves the articles loaded and unclustered; the next
    attempt does the work.
    """
    from akhbar.warehouse.writer import writer_lock

    started = time.perf_counter()
    settings = run.settings
    with writer_lock(settings, f"story clusters {run.date_str}"):
        con = _writer_connection(settings)
        try:
            (pending,) = con.execute(sql("clusters/pending"), {"run_date": run.day}).fetchone()
            if not pending:
                log.info("clusters %s: every article already has its cluster", run.date_str)
                return {"run_date": run.date_str, "skipped": True, "clustered": 0}
            clusters = _commit_clusters(con, run)
            _checkpoint(con)
        finally:
            con.close()
        publish(settings)
    counts = {
        "run_date": run.date_str,
        "clustered": clusters.num_rows,
        "clusters": len(set(clusters.column("cluster_id").to_pylist())),
        "cluster_s": round(time.perf_counter() - started, 3),
    }
    log.info("clusters %s", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def _commit_clusters(con: duckdb.DuckDBPyConnection, run: Run) -> pa.Table:
    """Compute the clusters and write them in one transaction; on a lake, both again
    after a commit conflict (another date's load or clusters changed the window)."""

    def attempt() -> pa.Table:
        clusters = _clusters(con, run)
        con.register("stg_clusters", clusters)
        statements = load_statements(run.settings.sql_dir)
        params = {"run_id": run.run_id, "run_date": run.day, "lake_step": "clusters"}
        with transaction(con):
            execute_statements(con, [s for s in statements if s[0] == CLUSTER_FILE], params)
        return clusters

    if not lakes.is_lake(con):
        return attempt()
    return lakes.retry_on_conflict(attempt, what=f"clusters {run.date_str}")
