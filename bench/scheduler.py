"""Scheduler bench: one real news_week day through Airflow's scheduler vs one process.

The same day of SaudiNewsNet (built feeds replayed on loopback) runs

* through ``akhbar_daily`` as an ``airflow backfill`` under the LocalExecutor
  scheduler (:mod:`akhbar.ops.week_run`), and
* through the same stage functions in one process (``akhbar run``'s path,
  modules imported before the clock starts, as the warm executor's workers do),

and reports the wall-time ratio, the fixed overhead per task (a task's wall
time minus the work it reported) and the peak RSS of the largest task process.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

DAY = date(2015, 8, 7)  # 1,454 articles from 11 outlets


def _one_process(week_dir: Path, root: Path, day: date) -> dict[str, Any]:
    from akhbar.config import load_settings
    from akhbar.fetch.replay import ReplayServer
    from akhbar.ops.week import build_week_snapshot
    from akhbar.pipeline.catalogue import read_catalogue
    from akhbar.pipeline.ingest import ingest_source
    from akhbar.pipeline.run import Run
    from akhbar.pipeline.runner import load
    from akhbar.pipeline.warm import preload
    from akhbar.quality import BatchGateError

    snap = build_week_snapshot(week_dir, root / "feeds", [day])
    preload()
    with ReplayServer(snap.warc.parent) as replay:
        settings = replace(
            load_settings(),
            data_dir=root / "data",
            warehouse=root / "data" / "akhbar.duckdb",
            sources_file=snap.sources_csv,
            replay_url=replay.base_url,
            allow_hosts=(f"127.0.0.1:{replay.port}",),
            min_delay_s=0.0,
        )
        run = Run.of(day, settings, "bench-one-process")
        t0 = time.perf_counter()
        for source in read_catalogue(run):
            with contextlib.suppress(BatchGateError):  # a failed batch fails only its source
                ingest_source(source, run)
        counts = load(run)
        wall = time.perf_counter() - t0
    return {"wall_s": round(wall, 1), "articles": counts["articles"]}


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def run_scheduler_bench(
    week_dir: Path, work: Path, day: date = DAY, log: Any = print
) -> dict[str, Any]:
    from akhbar.ops.week_run import run_days

    shutil.rmtree(work, ignore_errors=True)
    log(f"scheduler bench: {day} in one process")
    single = _one_process(week_dir, work / "one", day)
    log(f"scheduler bench: {day} through the LocalExecutor scheduler")
    week = run_days(
        week_dir, [day], work / "sched" / "data", timeout_s=3600, say=lambda m: log(f"  {m}")
    )
    (run,) = week.daily_runs
    start, end = _iso(run["start_date"]), _iso(run["end_date"])
    wall = (end - start).total_seconds() if start and end else None
    stats = week.task_stats()
    import duckdb

    con = duckdb.connect(str(week.warehouse), read_only=True)
    try:
        articles, outlets = con.execute(
            "SELECT count(*), count(DISTINCT source_id) FROM fact_article"
        ).fetchone()
    finally:
        con.close()
    return {
        "day": day.isoformat(),
        "state": run["state"],
        "articles": articles,
        "outlets": outlets,
        "wall_s": round(wall, 1) if wall is not None else None,
        "single_process_wall_s": single["wall_s"],
        "single_process_articles": single["articles"],
        "ratio_vs_single_process": round(wall / single["wall_s"], 3) if wall else None,
        "task_overhead_s_median": stats["task_overhead_s_median"],
        "task_overhead_s_max": stats["task_overhead_s_max"],
        "peak_task_rss_mb": stats["peak_task_rss_mb"],
        "tasks": stats["tasks"],
        "note": "wall_s is the DAG run's own duration (scheduler start to end); the one-process "
        "time starts after the modules are imported, as the warm workers' tasks do",
    }
