"""The single-writer load: one logical date, one transaction, then the analyst copy.

Only this module (and the search-index refresh) opens the warehouse for
writing, under the writer lock of :mod:`akhbar.warehouse.writer`. DuckDB reads
the run's gated staging Parquet directly and ``sql/load/*.sql`` runs in one
transaction: a crash leaves the previous state untouched, and re-running a
date replaces that date's rows (idempotent). The warehouse checks then run
inside the transaction: rows they reject are quarantined with their rule and
removed, the rest commits; only a true batch failure (an errored check, most
of the run rejected, no article at all) rolls the facts back. After COMMIT a
read-only analyst copy is published with an atomic rename.

On a DuckLake warehouse (:mod:`akhbar.warehouse.lake`) there is no writer lock
and no analyst copy: loads of different dates run at once, a commit conflict
re-runs that date's whole transaction, and the snapshot it committed is
recorded in ``load_snapshot``.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import re
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from akhbar.config import Settings
from akhbar.pipeline import records
from akhbar.pipeline.files import read_json
from akhbar.pipeline.run import Run
from akhbar.sqlfiles import sql
from akhbar.warehouse import lake as lakes
from akhbar.warehouse.migrate import open_warehouse

log = logging.getLogger(__name__)

CLUSTER_WINDOW_DAYS = 7
CLUSTER_SCHEMA = pa.schema([("article_id", pa.string()), ("cluster_id", pa.string())])
#: The statements that write story clusters (the cluster step runs them, not the load).
CLUSTER_FILE = "070_clusters.sql"
#: Share of the run's articles the warehouse checks may reject before the run
#: counts as broken as a whole (then nothing of it loads).
MAX_REJECTED_SHARE = 0.5
_PARAM = re.compile(r"\$([a-z_]+)")

#: Staging views the load SQL reads: view -> (stage files, contract, add file_source).
STAGED: dict[str, tuple[str, pa.Schema, bool]] = {
    "stg_feed_fetch": ("feed_fetch", records.FEED_FETCH, False),
    "stg_articles_all": ("articles_ok", records.ARTICLE, True),
    "stg_mentions_all": ("mentions_ok", records.ENTITY_MENTION, True),
    "stg_quotes_all": ("quotes_ok", records.QUOTE, True),
    "stg_dates_all": ("dates_ok", records.DATE_MENTION, True),
    "stg_quarantine": ("quarantine", records.QUARANTINE, False),
    "stg_dq": ("dq", records.DQ_RESULT, False),
}


class EmptyRunError(RuntimeError):
    """Feeds answered with new entries but nothing survived to be loaded."""


RECORD_ONLY_FILES = ("080_feed_fetch.sql", "090_quarantine.sql")


def load_statements(
    sql_dir: Path, *, record_only: bool = False, folder: str | None = None
) -> list[tuple[str, str]]:
    """(file name, statement) pairs from ``sql/load`` (or a sub-folder) in order.

    ``record_only``: just the statements that record feed polls, quarantine and
    ``dq_result`` (used when the run's facts must not be loaded).
    """
    load_dir = sql_dir / "load"
    if folder:
        paths = sorted((load_dir / folder).glob("*.sql"))
    elif record_only:
        paths = sorted((load_dir / "record_only").glob("*.sql")) + [
            load_dir / name for name in RECORD_ONLY_FILES
        ]
    else:
        paths = sorted(load_dir.glob("*.sql"))
    out = []
    for path in paths:
        text = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("--")
        )
        for stmt in text.split(";"):
            if stmt.strip():
                out.append((path.name, stmt.strip()))
    return out


def _quote_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _register_staged(con: duckdb.DuckDBPyConnection, run: Run) -> None:
    """Each staging view reads its files directly (DuckDB scans the Parquet)."""
    for view, (stage, schema, with_source) in STAGED.items():
        files = run.files(stage)
        cols = ", ".join(f'"{name}"' for name in schema.names)
        if files:
            source = (
                ", regexp_extract(filename, '([^/]+)\\.parquet$', 1) AS file_source"
                if with_source
                else ""
            )
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {cols}{source} "
                f"FROM read_parquet({_quote_list(files)}, filename = true, union_by_name = true)"
            )
        else:
            table = schema.empty_table()
            if with_source:
                table = table.append_column("file_source", pa.array([], pa.string()))
            con.register(view, table)


def _sources_table(run: Run) -> pa.Table:
    rows = read_json(run.sources_json) if run.sources_json.exists() else []
    names = records.SOURCE.names
    return pa.Table.from_pylist([{c: r.get(c) for c in names} for r in rows], schema=records.SOURCE)


def _entities_table(settings: Settings) -> pa.Table:
    path = settings.seeds_dir / "gazetteer.csv"
    schema = pa.schema(
        [
            ("entity_id", pa.string()),
            ("type", pa.string()),
            ("name_ar", pa.string()),
            ("name_en", pa.string()),
            ("wikidata_id", pa.string()),
        ]
    )
    if not path.exists():
        return schema.empty_table()
    seen: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("entity_id"):
                seen.setdefault(row["entity_id"], {k: (row.get(k) or None) for k in schema.names})
    return pa.Table.from_pylist(list(seen.values()), schema=schema)


def _clusters(con: duckdb.DuckDBPyConnection, run: Run) -> pa.Table:
    """Story clusters over the run date's loaded articles and the window around it."""
    from akhbar.clusters import ClusterDoc, assign_story_clusters

    # Bounded on both sides: re-loading an old date reads a window, not the history
    # that followed it (a cluster spans at most a few days).
    window = timedelta(days=CLUSTER_WINDOW_DAYS)
    params = {"since": run.day - window, "until": run.day + window}
    docs = [
        ClusterDoc(
            article_id=a, source_id=s, day=d, title=t, body_text=b, entity_ids=frozenset(e or ())
        )
        for a, s, d, t, b, e in con.execute(sql("clusters/warehouse_docs"), params).fetchall()
    ]
    if not docs:
        return CLUSTER_SCHEMA.empty_table()
    mapping = assign_story_clusters(docs)
    del docs
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
    con = open_warehouse(settings, memory_limit=settings.duckdb_load_memory_limit or None)
    if settings.duckdb_load_threads > 0:
        con.execute(f"SET threads = {int(settings.duckdb_load_threads)}")
    return con


def _analyst_copy_stale(settings: Settings) -> bool:
    """The analyst copy predates the writer's file (a publish that did not happen)."""
    if settings.lake is not None:
        return False
    copy = settings.analyst_copy
    return not copy.exists() or copy.stat().st_mtime < settings.warehouse.stat().st_mtime


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
                if _analyst_copy_stale(settings):
                    publish_analyst_copy(settings)
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
            _register_staged(con, run)
            con.register("stg_sources", _sources_table(run))
            con.register(
                "stg_loaded_sources",
                pa.table({"source_id": pa.array(run.loaded_sources(), pa.string())}),
            )
            con.register("stg_entities", _entities_table(settings))
            params = {**_params(run), "fingerprint": fingerprint}
            counts = _commit_load(con, run, params)
            _checkpoint(con)
        finally:
            con.close()
        _publish(settings)
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
        con.execute("CHECKPOINT")


def _publish(settings: Settings) -> None:
    """Publish the analyst copy; a lake has none (analysts attach it read-only)."""
    if settings.lake is None:
        publish_analyst_copy(settings)


def _load_transaction(
    con: duckdb.DuckDBPyConnection, run: Run, params: dict[str, Any]
) -> dict[str, Any]:
    feeds = con.execute(
        "SELECT count(*), coalesce(sum(entries_new), 0) FROM stg_feed_fetch"
    ).fetchone() or (0, 0)
    statements = load_statements(run.settings.sql_dir)
    run_rows = [s for s in statements if s[0] == "005_run_rows.sql"]
    con.execute("BEGIN TRANSACTION")
    try:
        _execute(con, run_rows, params)
        n_articles = con.execute("SELECT count(*) FROM stg_articles").fetchone()[0]
        n_carried = con.execute("SELECT count(*) FROM stg_articles_all").fetchone()[0]
        if feeds[0] and feeds[1] and n_carried == 0:
            raise EmptyRunError(
                f"run {run.date_str}: feeds reported {feeds[1]} new entries but no article "
                "passed the gates (batch rule: empty_run); no facts were loaded, the "
                "quarantine and dq_result rows were recorded"
            )
        # Story clusters are the cluster step's (update_story_clusters), after COMMIT:
        # the load inserts this date's articles unclustered.
        con.register("stg_clusters", CLUSTER_SCHEMA.empty_table())
        _execute(
            con,
            [s for s in statements if s not in run_rows and s[0] != CLUSTER_FILE],
            params,
        )
        rejected = _apply_warehouse_checks(con, run, params, n_articles)
        counts = {
            "run_date": run.date_str,
            "articles": n_articles - rejected,
            "duplicate_copies": n_carried - n_articles,
            "mentions": _count(con, "fact_entity_mention", run),
            "quotes": _count(con, "fact_quote", run),
            "dates": _count(con, "fact_date_mention", run),
            "quarantined": con.execute("SELECT count(*) FROM stg_quarantine").fetchone()[0]
            + rejected,
            "rejected_by_warehouse_checks": rejected,
            "feeds_polled": feeds[0],
        }
        con.execute("COMMIT")
        return counts
    except BaseException as exc:
        con.execute("ROLLBACK")
        if isinstance(exc, Exception) and _is_batch_failure(exc):
            _record_only(con, run, params)
        raise


def _count(con: duckdb.DuckDBPyConnection, table: str, run: Run) -> int:
    return con.execute(f"SELECT count(*) FROM {table} WHERE run_date = ?", [run.day]).fetchone()[0]


def _is_batch_failure(exc: Exception) -> bool:
    from akhbar.quality import BatchGateError

    return isinstance(exc, EmptyRunError | BatchGateError)


def _record_only(con: duckdb.DuckDBPyConnection, run: Run, params: dict[str, Any]) -> None:
    """Facts stay as they were; the run's polls, quarantine and dq rows are recorded."""
    con.execute("BEGIN TRANSACTION")
    try:
        _execute(con, load_statements(run.settings.sql_dir, record_only=True), params)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _apply_warehouse_checks(
    con: duckdb.DuckDBPyConnection, run: Run, params: dict[str, Any], n_articles: int
) -> int:
    """Run the warehouse suite; quarantine and remove the rows it rejects.

    Returns the number of this run's articles rejected. Raises
    :class:`BatchGateError` when a check errored, when more than
    ``MAX_REJECTED_SHARE`` of the run's articles were rejected, or when rows
    still fail after the rejected ones were removed.
    """
    from akhbar.quality import BatchGateError, validate_warehouse

    results_dir = run.settings.data_dir / "quality"
    check = validate_warehouse(con, run_date=run.day, results_dir=results_dir)
    _record_dq(con, check.dq_rows, params)
    if check.batch_failures:
        raise BatchGateError(f"warehouse ({run.date_str})", check.batch_failures)
    rejects = check.quarantined
    if not len(rejects):
        return 0
    keys = rejects["record_key"].astype(str).str.split(":", n=1, expand=True)
    con.register(
        "wh_rejects", pa.table({"table_name": keys[0].tolist(), "record_key": keys[1].tolist()})
    )
    con.register("wh_quarantine", pa.Table.from_pandas(rejects, preserve_index=False))
    rejected_articles = int((keys[0] == "fact_article").sum())
    if n_articles and rejected_articles / n_articles > MAX_REJECTED_SHARE:
        raise BatchGateError(
            f"warehouse ({run.date_str})",
            [
                f"{rejected_articles} of {n_articles} articles failed the warehouse checks "
                f"(more than {MAX_REJECTED_SHARE:.0%}; batch rule: integrity), e.g. "
                + "; ".join(sorted(set(rejects["rule"]))[:3])
            ],
        )
    _execute(con, load_statements(run.settings.sql_dir, folder="rejected"), params)
    log.warning(
        "warehouse checks quarantined %d row(s) and kept the rest: %s",
        len(rejects),
        ", ".join(f"{r}={n}" for r, n in rejects["rule"].value_counts().items()),
    )
    again = validate_warehouse(con, run_date=run.day, results_dir=results_dir)
    if again.batch_failures or len(again.quarantined):
        raise BatchGateError(
            f"warehouse ({run.date_str})",
            [
                "rows still fail the warehouse checks after the rejected rows were removed: "
                + ", ".join(sorted(set(again.quarantined["rule"])) or again.batch_failures)
            ],
        )
    return rejected_articles


def _record_dq(con: duckdb.DuckDBPyConnection, dq_rows: Any, params: dict[str, Any]) -> None:
    if dq_rows is None or not len(dq_rows):
        return
    con.register("stg_dq_warehouse", dq_rows)
    con.execute(sql("load/queries/record_warehouse_dq"), {"loaded_at": params["loaded_at"]})


def _execute(
    con: duckdb.DuckDBPyConnection, statements: list[tuple[str, str]], params: dict[str, Any]
) -> None:
    for name, stmt in lakes.adapt_statements(con, statements, params):
        used = {k: params[k] for k in set(_PARAM.findall(stmt)) if k in params}
        try:
            con.execute(stmt, used) if used else con.execute(stmt)
        except duckdb.Error as exc:
            raise RuntimeError(f"load statement in {name} failed: {exc}") from exc


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
        _publish(settings)
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
        con.execute("BEGIN TRANSACTION")
        try:
            _execute(con, [s for s in statements if s[0] == CLUSTER_FILE], params)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return clusters

    if not lakes.is_lake(con):
        return attempt()
    return lakes.retry_on_conflict(attempt, what=f"clusters {run.date_str}")


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
            con.execute("CHECKPOINT")
        finally:
            con.close()
        publish_analyst_copy(settings)
    log.info("search index rebuilt: %s", counts)
    return counts


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


def run_summary(settings: Settings, day: Any) -> dict[str, Any]:
    """Counts per source for a run, read from the analyst copy."""
    if settings.lake is not None:
        con = open_warehouse(settings, read_only=True)
    else:
        path = settings.analyst_copy if settings.analyst_copy.exists() else settings.warehouse
        con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(sql("reports/run_summary"), {"run_date": day}).fetchall()
    finally:
        con.close()
    per_source: dict[str, dict[str, int]] = {}
    for source_id, stage, metric, value in rows:
        per_source.setdefault(source_id, {})[f"{stage}.{metric}"] = int(value)
    return {"run_date": str(day), "per_source": per_source}
