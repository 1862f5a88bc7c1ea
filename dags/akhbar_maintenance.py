"""
### akhbar_maintenance — after each warehouse update

Scheduled on the Asset `akhbar_warehouse`, which `akhbar_daily.load` updates.
For the newest loaded run date it

* **export_parquet** — daily Parquet partitions of the fact tables under
  `<data_dir>/exports/<table>/run_date=YYYY-MM-DD/` (for pandas, Polars, Spark, BI);
* **digest** — the HTML daily digest `<data_dir>/digest/<date>.html` (right-to-left,
  top entities, top quoted speakers, coverage chart, new story clusters);
* **data_docs** — Great Expectations Data Docs of the run's validations;
* **search_index** — rebuilds the Arabic full-text index, checkpoints the
  warehouse and republishes the analyst copy, in the single-writer pool (kept
  out of the daily load: its cost grows with the whole warehouse).

Everything else reads the analyst copy.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task

from akhbar.assets import WAREHOUSE


def _on_failure(context):
    from akhbar.ops.alerts import on_failure_callback

    on_failure_callback(context)


@dag(
    dag_id="akhbar_maintenance",
    schedule=[WAREHOUSE],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    # Triggered by the daily load's Asset event: paused on creation, it would
    # silently miss those events on a fresh deployment.
    is_paused_upon_creation=False,
    tags=["akhbar", "maintenance"],
    default_args={
        "owner": "akhbar",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "retry_exponential_backoff": True,
        "on_failure_callback": _on_failure,
    },
    doc_md=__doc__,
)
def akhbar_maintenance():
    @task
    def latest_run_date() -> str | None:
        from akhbar.ops.maintenance import latest_run_date as stage

        return stage()

    @task
    def export_parquet(run_date: str | None) -> list[str]:
        from akhbar.ops.maintenance import export_parquet as stage

        return stage(run_date)

    @task
    def digest(run_date: str | None) -> str | None:
        from akhbar.ops.maintenance import write_digest as stage

        return stage(run_date)

    @task
    def data_docs(run_date: str | None) -> str | None:
        from akhbar.ops.maintenance import build_data_docs as stage

        return stage(run_date)

    @task(pool="duckdb_writer")
    def search_index() -> dict:
        from akhbar.ops.maintenance import refresh_search_index as stage

        return stage()

    day = latest_run_date()
    search_index() >> [export_parquet(day), digest(day), data_docs(day)]


akhbar_maintenance()
