"""
### akhbar_daily — Arabic news feeds into the DuckDB warehouse

Reads like the pipeline diagram:

```
read_sources ─► ingest[source] ( poll ─► gate entries ─► fetch ─► gate pages
                                 ─► extract ─► gate articles )
             ─► load (pool duckdb_writer, 1 slot) ─► cluster (same pool; updates
                                                          Asset akhbar_warehouse)
                                                  ─► summarise
```

* **ingest** is mapped once per enabled source of the catalogue
  (`seeds/sources.csv` or `$AKHBAR_SOURCES`) and labelled with its source id.
  One task runs the source's whole chain, so the fixed cost of a task process
  (Airflow start-up, Great Expectations, the NER model) is paid once per
  source. A source that times out, sends garbage or fails a quality gate fails
  only its own task; the task log gives the counts of every step. Catalogues
  larger than Airflow's `max_map_length` are dealt into shards.
* **gates** run Great Expectations suites: bad rows go to `quarantine` with the
  rule that failed; a batch that fails as a whole fails the source's task with
  the rule in the message (no retry), and nothing of it is loaded.
* **load** is the only task that writes the warehouse, in one transaction per
  logical date: re-running a date replaces that date's rows. An article carried
  by several feeds loads once and `fact_article_source` records every source.
  Rows the warehouse checks reject are quarantined; the rest loads.
  Afterwards the analyst copy (`*_analyst.duckdb`) is replaced atomically.
* **same-day re-run with nothing new**: when the date's load is committed, its
  clusters and analyst copy are current, and every source's (conditional) poll
  gives the entries its finished chain had, read_sources says so in one log
  line and returns no unit; as a short circuit it skips ingest, load, cluster
  and summarise, and no Great Expectations, trafilatura or NER model is loaded
  (`akhbar.pipeline.unchanged`). Anything changed: the usual run, where each
  unchanged source still keeps its gated files.
* **cluster** then gives the date's articles (and the week around them) their
  story clusters in its own transaction, off the load's critical path
  (idempotent; a no-op when nothing waits for a cluster), republishes the
  analyst copy, and its Asset update triggers `akhbar_maintenance`.

The logical date decides the run's date; nothing reads the wall clock to decide
what a run covers. Param `source=archive` re-runs a date from its raw WARC
archive instead of the network (backfills: `airflow backfill create --dag-id
akhbar_daily --from-date … --to-date … --dag-run-conf '{"source": "archive"}'`).
Logic lives in `include/akhbar/pipeline/`; this file only wires it (heavy
imports happen inside tasks).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Param, dag, get_current_context, task

from akhbar.assets import WAREHOUSE
from akhbar.ops.alerts import deadline_alert

TAGS = ["akhbar", "arabic-news", "etl"]
# Cron, preset or "none" (manual/asset-triggered only). Default: daily.
SCHEDULE = os.environ.get("AKHBAR_SCHEDULE", "@daily")
# Last logical date to schedule (YYYY-MM-DD; empty: none). A backfill of a
# closed period (make week) sets it so the scheduler adds no run of its own.
END_DATE = os.environ.get("AKHBAR_END_DATE") or None
# Alert when a run has not finished this long after it was queued; 0 disables it.
# `airflow dags test` / dag.test() in Airflow 3.3.2 crash at the end of a run of a
# DAG that has a deadline (DagRun.update_state looks the un-serialised alert up by
# id), so the offline runs and tests set 0.
DEADLINE_MINUTES = float(os.environ.get("AKHBAR_DEADLINE_MINUTES", "180"))


def _on_failure(context):
    from akhbar.ops.alerts import on_failure_callback

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


def _run():
    """This run: the logical date (or, for a manual run without one, the date it was
    queued for), the settings with this run's params, and the Airflow run id."""
    from dataclasses import replace

    from akhbar.config import load_settings
    from akhbar.pipeline.run import Run

    ctx = get_current_context()
    day = ctx.get("ds") or ctx["dag_run"].run_after.date().isoformat()
    params = ctx.get("params") or {}
    settings = replace(load_settings(), from_archive=params.get("source") == "archive")
    return Run.of(day, settings, run_id=ctx["run_id"], started_at=ctx["dag_run"].start_date)


@dag(
    dag_id="akhbar_daily",
    schedule=None if SCHEDULE.lower() == "none" else SCHEDULE,
    # The earliest date a backfill may cover (archives of real feeds go back
    # years); catchup is off, so an early start date schedules nothing by itself.
    start_date=datetime(2010, 1, 1),
    end_date=datetime.fromisoformat(END_DATE) if END_DATE else None,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=TAGS,
    doc_md=__doc__,
    params={
        "source": Param(
            "live",
            enum=["live", "archive"],
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
    # A short circuit: no unit at all (a re-run of the date that finds nothing
    # changed, or an empty catalogue) skips every task after it at once, instead
    # of one trigger-rule level per scheduler pass.
    @task.short_circuit(
        doc_md="Read the sources catalogue (snapshot for the run); one unit per source. "
        "No unit (and every later task skipped) when a re-run of the date finds nothing changed."
    )
    def read_sources() -> list[list[str]]:
        from airflow.sdk.configuration import conf

        from akhbar.pipeline.catalogue import plan_units, read_catalogue
        from akhbar.pipeline.unchanged import unchanged_run

        run = _run()
        sources = read_catalogue(run)
        if unchanged_run(run, sources) is not None:
            return []  # ingest, load, cluster and summarise are skipped
        units = plan_units(sources, conf.getint("core", "max_map_length"))
        return [[s["source_id"] for s in unit] for unit in units]

    @task(pool="akhbar_http", map_index_template="{{ unit_label }}")
    def ingest(source_ids: list[str]) -> dict:
        """poll ─► gate ─► fetch ─► gate ─► extract ─► gate, for one source."""
        from airflow.sdk.exceptions import AirflowFailException

        from akhbar.pipeline.catalogue import unit_label
        from akhbar.pipeline.files import read_json
        from akhbar.pipeline.ingest import UnitFailed, ingest_unit
        from akhbar.quality import BatchGateError

        run = _run()
        wanted = set(source_ids)
        unit = [s for s in read_json(run.sources_json) if s["source_id"] in wanted]
        get_current_context()["unit_label"] = unit_label(unit)
        try:
            return ingest_unit(unit, run)
        except BatchGateError as exc:  # a bad batch will not get better by retrying
            raise AirflowFailException(str(exc)) from exc
        except UnitFailed as exc:
            if not exc.retryable:
                raise AirflowFailException(str(exc)) from exc
            raise

    @task(
        pool="duckdb_writer",
        trigger_rule="all_done_min_one_success",
        retries=1,
        doc_md="The single writer: one transaction per logical date, then the analyst copy.",
    )
    def load() -> dict:
        from akhbar.pipeline.runner import load as stage

        return stage(_run())

    @task(
        pool="duckdb_writer",
        outlets=[WAREHOUSE],
        retries=1,
        doc_md="Story clusters of the loaded date and its window (idempotent), then the "
        "analyst copy; updates the Asset that triggers akhbar_maintenance.",
    )
    def cluster() -> dict:
        from akhbar.pipeline.runner import cluster as stage

        return stage(_run())

    @task(trigger_rule="all_done_min_one_success")
    def summarise(loaded: dict) -> dict:
        """Counts per source into the task log (and the pipeline_run table)."""
        import logging

        from akhbar.pipeline.runner import summarise as stage

        summary = stage(_run())
        log = logging.getLogger("akhbar.summary")
        for source_id, metrics in sorted(summary["per_source"].items()):
            log.info(
                "%-16s %s", source_id, " ".join(f"{k}={v}" for k, v in sorted(metrics.items()))
            )
        return {"articles": loaded.get("articles"), "sources": len(summary["per_source"])}

    ingested = ingest.expand(source_ids=read_sources())
    loaded = load()
    ingested >> loaded
    loaded >> cluster()
    summarise(loaded)


akhbar_daily()
