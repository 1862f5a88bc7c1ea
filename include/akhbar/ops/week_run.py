"""``make week``: real days of many outlets through Airflow's real scheduler.

Builds per-outlet, per-day RSS feeds from SaudiNewsNet records
(:mod:`akhbar.ops.week`), replays them on loopback, runs ``akhbar_daily`` for each
day as an ``airflow backfill`` under the LocalExecutor scheduler, waits for the
Asset-triggered ``akhbar_maintenance``, and reports what landed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from akhbar.ops.local_airflow import LocalAirflow, TaskRow


@dataclass
class WeekRun:
    """What a scheduler run of several days produced."""

    data_dir: Path
    warehouse: Path
    days: list[date]
    daily_runs: list[dict[str, Any]]
    maintenance_runs: list[dict[str, Any]]
    tasks: list[TaskRow] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.daily_runs) and all(r["state"] == "success" for r in self.daily_runs)

    def task_stats(self) -> dict[str, Any]:
        """Fixed overhead per task (wall time minus the work it reported) and peak RSS."""
        worked = [
            t
            for t in self.tasks
            if isinstance(t.xcom, dict) and "work_s" in t.xcom and t.duration_s is not None
        ]
        overhead = [t.duration_s - t.xcom["work_s"] for t in worked]  # type: ignore[operator]
        rss = [t.xcom.get("peak_rss_mb") for t in worked if t.xcom.get("peak_rss_mb")]
        return {
            "tasks": len(self.tasks),
            "tasks_with_work": len(worked),
            "task_overhead_s_median": round(statistics.median(overhead), 2) if overhead else None,
            "task_overhead_s_max": round(max(overhead), 2) if overhead else None,
            "peak_task_rss_mb": max(rss) if rss else None,
        }


def _progress(
    say: Callable[[str], None], total: int, started: float
) -> Callable[[list[dict[str, Any]]], None]:
    def report(runs: list[dict[str, Any]]) -> None:
        done = [r for r in runs if r["state"] in ("success", "failed")]
        elapsed = time.monotonic() - started
        left = (elapsed / len(done) * (total - len(done))) if done else None
        states = " ".join(f"{str(r['logical_date'])[:10]}={r['state']}" for r in runs)
        eta = f", about {left / 60:.0f} min left" if left is not None else ""
        say(f"[week] {len(done)}/{total} days finished after {elapsed / 60:.1f} min{eta}: {states}")

    return report


def _add_second_feeds(catalogue: Path, outlets: Sequence[str]) -> None:
    import csv

    with catalogue.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    extra = [
        {**row, "source_id": row["source_id"] + "_2", "name": row["name"] + " (2nd feed)"}
        for row in rows
        if row["source_id"].removeprefix("snn_") in set(outlets)
    ]
    with catalogue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows + extra)


def run_days(
    week_dir: Path,
    days: Sequence[date],
    data_dir: Path,
    *,
    outlets: Sequence[str] | None = None,
    per_outlet_limit: int | None = None,
    timeout_s: float = 3600,
    parallelism: int = 2,
    second_feeds: Sequence[str] = (),
    say: Callable[[str], None] = print,
) -> WeekRun:
    """Build the feeds, replay them, backfill ``days`` through the scheduler.

    ``second_feeds``: outlets that get a second catalogue row with the same feed
    (two category feeds of one outlet carrying the same links).
    """
    from akhbar.fetch.replay import ReplayServer
    from akhbar.ops.week import build_week_snapshot

    days = sorted(days)
    data_dir = data_dir.resolve()
    feeds_dir = data_dir / "feeds"
    say(f"[week] building feeds for {len(days)} day(s) into {feeds_dir} ...")
    snap = build_week_snapshot(
        week_dir, feeds_dir, days, outlets=outlets, per_outlet_limit=per_outlet_limit, progress=say
    )
    say(
        f"[week] {snap.articles} articles from {len(snap.outlets)} outlets in {len(snap.feeds)} "
        "feeds"
    )
    if second_feeds:
        _add_second_feeds(snap.sources_csv, second_feeds)
    home = data_dir / "airflow_home"
    shutil.rmtree(home, ignore_errors=True)  # a fresh scheduler: every day is a new backfill
    started = time.monotonic()
    with ReplayServer(snap.warc.parent) as replay:
        env = {
            "AKHBAR_DATA_DIR": str(data_dir),
            "AKHBAR_SOURCES": str(snap.sources_csv),
            "AKHBAR_REPLAY_URL": replay.base_url,
            "AKHBAR_ALLOW_HOSTS": f"127.0.0.1:{replay.port}",
            "AKHBAR_MIN_DELAY_S": "0",
            "AKHBAR_END_DATE": days[-1].isoformat(),
        }
        say(f"[week] replaying on {replay.base_url}; starting Airflow (LocalExecutor) in {home}")
        with LocalAirflow(home, env, parallelism=parallelism, say=say) as airflow:
            for dag_id in ("akhbar_daily", "akhbar_maintenance"):
                airflow.wait_for_dag(dag_id)
            airflow.unpause("akhbar_daily")
            airflow.backfill("akhbar_daily", days[0], days[-1])
            say(f"[week] backfill created: akhbar_daily {days[0]} .. {days[-1]}")
            daily = airflow.wait_for_runs(
                "akhbar_daily",
                len(days),
                timeout=timeout_s,
                progress=_progress(say, len(days), started),
            )
            say("[week] waiting for the Asset-triggered akhbar_maintenance ...")
            maintenance = airflow.wait_for_runs(
                "akhbar_maintenance", 1, timeout=max(300.0, timeout_s / 4)
            )
            tasks = airflow.task_rows("akhbar_daily")
    warehouse = Path(os.environ.get("AKHBAR_WAREHOUSE") or data_dir / "akhbar.duckdb")
    return WeekRun(
        data_dir,
        warehouse,
        list(days),
        daily,
        maintenance,
        tasks,
        round(time.monotonic() - started, 1),
    )
