"""The warehouse checks inside the load transaction: quarantine what they reject.

Rows a check rejects are recorded in the quarantine with their rule and
removed (``sql/load/rejected``), the rest commits. Only a batch failure (an
errored check, more than ``MAX_REJECTED_SHARE`` of the run's articles rejected,
rows still failing after the removal) raises, and the load rolls back.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb
import pyarrow as pa

from akhbar.pipeline.run import Run
from akhbar.sqlfiles import sql
from akhbar.warehouse.statements import execute_statements, load_statements

log = logging.getLogger(__name__)

#: Share of the run's articles the warehouse checks may reject before the run
#: counts as broken as a whole (then nothing of it loads).
MAX_REJECTED_SHARE = 0.5


def apply_warehouse_checks(
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
    record_dq(con, check.dq_rows, params)
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
    execute_statements(con, load_statements(run.settings.sql_dir, folder="rejected"), params)
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


def record_dq(con: duckdb.DuckDBPyConnection, dq_rows: Any, params: dict[str, Any]) -> None:
    """The warehouse suite's ``dq_result`` rows, in the load's transaction."""
    if dq_rows is None or not len(dq_rows):
        return
    con.register("stg_dq_warehouse", dq_rows)
    con.execute(sql("load/queries/record_warehouse_dq"), {"loaded_at": params["loaded_at"]})
