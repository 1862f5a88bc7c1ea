"""``akhbar week-build``, ``akhbar week`` and ``akhbar week-report``: their options and
what each runs (heavy imports inside the commands, as in :mod:`akhbar.cli`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from akhbar.cli import Subparsers

# `akhbar week-build` / `week-report` defaults: the shared SaudiNewsNet week.
DEFAULT_WEEK_DIR = (
    Path(os.environ.get("AKHBAR_SHARED_DIR") or Path(__file__).resolve().parents[4] / "shared")
    / "corpus"
    / "news_week"
    / "dataset"
)
DEFAULT_WEEK_DAYS = "2015-08-06..2015-08-11"


def _week_days(spec: str) -> list[Any]:
    from akhbar.ops.week import parse_days

    return parse_days(spec)


def _missing_week_dir(command: str, week_dir: str) -> int | None:
    """One line and exit code 2 when the week's zips are not there, else None."""
    if Path(week_dir).is_dir():
        return None
    hint = " (../shared is not here)" if week_dir == str(DEFAULT_WEEK_DIR) else ""
    print(
        f"akhbar {command}: no week data at {week_dir}{hint}; pass --week-dir DIR "
        "of SaudiNewsNet-format YYYY-MM-DD.zip files",
        file=sys.stderr,
    )
    return 2


def cmd_week_build(args: argparse.Namespace) -> int:
    """Build per-outlet, per-day RSS feeds (a WARC + catalogue) from SaudiNewsNet zips."""
    from akhbar.config import load_settings
    from akhbar.ops.week import WeekDataError, build_week_snapshot

    out = Path(args.out) if args.out else load_settings().data_dir / "week_snapshot"
    week_dir = Path(args.week_dir)
    if (missing := _missing_week_dir("week-build", args.week_dir)) is not None:
        return missing
    outlets = [o.strip() for o in args.outlets.split(",") if o.strip()] if args.outlets else None
    try:
        snap = build_week_snapshot(
            week_dir,
            out,
            _week_days(args.days),
            outlets=outlets,
            per_outlet_limit=args.limit,
            progress=print,
        )
    except WeekDataError as exc:
        print(f"akhbar week-build: {exc}", file=sys.stderr)
        return 2
    print(
        f"built {len(snap.feeds)} feeds ({snap.articles} items, {len(snap.outlets)} outlets, "
        f"largest {snap.max_feed_bytes} bytes; {snap.skipped_empty} input records with "
        "empty content skipped)"
    )
    print(f"WARC: {snap.warc}\ncatalogue: {snap.sources_csv}\nprovenance: {snap.readme}")
    return 0


def cmd_week(args: argparse.Namespace) -> int:
    """Build the week's feeds, backfill them through the scheduler, report (make week)."""
    from akhbar.config import REPO_ROOT
    from akhbar.ops.local_airflow import AirflowRunError
    from akhbar.ops.week import WeekDataError, week_report
    from akhbar.ops.week_run import run_days

    week_dir = Path(args.week_dir)
    if (missing := _missing_week_dir("week", args.week_dir)) is not None:
        return missing
    # Its own data dir unless told otherwise: make run's warehouse is left alone.
    data_dir = Path(os.environ.get("AKHBAR_DATA_DIR") or REPO_ROOT / "data" / "week").resolve()
    outlets = [o.strip() for o in args.outlets.split(",") if o.strip()] if args.outlets else None
    try:
        days = _week_days(args.days)
        result = run_days(
            week_dir,
            days,
            data_dir,
            outlets=outlets,
            per_outlet_limit=args.limit,
            timeout_s=args.timeout,
            parallelism=args.parallelism,
        )
    except (WeekDataError, AirflowRunError) as exc:
        print(f"akhbar week: {exc}", file=sys.stderr)
        return 2
    print(week_report(result.warehouse, days, top=args.top), end="")
    stats = result.task_stats()
    print(
        f"\nscheduler: {len(result.daily_runs)} daily runs "
        f"({sum(r['state'] == 'success' for r in result.daily_runs)} succeeded), "
        f"{len(result.maintenance_runs)} maintenance run(s), {result.wall_s / 60:.1f} min; "
        f"median task overhead {stats['task_overhead_s_median']} s, largest task "
        f"{stats['peak_task_rss_mb']} MB"
    )
    print(f'warehouse: {result.warehouse}  (akhbar sql --database {result.warehouse} "...")')
    if not result.ok:
        print(
            f"akhbar week: a daily run failed; task logs under {data_dir / 'airflow_home'}",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_week_report(args: argparse.Namespace) -> int:
    """Per day, biggest cross-outlet stories, speakers quoted by most outlets."""
    from akhbar.config import load_settings
    from akhbar.ops.week import WeekDataError, week_report

    if args.warehouse:
        path = Path(args.warehouse)
    else:
        settings = load_settings()
        path = settings.analyst_copy if settings.analyst_copy.exists() else settings.warehouse
    try:
        print(week_report(path, _week_days(args.days), top=args.top), end="")
    except (WeekDataError, FileNotFoundError) as exc:
        print(f"akhbar week-report: {exc}", file=sys.stderr)
        return 2
    return 0


def _week_input_args(p: argparse.ArgumentParser) -> None:
    """--week-dir, --days, --outlets, --limit: which SaudiNewsNet records to use."""
    p.add_argument(
        "--week-dir",
        default=str(DEFAULT_WEEK_DIR),
        help="directory of YYYY-MM-DD.zip (default: ../shared news_week)",
    )
    p.add_argument("--days", default=DEFAULT_WEEK_DAYS, help="FIRST..LAST (inclusive)")
    p.add_argument("--outlets", help="comma-separated SaudiNewsNet outlet ids (default: all)")
    p.add_argument("--limit", type=int, help="at most N articles per outlet and day")


def add_week_build(sub: Subparsers) -> None:
    p = sub.add_parser("week-build", help="build per-day RSS feeds from SaudiNewsNet zips")
    _week_input_args(p)
    p.add_argument("--out", help="output directory (default: $AKHBAR_DATA_DIR/week_snapshot)")
    p.set_defaults(func=cmd_week_build)


def add_week(sub: Subparsers) -> None:
    p = sub.add_parser("week", help="make week: real days through the Airflow scheduler")
    _week_input_args(p)
    p.add_argument("--timeout", type=float, default=3 * 3600, help="seconds for all runs")
    p.add_argument("--parallelism", type=int, default=2, help="LocalExecutor task slots")
    p.add_argument("--top", type=int, default=10, help="stories and speakers to list")
    p.set_defaults(func=cmd_week)


def add_week_report(sub: Subparsers) -> None:
    p = sub.add_parser("week-report", help="print what a week of runs landed")
    p.add_argument("--days", default=DEFAULT_WEEK_DAYS, help="FIRST..LAST (inclusive)")
    p.add_argument("--warehouse", help="DuckDB file (default: the analyst copy)")
    p.add_argument("--top", type=int, default=10, help="stories and speakers to list")
    p.set_defaults(func=cmd_week_report)
