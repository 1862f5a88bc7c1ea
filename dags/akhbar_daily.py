"""
### akhbar_daily — Arabic news feeds into the DuckDB warehouse

Reads like the pipeline diagram:

```
read_sources ─► per_source[source] ( poll_feed ─► gate_entries ─► fetch_pages
                                     ─► gate_pages ─► extract ─► gate_articles )
             ─► load (pool duckdb_writer, 1 slot; updates Asset akhbar_warehouse)
             ─► summarise
```

* **per_source** is mapped once per enabled source of the catalogue
  (`seeds/sources.csv` or `$AKHBAR_SOURCES`); each task is labelled with its
  source id. A source that times out or sends garbage fails only its own chain.
* **gates** run Great Expectations suites: bad rows go to `quarantine` with
  the rule that failed; a batch that fails as a whole fails the gate task with
  the source and rule in the message, and nothing of it is loaded.
* **load** is the only task that opens the warehouse for writing, in one
  transaction per logical date: re-running a date replaces that date's rows.
  Afterwards the analyst copy (`*_analyst.duckdb`) is replaced atomically.

The logical date decides the run's date; nothing reads the wall clock to decide
what a run covers. Param `source=archive` re-runs a date from its raw WARC
archive instead of the network (backfills: `airflow backfill create --dag-id
akhbar_daily --from-date … --to-date … --dag-run-conf '{"source": "archive"}'`). Stage logic lives in `include/akhbar/stages.py`; this file
only wires it (heavy imports happen inside tasks).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Param, dag, get_current_context, task, task_group

from akhbar.alerts import deadline_alert
from akhbar.assets import WAREHOUSE

TAGS = ["akhbar", "arabic-news", "etl"]
# Cron, preset or "none" (manual/asset-triggered only). Default: daily.
SCHEDULE = os.environ.get("AKHBAR_SCHEDULE", "@daily")
# Alert when a run has not finished this long after it was queued; 0 disables it.
# `airflow dags test` / dag.test() in Airflow 3.3.2 crash at the end of a run of a
# DAG that has a deadline (DagRun.update_state looks the un-serialised alert up by
# id), so the offline runs and tests set 0.
DEADLINE_MINUTES = float(os.environ.get("AKHBAR_DEADLINE_MINUTES", "180"))


def _on_failure(context):
    from akhbar.alerts import on_failure_callback

    on_failure_callback(context)


DEFAULT_ARGS = {
    "owner": "akhbar",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=1),
    "on_failure_callback": _on_failure,
}


def _run_date() -> str:
    """The run's date: the logical date, or (for a manual run without one) the date
    the run was queued for (``run_after``). Never the wall clock."""
    ctx = get_current_context()
    if ctx.get("ds"):
        return ctx["ds"]
    return ctx["dag_run"].run_after.date().isoformat()


def _settings():
    """Settings from AKHBAR_* plus this run's params (``source``: live or archive)."""
    from dataclasses import replace

    from akhbar.config import load_settings

    params = get_current_context().get("params") or {}
    return replace(load_settings(), from_archive=params.get("source") == "archive")


def _label(source_id: str) -> None:
    get_current_context()["source_label"] = source_id


def _gate(stage: str, source_id: str) -> dict:
    from airflow.sdk.exceptions import AirflowFailException

    from akhbar.quality import BatchGateError
    from akhbar.stages import gate

    _label(source_id)
    try:
        return gate(stage, source_id, _run_date(), _settings())
    except BatchGateError as exc:  # a bad batch will not get better by retrying
        raise AirflowFailException(str(exc)) from exc


MAPPED = {"map_index_template": "{{ source_label }}"}


@dag(
    dag_id="akhbar_daily",
    schedule=None if SCHEDULE.lower() == "none" else SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=TAGS,
    doc_md=__doc__,
    params={
        "source": Param(
            "live", enum=["live", "archive"],
            description="live: poll feeds and fetch pages over HTTP; archive: replay this "
            "date's raw WARC archive (backfills and reprocessing, no network)",
        ),
    },
    deadline=(
        deadline_alert(minutes=DEADLINE_MINUTES, stage="akhbar_daily run")
        if DEADLINE_MINUTES > 0
        else None
    ),
)
def akhbar_daily():
    @task(doc_md="Read the sources catalogue; one mapped chain per enabled source.")
    def read_sources() -> list[dict]:
        from akhbar.stages import read_catalogue

        return read_catalogue(_run_date(), _settings())

    @task(pool="akhbar_http", **MAPPED)
    def poll_feed(source: dict) -> dict:
        """Conditional GET of the feed; keeps entries no other date loaded."""
        from akhbar.stages import poll_feed as stage

        _label(source["source_id"])
        return stage(source, _run_date(), _settings())

    @task(**MAPPED)
    def gate_entries(polled: dict) -> dict:
        _gate("entries", polled["source_id"])
        return polled

    @task(pool="akhbar_http", **MAPPED)
    def fetch_pages(polled: dict) -> dict:
        """Fetch new pages politely (robots.txt, per-host delay); archive raw responses."""
        from akhbar.stages import fetch_pages as stage

        _label(polled["source_id"])
        return stage(polled["source"], _run_date(), _settings())

    @task(**MAPPED)
    def gate_pages(fetched: dict) -> dict:
        _gate("pages", fetched["source_id"])
        return fetched

    @task(**MAPPED)
    def extract(fetched: dict) -> dict:
        """trafilatura body + metadata, then Arabic entities, quotes, datelines, dates."""
        from akhbar.stages import extract as stage

        _label(fetched["source_id"])
        return stage(fetched["source"], _run_date(), _settings())

    @task(**MAPPED)
    def gate_articles(extracted: dict) -> dict:
        return _gate("articles", extracted["source_id"])

    @task_group(group_id="per_source")
    def per_source(source: dict):
        polled = gate_entries(poll_feed(source))
        return gate_articles(extract(gate_pages(fetch_pages(polled))))

    @task(
        pool="duckdb_writer",
        outlets=[WAREHOUSE],
        trigger_rule="all_done_min_one_success",
        retries=1,
        doc_md="The single writer: one transaction per logical date, then the analyst copy.",
    )
    def load() -> dict:
        from akhbar.stages import load as stage

        ctx = get_current_context()
        return stage(_run_date(), run_id=ctx["run_id"], settings=_settings())

    @task(trigger_rule="all_done_min_one_success")
    def summarise(loaded: dict) -> dict:
        """Counts per source into the task log (and the pipeline_run table)."""
        import logging

        from akhbar.stages import summarise as stage

        summary = stage(_run_date(), _settings())
        log = logging.getLogger("akhbar.summary")
        for source_id, metrics in sorted(summary["per_source"].items()):
            log.info("%-16s %s", source_id, " ".join(f"{k}={v}" for k, v in sorted(metrics.items())))
        return {"loaded": loaded, "sources": len(summary["per_source"])}

    chains = per_source.expand(source=read_sources())
    loaded = load()
    chains >> loaded
    summarise(loaded)


akhbar_daily()
