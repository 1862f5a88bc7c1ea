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
import html
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from akhbar.config import Settings
from akhbar.fetch.archive import WarcArchive
from akhbar.pipeline.sources import CATALOGUE_COLUMNS, DATE_PLACEHOLDER
from akhbar.sqlfiles import sql

if TYPE_CHECKING:
    import duckdb

FEED_HOST = "news-week.akhbar.test"
RSS_TYPE = "application/rss+xml; charset=utf-8"
RIYADH = timezone(timedelta(hours=3), "AST")  # Asia/Riyadh: +0300, no DST
DESCRIPTION_CHARS = 300
WARC_NAME = "news_week.warc.gz"
ATTRIBUTION = (
    "SaudiNewsNet records (Alhagri, M. A. (2015). Saudi Newspapers Arabic Corpus; "
    "CC BY-NC-SA 4.0; articles (c) their newspapers)"
)
#: SaudiNewsNet ``source`` -> (newspaper, site), from the upstream README table
#: (the records spell Arriyadiyah ``arriyadiyah``; the table ``arreyadiyah``).
OUTLETS: dict[str, tuple[str, str]] = {
    "aawsat": ("Al-Sharq Al-Awsat", "http://aawsat.com/"),
    "aleqtisadiya": ("Al-Eqtisadiya", "http://aleqt.com/"),
    "aljazirah": ("Al-Jazirah", "http://al-jazirah.com/"),
    "almadina": ("Al-Madina", "http://www.al-madina.com/"),
    "alriyadh": ("Al-Riyadh", "http://www.alriyadh.com/"),
    "alwatan": ("Al-Watan", "http://alwatan.com.sa/"),
    "alweeam": ("Al-Weeam", "http://alweeam.com.sa/"),
    "alyaum": ("Al-Yaum", "http://alyaum.com/"),
    "arreyadi": ("Arreyadi", "http://www.arreyadi.com.sa/"),
    "arreyadiyah": ("Arriyadiyah", "http://www.arreyadiyah.com/"),
    "arriyadiyah": ("Arriyadiyah", "http://www.arreyadiyah.com/"),
    "okaz": ("Okaz", "http://www.okaz.com.sa/"),
    "sabq": ("Sabq", "http://sabq.org/"),
    "was": ("Saudi Press Agency", "http://www.spa.gov.sa/"),
    "3alyoum": ("Ain Alyoum", "http://3alyoum.com/"),
}


class WeekDataError(ValueError):
    """The input cannot be built (missing directory or zip, bad record, bad range)."""


@dataclass(frozen=True)
class WeekRecord:
    """One SaudiNewsNet article with non-empty content."""

    outlet: str
    url: str
    published: datetime  # date_extracted read as Asia/Riyadh time
    title: str
    author: str
    content: str


@dataclass(frozen=True)
class FeedInfo:
    """One built feed document (an outlet on a day; zero items when it had none)."""

    outlet: str
    day: date
    url: str
    items: int
    bytes: int


@dataclass(frozen=True)
class WeekSnapshot:
    """What :func:`build_week_snapshot` wrote."""

    out_dir: Path
    warc: Path
    sources_csv: Path
    readme: Path
    days: tuple[date, ...]
    outlets: tuple[str, ...]
    feeds: tuple[FeedInfo, ...]
    skipped_empty: int  # records dropped for empty content

    @property
    def articles(self) -> int:
        return sum(f.items for f in self.feeds)

    @property
    def max_feed_bytes(self) -> int:
        return max((f.bytes for f in self.feeds), default=0)

    def per_day(self) -> dict[date, tuple[int, int]]:
        """Day -> (outlets with at least one item, items)."""
        out: dict[date, tuple[int, int]] = {}
        for day in self.days:
            feeds = [f for f in self.feeds if f.day == day]
            out[day] = (sum(1 for f in feeds if f.items), sum(f.items for f in feeds))
        return out


# --------------------------------------------------------------------------- inputs


def parse_days(spec: str) -> list[date]:
    """``2015-08-06..2015-08-11`` (inclusive), ``2015-08-06`` or a comma list."""
    days: list[date] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        first, sep, last = part.partition("..")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if sep else start
        except ValueError:
            raise WeekDataError(
                f"bad day range {spec!r}: expected YYYY-MM-DD..YYYY-MM-DD"
            ) from None
        if end < start:
            raise WeekDataError(f"bad day range {part!r}: {end} is before {start}")
        if (end - start).days > 366:
            raise WeekDataError(f"bad day range {part!r}: more than a year")
        days.extend(start + timedelta(days=i) for i in range((end - start).days + 1))
    if not days:
        raise WeekDataError(f"bad day range {spec!r}: no days")
    return sorted(set(days))


def feed_url(outlet: str, day: date | str) -> str:
    """URL of a built feed; with ``day='{date}'`` the catalogue template."""
    stamp = day.isoformat() if isinstance(day, date) else day
    return f"http://{FEED_HOST}/feeds/{outlet}/{stamp}.xml"


def _published(value: str, where: str) -> datetime:
    text = value.strip()
    try:  # "YYYY-MM-DD hh:mm:ss"; fromisoformat is ~10x faster than strptime
        if len(text) != 19:
            raise ValueError(text)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise WeekDataError(f"{where}: bad date_extracted {value!r}") from None
    return parsed.replace(tzinfo=RIYADH)


def read_day(week_dir: Path, day: date) -> tuple[list[WeekRecord], int]:
    """Records of ``week_dir/<day>.zip`` with content, in file order; and how many
    were skipped for empty content."""
    path = Path(week_dir) / f"{day.isoformat()}.zip"
    if not path.is_file():
        raise WeekDataError(f"no {path.name} in {week_dir} (SaudiNewsNet-format zips expected)")
    member = f"{day.isoformat()}.json"
    try:
        with zipfile.ZipFile(path) as archive:
            raw = json.loads(archive.read(member).decode("utf-8"))
    except KeyError:
        raise WeekDataError(f"{path}: no {member} inside") from None
    except (zipfile.BadZipFile, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WeekDataError(f"{path}: unreadable ({type(exc).__name__}: {exc})") from None
    if not isinstance(raw, list):
        raise WeekDataError(f"{path}: {member} is not a JSON array")
    records: list[WeekRecord] = []
    skipped = 0
    for i, item in enumerate(raw):
        where = f"{path.name}[{i}]"
        if not isinstance(item, dict) or not item.get("source") or not item.get("url"):
            raise WeekDataError(f"{where}: record without source or url")
        content = str(item.get("content") or "").strip()
        if not content:
            skipped += 1
            continue
        records.append(
            WeekRecord(
                outlet=str(item["source"]).strip(),
                url=str(item["url"]).strip(),
                published=_published(str(item.get("date_extracted") or ""), where),
                title=" ".join(str(item.get("title") or "").split()),
                author=" ".join(str(item.get("author") or "").split()),
                content=content,
            )
        )
    return records, skipped


# --------------------------------------------------------------------------- RSS


def _description(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= DESCRIPTION_CHARS:
        return flat
    cut = flat[:DESCRIPTION_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _content_html(text: str) -> str:
    """Full text as HTML paragraphs inside CDATA (escaped, so no ``]]>`` inside)."""
    paras = (" ".join(line.split()) for line in text.splitlines())
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras if p)
    return f"<![CDATA[{body}]]>"


def render_feed(outlet: str, day: date, records: Sequence[WeekRecord]) -> bytes:
    """RSS 2.0 document for one outlet-day, labelled as built by Akhbar."""
    name, site = OUTLETS.get(outlet, (outlet, ""))
    url = feed_url(outlet, day)
    out = io.StringIO()
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
    )
    w(f"<title>{escape(name)} {day.isoformat()} (built feed, not a captured original)</title>\n")
    w(f"<link>{escape(site)}</link>\n")
    w(f"<description>{escape(built_label(name, day))}</description>\n")
    w("<language>ar</language>\n<generator>akhbar.ops.week</generator>\n")
    w(f"<copyright>{escape(ATTRIBUTION)}</copyright>\n")
    if records:
        w(f"<lastBuildDate>{format_datetime(max(r.published for r in records))}</lastBuildDate>\n")
    w(f'<atom:link href={quoteattr(url)} rel="self" type="application/rss+xml"/>\n')
    for rec in records:
        w("<item>\n")
        if rec.title:
            w(f"<title>{escape(rec.title)}</title>\n")
        w(f"<link>{escape(rec.url)}</link>\n")
        w(f'<guid isPermaLink="true">{escape(rec.url)}</guid>\n')
        w(f"<pubDate>{format_datetime(rec.published)}</pubDate>\n")
        if rec.author:
            w(f"<dc:creator>{escape(rec.author)}</dc:creator>\n")
        w(f"<description>{escape(_description(rec.content))}</description>\n")
        w(f"<content:encoded>{_content_html(rec.content)}</content:encoded>\n")
        w("</item>\n")
    w("</channel>\n</rss>\n")
    return out.getvalue().encode("utf-8")


def built_label(name: str, day: date) -> str:
    return (
        f"Built by Akhbar from {ATTRIBUTION} for {name} on {day.isoformat()}; "
        "not a captured original feed. Links are the original article URLs; "
        "the full text is in content:encoded."
    )


# --------------------------------------------------------------------------- build


def _select(
    records: Sequence[WeekRecord], outlets: Sequence[str], limit: int | None
) -> dict[str, list[WeekRecord]]:
    """Per outlet: its first ``limit`` records in file order, newest first."""
    chosen: dict[str, list[WeekRecord]] = {o: [] for o in outlets}
    for rec in records:
        bucket = chosen.get(rec.outlet)
        if bucket is not None and (limit is None or len(bucket) < limit):
            bucket.append(rec)
    # Stable sort: items with the same timestamp keep their file order.
    return {o: sorted(rs, key=lambda r: r.published, reverse=True) for o, rs in chosen.items()}


def _day_end(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=RIYADH)


def _outlets_in(week_dir: Path, days: Sequence[date]) -> list[str]:
    seen: set[str] = set()
    for day in days:
        seen.update(r.outlet for r in read_day(week_dir, day)[0])
    return sorted(seen)


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
    if not week_dir.is_dir():
        raise WeekDataError(f"week directory {week_dir} does not exist")
    days = sorted(set(days))
    if not days:
        raise WeekDataError("no days to build")
    for day in days:  # fail on a missing zip before writing anything
        if not (week_dir / f"{day.isoformat()}.zip").is_file():
            raise WeekDataError(f"no {day.isoformat()}.zip in {week_dir}")
    if per_outlet_limit is not None and per_outlet_limit < 1:
        raise WeekDataError(f"per-outlet limit must be >= 1, got {per_outlet_limit}")
    chosen = sorted(set(outlets)) if outlets else _outlets_in(week_dir, days)
    if outlets and any(o not in OUTLETS for o in chosen):
        present = set(_outlets_in(week_dir, days))
        unknown = [o for o in chosen if o not in OUTLETS and o not in present]
        if unknown:
            raise WeekDataError(
                f"unknown outlet(s) {', '.join(unknown)}; known: "
                f"{', '.join(sorted(present | set(OUTLETS)))}"
            )
    warc_path = out_dir / "warc" / WARC_NAME
    info = {
        "isPartOf": "akhbar-news-week",
        "description": "Built by Akhbar (akhbar.ops.week) from "
        + ATTRIBUTION
        + "; RSS feeds are built, not captured originals; see README.md",
    }
    feeds: list[FeedInfo] = []
    skipped = 0
    archive = WarcArchive(warc_path, info=info, created_at=_day_end(days[-1]), deterministic=True)
    try:
        for day in days:
            records, empty = read_day(week_dir, day)
            skipped += empty
            for outlet, items in _select(records, chosen, per_outlet_limit).items():
                body = render_feed(outlet, day, items)
                if len(body) > max_feed_bytes:
                    raise WeekDataError(
                        f"feed {outlet} {day}: {len(body)} bytes is over the pipeline's "
                        f"max_feed_bytes ({max_feed_bytes}); pass a per-outlet limit"
                    )
                url = feed_url(outlet, day)
                archive.write_response(
                    url, 200, [("Content-Type", RSS_TYPE)], body, fetched_at=_day_end(day)
                )
                feeds.append(FeedInfo(outlet, day, url, len(items), len(body)))
            if progress is not None:
                done = [f for f in feeds if f.day == day]
                progress(
                    f"{day.isoformat()}: {sum(1 for f in done if f.items)} outlets, "
                    f"{sum(f.items for f in done)} items"
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


# --------------------------------------------------------------------------- report


def _query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]
) -> tuple[list[str], list[tuple]]:
    rel = con.execute(sql(f"reports/{name}"), params)
    return [d[0] for d in rel.description], rel.fetchall()


def week_tables(
    warehouse_path: Path, days: Sequence[date], *, top: int = 10
) -> dict[str, tuple[list[str], list[tuple]]]:
    """The three week reports as (headers, rows): ``per_day``, ``top_stories``,
    ``top_speakers``. The warehouse is opened read-only."""
    import duckdb

    path = Path(warehouse_path)
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}: run the week first")
    params: dict[str, object] = {"days": sorted(set(days))}
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "per_day": _query(con, "week_per_day", params),
            "top_stories": _query(con, "week_top_stories", {**params, "limit": top}),
            "top_speakers": _query(con, "week_top_speakers", {**params, "limit": top}),
        }
    finally:
        con.close()


def week_report(warehouse_path: Path, days: Sequence[date], *, top: int = 10) -> str:
    """Printable report: per day, the biggest cross-outlet stories, the speakers
    quoted by most outlets."""
    from akhbar.ops.report import _table  # the project's one plain-text table layout

    days = sorted(set(days))
    tables = week_tables(warehouse_path, days, top=top)
    headers, rows = tables["per_day"]
    # Outlets do not add up over days: the total row leaves them out.
    totals = tuple(
        "total" if h == "run_date" else "" if h == "outlets" else sum(r[i] for r in rows)
        for i, h in enumerate(headers)
    )
    out = [
        f"Week {days[0]}..{days[-1]} (warehouse {warehouse_path})",
        "",
        _table(headers, [*rows, totals]),
        "",
    ]
    out.append(f"Biggest cross-outlet stories (top {top}):")
    _, story_rows = tables["top_stories"]
    if not story_rows:
        out.append("  (no story spans two outlets)")
    last = None
    for rank, cluster, outlets, articles, first_day, _sid, outlet, title, _ in story_rows:
        if cluster != last:
            out.append(
                f"{rank:>3}. {outlets} outlets, {articles} articles, from {first_day}  [{cluster}]"
            )
            last = cluster
        out.append(f"       {outlet}: {title or '(untitled)'}")
    out += ["", f"Speakers quoted by most outlets (top {top}):"]
    headers, speaker_rows = tables["top_speakers"]
    out.append(_table(headers, speaker_rows) if speaker_rows else "  (no attributed quotes)")
    return "\n".join(out) + "\n"
