"""The single-writer load: one logical date, one transaction, then the analyst copy.

Only this module opens the warehouse for writing. It reads the run's validated
staging Parquet through temporary views and executes ``sql/load/*.sql`` in one
transaction: a crash or a failed warehouse check leaves the previous state
untouched, and re-running a date replaces that date's rows (idempotent).
After COMMIT a read-only analyst copy is published with an atomic rename, so
analysts never wait on the writer's lock; the full-text index is rebuilt after
the load (:func:`refresh_search_index`), off the load's critical path.
"""

from __future__ import annotations

import csv
import logging
import os
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from akhbar import records
from akhbar.config import Settings
from akhbar.staging import read_json
from akhbar.warehouse.migrate import connect

log = logging.getLogger(__name__)

CLUSTER_WINDOW_DAYS = 7
_PARAM = re.compile(r"\$([a-z_]+)")

STAGED = {
    "stg_feed_fetch": ("feed_fetch", records.FEED_FETCH),
    "stg_articles": ("articles_ok", records.ARTICLE),
    "stg_mentions": ("mentions_ok", records.ENTITY_MENTION),
    "stg_quotes": ("quotes_ok", records.QUOTE),
    "stg_dates": ("dates_ok", records.DATE_MENTION),
    "stg_quarantine": ("quarantine", records.QUARANTINE),
    "stg_dq": ("dq", records.DQ_RESULT),
}


class EmptyRunError(RuntimeError):
    """Feeds answered with new entries but nothing survived to be loaded."""


RECORD_ONLY_FILES = ("080_feed_fetch.sql", "090_quarantine.sql")


def load_statements(sql_dir: Path, *, record_only: bool = False) -> list[tuple[str, str]]:
    """(file name, statement) pairs from ``sql/load`` in order.

    ``record_only``: just the statements that record feed polls, quarantine and
    ``dq_result`` (used when the run's facts must not be loaded).
    """
    load_dir = sql_dir / "load"
    if record_only:
        paths = sorted((load_dir / "record_only").glob("*.sql")) + [
            load_dir / name for name in RECORD_ONLY_FILES
        ]
    else:
        paths = sorted(load_dir.glob("*.sql"))
    out = []
    for path in paths:
        text = "\n".join(
            line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("--")
        )
        for stmt in text.split(";"):
            if stmt.strip():
                out.append((path.name, stmt.strip()))
    return out


def _files(settings: Settings, run_date: str, folder: str) -> list[str]:
    base = settings.run_staging(run_date) / folder
    return sorted(str(p) for p in base.glob("*.parquet")) if base.exists() else []


def _staged_table(files: list[str], schema: pa.Schema) -> pa.Table:
    if not files:
        return schema.empty_table()
    return pa.concat_tables([pq.read_table(f).cast(schema) for f in files])


def _sources_table(settings: Settings, run_date: str) -> pa.Table:
    path = settings.run_staging(run_date) / "sources.json"
    rows = read_json(path) if path.exists() else []
    cols = ["source_id", "name", "country", "feed_url", "site_url", "language", "enabled",
            "min_delay_s", "max_concurrency", "respect_robots", "notes"]
    return pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in rows], schema=pa.schema([
        ("source_id", pa.string()), ("name", pa.string()), ("country", pa.string()),
        ("feed_url", pa.string()), ("site_url", pa.string()), ("language", pa.string()),
        ("enabled", pa.bool_()), ("min_delay_s", pa.float64()), ("max_concurrency", pa.int32()),
        ("respect_robots", pa.bool_()), ("notes", pa.string()),
    ]))


def _entities_table(settings: Settings) -> pa.Table:
    path = settings.seeds_dir / "gazetteer.csv"
    schema = pa.schema([("entity_id", pa.string()), ("type", pa.string()),
                        ("name_ar", pa.string()), ("name_en", pa.string()),
                        ("wikidata_id", pa.string())])
    if not path.exists():
        return schema.empty_table()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            {k: (row.get(k) or None) for k in schema.names}
            for row in csv.DictReader(handle)
            if row.get("entity_id")
        ]
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row["entity_id"], row)
    return pa.Table.from_pylist(list(seen.values()), schema=schema)


def _clusters(con: duckdb.DuckDBPyConnection, articles: pa.Table, day: date) -> pa.Table:
    """Near-duplicate story clusters over this run's and the trailing window's articles."""
    from akhbar.dedup import assign_clusters

    schema = pa.schema([("article_id", pa.string()), ("cluster_id", pa.string())])
    if articles.num_rows == 0:
        return schema.empty_table()
    new_ids = set(articles.column("article_id").to_pylist())
    earlier = con.execute(
        "SELECT article_id, source_id, body_text FROM fact_article "
        "WHERE run_date >= ? AND run_date <> ? AND body_text IS NOT NULL "
        "AND (language = 'ar' OR language IS NULL)",
        [day - timedelta(days=CLUSTER_WINDOW_DAYS), day],
    ).fetchall()
    docs = [(a, s, b) for a, s, b in earlier if a not in new_ids]
    for row in articles.select(["article_id", "source_id", "body_text", "language"]).to_pylist():
        if row["body_text"] and row["language"] in ("ar", None):
            docs.append((row["article_id"], row["source_id"], row["body_text"]))
    mapping = assign_clusters(docs)
    return pa.Table.from_pylist(
        [{"article_id": a, "cluster_id": c} for a, c in sorted(mapping.items())], schema=schema
    )


def load_run(settings: Settings, run_date: str, *, run_id: str = "manual") -> dict[str, Any]:
    """Load one logical date. Returns counts; raises when the warehouse checks fail."""
    from akhbar.quality import BatchGateError, validate_warehouse

    day = date.fromisoformat(run_date[:10])
    loaded_at = datetime.now(UTC)
    staged = {
        view: _staged_table(_files(settings, run_date, folder), schema)
        for view, (folder, schema) in STAGED.items()
    }
    feeds = staged["stg_feed_fetch"].to_pylist()
    new_entries = sum(r["entries_new"] or 0 for r in feeds)
    empty_run = bool(feeds and new_entries and staged["stg_articles"].num_rows == 0)
    con = connect(settings.warehouse)
    try:
        for view, table in staged.items():
            con.register(view, table)
        con.register("stg_sources", _sources_table(settings, run_date))
        loaded = sorted(Path(f).stem for f in _files(settings, run_date, "articles_ok"))
        con.register("stg_loaded_sources", pa.table({"source_id": pa.array(loaded, pa.string())}))
        con.register("stg_entities", _entities_table(settings))
        con.register("stg_clusters", _clusters(con, staged["stg_articles"], day))
        params = {"run_date": day, "run_id": run_id, "loaded_at": loaded_at}
        failure: Exception | None = None
        if empty_run:
            failure = EmptyRunError(
                f"run {run_date}: feeds reported {new_entries} new entries but no article "
                "passed the gates (batch rule: empty_run); no facts were loaded, the "
                "quarantine and dq_result rows were recorded"
            )
        else:
            con.execute("BEGIN TRANSACTION")
            try:
                _execute(con, load_statements(settings.sql_dir), params)
                check = validate_warehouse(con, run_date=day,
                                           results_dir=settings.data_dir / "quality")
                if check.batch_failures:
                    failure = BatchGateError(f"warehouse ({run_date})", check.batch_failures)
                    con.execute("ROLLBACK")
                    staged["stg_dq"] = pa.concat_tables([
                        staged["stg_dq"],
                        pa.Table.from_pandas(check.dq_rows, preserve_index=False)
                        .select(records.DQ_RESULT.names).cast(records.DQ_RESULT),
                    ])
                    con.register("stg_dq", staged["stg_dq"])
                else:
                    if check.dq_rows is not None and len(check.dq_rows):
                        con.register("stg_dq_warehouse", check.dq_rows)
                        con.execute(
                            "INSERT INTO dq_result SELECT run_date, stage, suite, expectation, "
                            "column_name, success, observed_value, unexpected_count, "
                            "element_count, $loaded_at FROM stg_dq_warehouse",
                            {"loaded_at": loaded_at},
                        )
                    con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        if failure is not None:
            # Facts stay as they were; record why, then fail the task.
            con.execute("BEGIN TRANSACTION")
            try:
                _execute(con, load_statements(settings.sql_dir, record_only=True), params)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("CHECKPOINT")
            con.close()
            publish_analyst_copy(settings)
            raise failure
        counts = {
            "run_date": run_date,
            "articles": staged["stg_articles"].num_rows,
            "mentions": staged["stg_mentions"].num_rows,
            "quotes": staged["stg_quotes"].num_rows,
            "dates": staged["stg_dates"].num_rows,
            "quarantined": staged["stg_quarantine"].num_rows,
            "feeds_polled": len(feeds),
        }
        con.execute("CHECKPOINT")
    finally:
        con.close()
    publish_analyst_copy(settings)
    counts["data_docs"] = str(_data_docs(settings))
    log.info("loaded %s", counts)
    log.info("Great Expectations Data Docs: %s", counts["data_docs"])
    return counts


def _data_docs(settings: Settings) -> Path | None:
    from akhbar.quality import build_data_docs

    try:
        return build_data_docs(settings.data_dir / "quality")
    except Exception as exc:
        log.warning("could not build Data Docs: %s", exc)
        return None


def _execute(con: duckdb.DuckDBPyConnection, statements: list[tuple[str, str]],
             params: dict[str, Any]) -> None:
    for name, stmt in statements:
        used = {k: params[k] for k in set(_PARAM.findall(stmt)) if k in params}
        try:
            con.execute(stmt, used) if used else con.execute(stmt)
        except duckdb.Error as exc:
            raise RuntimeError(f"load statement in {name} failed: {exc}") from exc


def refresh_search_index(settings: Settings) -> dict[str, int]:
    """Rebuild the full-text index and republish the analyst copy.

    Kept out of the load transaction on purpose: DuckDB's fts index is rebuilt
    from scratch, so its cost grows with the whole warehouse, not with the day's
    articles. The asset-triggered maintenance DAG runs it right after each load
    (in the single-writer pool); until then search falls back to a scan.
    """
    from akhbar.warehouse.search import build_search_index

    con = connect(settings.warehouse)
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

    The rename is atomic on one filesystem: an analyst who opens the copy sees
    either the previous run or this one, never a half-written file.
    """
    target = settings.analyst_copy
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(settings.warehouse, tmp)
    os.replace(tmp, target)
    return target


def run_summary(settings: Settings, run_date: str) -> dict[str, Any]:
    """Counts per source for a run, read from the analyst copy."""
    path = settings.analyst_copy if settings.analyst_copy.exists() else settings.warehouse
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT source_id, stage, metric, value FROM pipeline_run WHERE run_date = ? "
            "ORDER BY source_id, stage, metric",
            [date.fromisoformat(run_date[:10])],
        ).fetchall()
    finally:
        con.close()
    per_source: dict[str, dict[str, int]] = {}
    for source_id, stage, metric, value in rows:
        per_source.setdefault(source_id, {})[f"{stage}.{metric}"] = int(value)
    return {"run_date": run_date, "per_source": per_source}
