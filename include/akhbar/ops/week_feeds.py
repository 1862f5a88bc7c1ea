"""SaudiNewsNet records in, per-outlet, per-day RSS 2.0 feeds out (``make week``).

A directory of SaudiNewsNet-format zips (``YYYY-MM-DD.zip`` holding
``YYYY-MM-DD.json``, an array of ``{source, url, date_extracted, title, author,
content}``) is read per day; each outlet's records of a day become one *built*
RSS feed (every channel says so; items keep the original article URL as
link/guid and carry the full text in ``content:encoded``). Output is
deterministic. :mod:`akhbar.ops.week` writes the feeds into a WARC.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

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


def select_records(
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


def day_end(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=RIYADH)


def outlets_in(week_dir: Path, days: Sequence[date]) -> list[str]:
    seen: set[str] = set()
    for day in days:
        seen.update(r.outlet for r in read_day(week_dir, day)[0])
    return sorted(seen)
