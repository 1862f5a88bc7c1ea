"""Built per-outlet, per-day RSS feeds from SaudiNewsNet records (``make week``).

``build_week_snapshot`` turns a directory of SaudiNewsNet-format zips
(``YYYY-MM-DD.zip`` holding ``YYYY-MM-DD.json``, an array of
``{source, url, date_extracted, title, author, content}``) into what the
pipeline reads offline: one WARC of RSS 2.0 responses that ``akhbar replay``
serves, and a catalogue whose ``feed_url`` carries a ``{date}`` placeholder
(:meth:`akhbar.pipeline.sources.Source.feed_url_for`).

The feeds are *built*, not captured: every channel says so, items keep the
original article URL as link/guid and carry the full text in
``content:encoded``; the article pages are not in the WARC (the replay answers
404 and the pipeline keeps the feed text). SaudiNewsNet is CC BY-NC-SA 4.0, so
the output belongs under ``data/``, never in the repository.

Output is deterministic: same inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from akhbar.config import Settings
from akhbar.fetch.archive import WarcArchive
from akhbar.ops.week_feeds import (
    ATTRIBUTION,
    DESCRIPTION_CHARS,
    FEED_HOST,
    OUTLETS,
    RSS_TYPE,
    WARC_NAME,
    FeedInfo,
    WeekDataError,
    WeekSnapshot,
    day_end,
    feed_url,
    outlets_in,
    parse_days,
    read_day,
    render_feed,
    select_records,
)
from akhbar.ops.week_report import week_report, week_tables
from akhbar.pipeline.sources import CATALOGUE_COLUMNS, DATE_PLACEHOLDER

__all__ = [
    "WeekDataError",
    "WeekSnapshot",
    "build_week_snapshot",
    "catalogue_rows",
    "feed_url",
    "parse_days",
    "provenance",
    "resolve_catalogue",
    "week_report",
    "week_tables",
    "write_catalogue",
]


def build_week_snapshot(
    week_dir: Path,
    out_dir: Path,
    days: Sequence[date],
    *,
    outlets: Sequence[str] | None = None,
    per_outlet_limit: int | None = None,
    max_feed_bytes: int = Settings.max_feed_bytes,
    progress: Callable[[str], None] | None = None,
) -> WeekSnapshot:
    """Write ``out_dir/warc/news_week.warc.gz`` (one feed per outlet and day, an
    empty one when the outlet has nothing that day, so no poll fails),
    ``out_dir/sources.csv`` and ``out_dir/README.md``.

    ``outlets`` defaults to every outlet present on any of ``days``. A feed
    larger than ``max_feed_bytes`` (the pipeline's cap) is an error naming it,
    and nothing is written under the final WARC name. ``progress`` gets one
    line per day (outlets with items, items).
    """
    week_dir, out_dir = Path(week_dir), Path(out_dir)
    days, chosen = _checked_inputs(week_dir, days, outlets, per_outlet_limit)
    warc_path = out_dir / "warc" / WARC_NAME
    info = {
        "isPartOf": "akhbar-news-week",
        "description": "Built by Akhbar (akhbar.ops.week) from "
        + ATTRIBUTION
        + "; RSS feeds are built, not captured originals; see README.md",
    }
    archive = WarcArchive(warc_path, info=info, created_at=day_end(days[-1]), deterministic=True)
    try:
        feeds, skipped = _write_feeds(
            archive, week_dir, days, chosen, per_outlet_limit, max_feed_bytes, progress
        )
    except BaseException:
        archive.abort()
        raise
    archive.close()
    snapshot = WeekSnapshot(
        out_dir=out_dir,
        warc=warc_path,
        sources_csv=out_dir / "sources.csv",
        readme=out_dir / "README.md",
        days=tuple(days),
        outlets=tuple(chosen),
        feeds=tuple(feeds),
        skipped_empty=skipped,
    )
    write_catalogue(snapshot.sources_csv, chosen)
    snapshot.readme.write_text(
        provenance(snapshot, week_dir, per_outlet_limit), encoding="utf-8", newline="\n"
    )
    return snapshot


def _checked_inputs(
    week_dir: Path,
    days: Sequence[date],
    outlets: Sequence[str] | None,
    per_outlet_limit: int | None,
) -> tuple[list[date], list[str]]:
    """The sorted days and chosen outlets; a missing zip or unknown outlet is an error
    before anything is written."""
    if not week_dir.is_dir():
        raise WeekDataError(f"week directory {week_dir} does not exist")
    days = sorted(set(days))
    if not days:
        raise WeekDataError("no days to build")
    for day in days:
        if not (week_dir / f"{day.isoformat()}.zip").is_file():
            raise WeekDataError(f"no {day.isoformat()}.zip in {week_dir}")
    if per_outlet_limit is not None and per_outlet_limit < 1:
        raise WeekDataError(f"per-outlet limit must be >= 1, got {per_outlet_limit}")
    chosen = sorted(set(outlets)) if outlets else outlets_in(week_dir, days)
    if outlets and any(o not in OUTLETS for o in chosen):
        present = set(outlets_in(week_dir, days))
        unknown = [o for o in chosen if o not in OUTLETS and o not in present]
        if unknown:
            raise WeekDataError(
                f"unknown outlet(s) {', '.join(unknown)}; known: "
                f"{', '.join(sorted(present | set(OUTLETS)))}"
            )
    return days, chosen


def _write_feeds(
    archive: WarcArchive,
    week_dir: Path,
    days: Sequence[date],
    chosen: Sequence[str],
    per_outlet_limit: int | None,
    max_feed_bytes: int,
    progress: Callable[[str], None] | None,
) -> tuple[list[FeedInfo], int]:
    """One feed per outlet and day into ``archive``; returns the feeds and how many
    records were skipped for empty content."""
    feeds: list[FeedInfo] = []
    skipped = 0
    for day in days:
        records, empty = read_day(week_dir, day)
        skipped += empty
        for outlet, items in select_records(records, chosen, per_outlet_limit).items():
            body = render_feed(outlet, day, items)
            if len(body) > max_feed_bytes:
                raise WeekDataError(
                    f"feed {outlet} {day}: {len(body)} bytes is over the pipeline's "
                    f"max_feed_bytes ({max_feed_bytes}); pass a per-outlet limit"
                )
            url = feed_url(outlet, day)
            archive.write_response(
                url, 200, [("Content-Type", RSS_TYPE)], body, fetched_at=day_end(day)
            )
            feeds.append(FeedInfo(outlet, day, url, len(items), len(body)))
        if progress is not None:
            done = [f for f in feeds if f.day == day]
            progress(
                f"{day.isoformat()}: {sum(1 for f in done if f.items)} outlets, "
                f"{sum(f.items for f in done)} items"
            )
    return feeds, skipped


# --------------------------------------------------------------------------- catalogue


def catalogue_rows(outlets: Sequence[str]) -> list[dict[str, str]]:
    """One ``snn_<outlet>`` row per outlet, columns of ``CATALOGUE_COLUMNS``."""
    rows = []
    for outlet in outlets:
        name, site = OUTLETS.get(outlet, (outlet, ""))
        rows.append(
            {
                "source_id": f"snn_{outlet}",
                "name": name,
                "country": "SA",
                "feed_url": feed_url(outlet, DATE_PLACEHOLDER),
                "site_url": site.rstrip("/"),
                "enabled": "true",
                "min_delay_s": "0",
                "max_concurrency": "4",
                "respect_robots": "true",
                "language": "ar",
                "notes": "built feed: RSS built by Akhbar from SaudiNewsNet records "
                "(CC BY-NC-SA 4.0, Alhagri 2015), not a captured original; one feed per "
                "day ({date}); article pages absent (404), full text from the feed",
            }
        )
    return rows


def write_catalogue(path: Path, outlets: Sequence[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(CATALOGUE_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(catalogue_rows(outlets))
    return path


def resolve_catalogue(sources_csv: Path, run_date: str, out_csv: Path) -> Path:
    """Copy of a catalogue with ``{date}`` set to ``run_date`` in every feed_url,
    for code that fetches ``feed_url`` as is (e.g. ``akhbar run`` before the
    fetch stage calls :meth:`Source.feed_url_for`)."""
    from akhbar.pipeline.sources import read_sources

    with Path(sources_csv).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_id = {s.source_id: s for s in read_sources(Path(sources_csv), only_enabled=False)}
    for row in rows:
        source = by_id.get((row.get("source_id") or "").strip())
        if source is not None:
            row["feed_url"] = source.feed_url_for(run_date)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with out_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=list(rows[0]) if rows else list(CATALOGUE_COLUMNS), lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    return out_csv


# --------------------------------------------------------------------------- provenance


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(snapshot: WeekSnapshot, week_dir: Path, limit: int | None) -> str:
    """README.md of a built week: what is real, what is built, licence, counts."""
    lines = [
        "# Built news week (akhbar week-build)",
        "",
        "Generated by `akhbar week-build` (include/akhbar/ops/week.py); do not commit it.",
        "",
        f"* Input: SaudiNewsNet-format zips in `{week_dir.name}/` (real articles).",
        "* Licence of the articles: " + ATTRIBUTION + ". Non-commercial research use "
        "only; the articles belong to their newspapers.",
        f"* Built here: one RSS 2.0 document per outlet and day in `warc/{WARC_NAME}` "
        f"at `http://{FEED_HOST}/feeds/<outlet>/<YYYY-MM-DD>.xml`. These feeds are "
        "built by Akhbar, not captured originals: item link/guid = original article "
        "URL, pubDate = date_extracted read as Asia/Riyadh (+0300), description = "
        f"first ~{DESCRIPTION_CHARS} characters, content:encoded = full text. Records "
        "with empty content are skipped. Article pages are not archived (replay 404).",
        "* `sources.csv`: one `snn_<outlet>` row per outlet; feed_url has a `{date}` "
        "placeholder (Source.feed_url_for).",
        f"* Per-outlet limit: {limit if limit is not None else 'none'}; records skipped "
        f"for empty content: {snapshot.skipped_empty}.",
        "",
        "| input | sha256 |",
        "| --- | --- |",
    ]
    lines += [
        f"| {d.isoformat()}.zip | {_sha256(week_dir / f'{d.isoformat()}.zip')} |"
        for d in snapshot.days
    ]
    lines += [
        "",
        "| day | outlets with items | items | largest feed (bytes) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for day, (outlets, items) in snapshot.per_day().items():
        biggest = max((f.bytes for f in snapshot.feeds if f.day == day), default=0)
        lines.append(f"| {day.isoformat()} | {outlets} | {items} | {biggest} |")
    return "\n".join(lines) + "\n"
