"""The warehouse gate: referential integrity, uniqueness and volume of a loaded run.

Runs inside the load's transaction. Each check is a query in ``sql/quality/``
(one row per fact row of the run, with its dimension matches and ``chk_*``
columns) validated by a GX suite from :mod:`akhbar.quality.suites`.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from akhbar.quality import suites
from akhbar.quality.batch_rules import volume_failures
from akhbar.quality.derive import str_or_none
from akhbar.quality.gx import default_results_dir, run_suite
from akhbar.quality.quarantine import row_payload
from akhbar.quality.result import DqLog, GateResult, quarantine_frame
from akhbar.sqlfiles import sql

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

VOLUME_COLUMNS = ["source_id", "n_today", "avg_trailing", "chk_volume_collapse"]


def validate_warehouse(
    con: duckdb.DuckDBPyConnection, *, run_date: dt.date, results_dir: Path | None = None
) -> GateResult:
    """Referential integrity, uniqueness and volume of the loaded run (inside the load txn).

    Every violating row is reported in ``quarantined`` (stage ``warehouse``,
    ``record_key`` = ``<table>:<key>``) for the loader to remove; only a check
    that errored is a batch failure. A volume collapse is logged and recorded
    in ``dq_result``, not failed: the rows themselves are fine.
    ``good`` is the per-source row count table of ``fact_article`` for the run.
    """
    results_dir = default_results_dir() if results_dir is None else Path(results_dir)
    dq = DqLog(run_date, "warehouse", "akhbar_warehouse")
    batch_failures: list[str] = []
    q_rows: list[dict[str, Any]] = []
    for check in suites.WAREHOUSE_CHECKS:
        q_rows += _run_check(con, check, run_date, results_dir, dq, batch_failures)
    good = _check_volume(con, run_date, results_dir, dq)
    return GateResult(
        stage="warehouse",
        good=good,
        quarantined=quarantine_frame(q_rows),
        dq_rows=dq.frame(),
        batch_failures=batch_failures,
    )


def _run_check(
    con: duckdb.DuckDBPyConnection,
    check: suites.WarehouseCheck,
    run_date: dt.date,
    results_dir: Path,
    dq: DqLog,
    batch_failures: list[str],
) -> list[dict[str, Any]]:
    """One table's check; returns a quarantine row per violating row (the loader removes
    them, the rest of the run still loads)."""
    frame = con.execute(check.sql, {"run_date": run_date}).df()
    if not len(frame):
        return []
    suite = f"akhbar_warehouse_{check.name}"
    outcomes = run_suite(
        f"warehouse_{check.name}", check.rules, frame, run_date=run_date, results_dir=results_dir
    )
    notes: dict[str, str] = {}
    for r in check.rules:
        notes.setdefault(r.rule, r.notes)
    q_rows: list[dict[str, Any]] = []
    for o in outcomes:
        dq.add_outcome(o, column=f"{check.table}.{o.column}", observed=o.observed, suite=suite)
        if o.error:
            batch_failures.append(f"warehouse {check.table}: {o.expectation} errored: {o.error}")
            continue
        if o.success:
            continue
        for i in o.unexpected_index:
            row = frame.iloc[i].to_dict()
            q_rows.append(
                {
                    "run_date": run_date,
                    "stage": "warehouse",
                    "source_id": str_or_none(row.get("source_id")),
                    "record_key": f"{check.table}:{row['record_key']}",
                    "rule": o.rule,
                    "detail": f"{check.table}: {notes.get(o.rule, o.rule)}",
                    "payload": row_payload(row),
                }
            )
    return q_rows


def _check_volume(
    con: duckdb.DuckDBPyConnection, run_date: dt.date, results_dir: Path, dq: DqLog
) -> pd.DataFrame:
    """fact_article rows per enabled source for the run vs the trailing window; returns
    the per-source table (``VOLUME_COLUMNS``). A collapse is logged, not failed."""
    since = run_date - dt.timedelta(days=suites.VOLUME_WINDOW_DAYS)
    hist = con.execute(
        sql("quality/warehouse_volume_history"), {"since": since, "run_date": run_date}
    ).df()
    enabled = [r[0] for r in con.execute(sql("quality/enabled_sources")).fetchall()]
    hist["run_date"] = pd.to_datetime(hist["run_date"]).dt.date
    today_df = hist[hist["run_date"] == run_date]
    today = {s: 0 for s in enabled} | dict(
        zip(today_df["source_id"], today_df["n"].astype(int), strict=True)
    )
    past = hist[hist["run_date"] < run_date]
    past = past[past["source_id"].isin(set(enabled))] if enabled else past
    vol_fail, vol_rows = volume_failures("articles", today, past, run_date)
    for message in vol_fail:  # fewer articles than usual is a signal, not bad rows
        log.warning("warehouse fact_article: %s", message)
    if not vol_rows:
        return pd.DataFrame(columns=VOLUME_COLUMNS)
    vframe = pd.DataFrame(
        {
            "record_key": [src for src, _, _, _ in vol_rows],
            "source_id": [src for src, _, _, _ in vol_rows],
            "n_today": [n for _, n, _, _ in vol_rows],
            "avg_trailing": [avg for _, _, avg, _ in vol_rows],
            "chk_volume_collapse": [not collapsed for _, _, _, collapsed in vol_rows],
        }
    )
    suite = "akhbar_warehouse_volume"
    for o in run_suite(
        "warehouse_volume",
        suites.WAREHOUSE_VOLUME_RULES,
        vframe,
        run_date=run_date,
        results_dir=results_dir,
    ):
        dq.add_outcome(o, column=f"fact_article.{o.column}", observed=o.observed, suite=suite)
    return vframe.drop(columns=["record_key"])
