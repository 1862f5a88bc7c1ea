"""``akhbar`` command line: the same stage functions the DAG calls, for people and tests."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeAlias

from akhbar.ops.week_cli import add_week, add_week_build, add_week_report


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def cmd_extract(args: argparse.Namespace) -> int:
    from akhbar.arabic.analyze import analyze
    from akhbar.fetch.pages import extract_page

    html = Path(args.page).read_bytes()
    page = extract_page(html, url=args.url)
    analysis = analyze(page.text, published=page.published_at)
    out = {
        "title": page.title,
        "author": page.author,
        "published": page.published_at.isoformat() if page.published_at else None,
        "canonical_url": page.canonical_url,
        "language": analysis.language,
        "text": page.text,
        **{k: v for k, v in analysis.to_dict().items() if k != "language"},
    }
    _print_json(out)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from akhbar.arabic.analyze import analyze
    from akhbar.arabic.normalize import clean_text

    raw = sys.stdin.read() if args.text == "-" else Path(args.text).read_text(encoding="utf-8")
    text = raw if args.raw else clean_text(raw)
    published = datetime.fromisoformat(args.published) if args.published else None
    analysis = analyze(text, published=published)
    _print_json({"text": text, **analysis.to_dict()})
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    from akhbar.arabic.ner import main_tag

    return main_tag(args.conll)


def cmd_replay(args: argparse.Namespace) -> int:
    from akhbar.fetch.replay import run_replay

    ready = Path(args.ready_file) if args.ready_file else None
    run_replay(Path(args.snapshot), host=args.host, port=args.port, ready_file=ready)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from akhbar.config import load_settings
    from akhbar.pipeline.runner import run_all
    from akhbar.warehouse.writer import WarehouseBusyError

    try:
        summary = run_all(args.date, load_settings(), run_id=f"cli__{args.date}", wait_s=args.wait)
    except WarehouseBusyError as exc:
        print(f"akhbar run: {exc}", file=sys.stderr)
        return 3
    _print_json(summary)
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    """Re-run extraction and loading for a date from its raw archive, offline.

    Each source's archived responses are replayed on loopback and every request
    is routed there, so the exact code path of a live run executes without
    touching the network.
    """
    from akhbar.config import load_settings
    from akhbar.pipeline.runner import run_all

    settings = load_settings()
    if not settings.run_archive(args.date).exists():
        print(f"no raw archive for {args.date} under {settings.archive_dir}", file=sys.stderr)
        return 2
    summary = run_all(
        args.date, replace(settings, from_archive=True), run_id=f"reprocess__{args.date}"
    )
    _print_json(summary)
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from akhbar.config import load_settings
    from akhbar.ops.report import print_landed
    from akhbar.sqlfiles import sql

    return print_landed(
        load_settings(), args.date, example_query=sql("reports/example_query").strip()
    )


def cmd_sql(args: argparse.Namespace) -> int:
    from akhbar.config import LakeTarget, load_settings
    from akhbar.ops.sqlshell import EXIT_ERROR, run_sql

    path: Path | LakeTarget
    if args.database:
        path = Path(args.database)
    else:
        settings = load_settings()
        path = settings.lake or settings.analyst_copy
    query = args.query
    if args.file:
        try:
            query = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            print(f"akhbar sql: cannot read {args.file}: {exc}", file=sys.stderr)
            return EXIT_ERROR
    return run_sql(path, query, fmt=args.format)


def cmd_quarantine(args: argparse.Namespace) -> int:
    import duckdb

    from akhbar.config import load_settings
    from akhbar.quality import quarantine
    from akhbar.warehouse.migrate import open_warehouse
    from akhbar.warehouse.readonly import open_warehouse_readonly

    settings = load_settings()
    if args.requeue:
        con = open_warehouse(settings) if settings.lake else duckdb.connect(str(settings.warehouse))
        try:
            n = quarantine.requeue(
                con,
                args.id or None,
                stage=args.stage,
                run_date=args.date,
                inbox=settings.data_dir / "requeue",
            )
        finally:
            con.close()
        print(
            f"re-queued {n} row(s) into {settings.data_dir / 'requeue'}; "
            "the next run of their stage picks them up"
        )
        return 0
    con = open_warehouse_readonly(settings, extensions=())
    try:
        frame = quarantine.list_rows(
            con,
            run_date=args.date,
            stage=args.stage,
            source_id=args.source,
            include_requeued=args.all,
        )
    finally:
        con.close()
    print(quarantine.format_table(frame))
    return 0


#: What `add_subparsers` returns; each `_add_<command>` adds one subcommand to it.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def cmd_lake(args: argparse.Namespace) -> int:
    """``akhbar lake migrate|snapshots``: the DuckLake warehouse (see warehouse/lake.py)."""
    from akhbar.config import LAKE_DATA_PATH_ENV, load_settings, parse_lake
    from akhbar.warehouse.lake import LakeError
    from akhbar.warehouse.lake_copy import copy_into_lake, list_snapshots

    settings = load_settings()
    try:
        target = (
            parse_lake(args.to, args.data_path or os.environ.get(LAKE_DATA_PATH_ENV))
            if getattr(args, "to", None)
            else settings.lake
        )
        if target is None:
            raise LakeError(
                "no lake: set AKHBAR_WAREHOUSE=ducklake:postgres:… or pass --to ducklake:…"
            )
        if args.lake_command == "snapshots":
            _print_json(list_snapshots(target, limit=args.limit))
            return 0
        source = Path(args.source) if args.source else settings.warehouse
        _print_json(copy_into_lake(source, target, replace=args.replace))
    except (LakeError, ValueError, FileNotFoundError) as exc:
        print(f"akhbar lake: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    return 0


def _one_option(
    name: str,
    help_text: str,
    option: str,
    func: Callable[[argparse.Namespace], int],
    *,
    required: bool = True,
) -> Callable[[Subparsers], None]:
    """The adder of a subcommand that takes one option."""

    def add(sub: Subparsers) -> None:
        p = sub.add_parser(name, help=help_text)
        p.add_argument(option, required=required)
        p.set_defaults(func=func)

    return add


def _add_extract(sub: Subparsers) -> None:
    p = sub.add_parser("extract", help="extract one HTML page and print JSON")
    p.add_argument("page")
    p.add_argument("--url")
    p.set_defaults(func=cmd_extract)


def _add_analyze(sub: Subparsers) -> None:
    p = sub.add_parser("analyze", help="Arabic extraction on a text file ('-' for stdin)")
    p.add_argument("--text", required=True)
    p.add_argument("--published", help="publication time (ISO) for relative dates")
    p.add_argument("--raw", action="store_true", help="do not clean the text first")
    p.set_defaults(func=cmd_analyze)


def _add_replay(sub: Subparsers) -> None:
    p = sub.add_parser("replay", help="serve a WARC snapshot/archive on 127.0.0.1")
    p.add_argument("snapshot")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--ready-file")
    p.set_defaults(func=cmd_replay)


def _add_run(sub: Subparsers) -> None:
    p = sub.add_parser("run", help="run the whole pipeline for a date without Airflow")
    p.add_argument("--date", required=True)
    p.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another writer of the warehouse (default: fail "
        "at once, naming it)",
    )
    p.set_defaults(func=cmd_run)


def _add_sql(sub: Subparsers) -> None:
    p = sub.add_parser("sql", help="query the analyst copy read-only (no query: a shell)")
    p.add_argument("query", nargs="?")
    p.add_argument("--file", help="read the SQL from this file")
    p.add_argument("--database", help="DuckDB file (default: the analyst copy)")
    p.add_argument("--format", choices=["table", "csv", "json", "line"], default="table")
    p.set_defaults(func=cmd_sql)


def _add_lake(sub: Subparsers) -> None:
    p = sub.add_parser("lake", help="DuckLake warehouse: migrate a DuckDB file into it, snapshots")
    lake_sub = p.add_subparsers(dest="lake_command", required=True)
    q = lake_sub.add_parser("migrate", help="copy every table of a DuckDB warehouse into a lake")
    q.add_argument(
        "--from", dest="source", help="DuckDB file (default: $AKHBAR_DATA_DIR/akhbar.duckdb)"
    )
    q.add_argument("--to", help="ducklake:postgres:… (default: AKHBAR_WAREHOUSE)")
    q.add_argument("--data-path", help="lake data path (default: AKHBAR_LAKE_DATA_PATH)")
    q.add_argument(
        "--replace", action="store_true", help="empty tables that already hold rows (else refuse)"
    )
    q.set_defaults(func=cmd_lake)
    q = lake_sub.add_parser("snapshots", help="the lake's latest snapshots (time travel ids)")
    q.add_argument("--limit", type=int, default=20)
    q.set_defaults(func=cmd_lake, to=None, data_path=None)


def _add_quarantine(sub: Subparsers) -> None:
    p = sub.add_parser("quarantine", help="list quarantined rows, or re-queue them")
    p.add_argument("--date")
    p.add_argument("--stage")
    p.add_argument("--source")
    p.add_argument("--all", action="store_true", help="include rows already re-queued")
    p.add_argument("--requeue", action="store_true")
    p.add_argument("--id", action="append", help="quarantine_id to re-queue (repeatable)")
    p.set_defaults(func=cmd_quarantine)


#: One function per subcommand, in the order ``akhbar --help`` lists them.
COMMANDS: tuple[Callable[[Subparsers], None], ...] = (
    _add_extract,
    _add_analyze,
    _one_option("tag", "NER-tag a CoNLL-style file (one token per line)", "--conll", cmd_tag),
    _add_replay,
    _add_run,
    _one_option(
        "reprocess",
        "re-run extraction and load of a date from its archive",
        "--date",
        cmd_reprocess,
    ),
    _one_option("summary", "print what a run landed", "--date", cmd_summary, required=False),
    _add_sql,
    _add_quarantine,
    _add_lake,
    add_week_build,
    add_week,
    add_week_report,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="akhbar", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from akhbar.config import ConfigError

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"akhbar {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
