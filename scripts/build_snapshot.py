#!/usr/bin/env python
"""Build the offline snapshot (``snapshot/``) and the live catalogue (``seeds/sources.csv``).

Input is the read-only real data in ``../shared`` (see its READMEs). Output is
deterministic: WARC record ids are uuid5 of the URL, WARC dates come from the
data, gzip headers carry no timestamp, so rebuilding gives byte-identical files.

    .venv/bin/python scripts/build_snapshot.py [--shared ../shared] [--out snapshot]
                                               [--seeds seeds/sources.csv]

What is real and what is built by this project is listed in ``snapshot/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "include"))

from akhbar.fetch.archive import WarcArchive  # noqa: E402
from akhbar.pipeline.sources import CATALOGUE_COLUMNS  # noqa: E402

COLUMNS = list(CATALOGUE_COLUMNS)
RSS_TYPE = "application/rss+xml; charset=utf-8"
SNAPSHOT_DELAY_S = "0.2"  # replay is local; the live catalogue uses LIVE_DELAY_S
LIVE_DELAY_S = "1.0"
HTMLDATE = "adbar/htmldate@b8952828329abaeeb3be21387b526f2be614ce67"


@dataclass(frozen=True)
class PageSpec:
    """A real page in ``corpus/pages`` and the snapshot source built around it."""

    page: str  # file stem in corpus/pages
    source_id: str
    name: str
    country: str
    language: str
    origin: str  # repo@commit:path of the HTML
    licence: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "cnn_arabic_1",
        "cnn_arabic",
        "CNN Arabic",
        "",
        "ar",
        "AndyTheFactory/newspaper4k@540bff3e8344cb8291c4829fafd98860f30d9692:"
        "tests/data/html/arabic_article.html",
        "MIT (newspaper4k); page content (c) CNN",
    ),
    PageSpec(
        "assabah_1",
        "assabah",
        "Assabah (Tunisia)",
        "TN",
        "ar",
        "adbar/trafilatura@e90b0ef51ab026fdb905fb6c5b3c84dd3d784fd5:"
        "tests/eval/assabah.com.tn.article.html",
        "Apache-2.0 (trafilatura); page content (c) Assabah",
    ),
    PageSpec(
        "sputniknews_arabic_1",
        "sputnik_arabic",
        "Sputnik Arabic",
        "RU",
        "ar",
        f"{HTMLDATE}:tests/test_set/1550981615.html",
        "Apache-2.0 (htmldate); page content (c) Sputnik",
    ),
    PageSpec(
        "akhbarelyom_1",
        "akhbarelyom",
        "Akhbar El Yom (Egypt)",
        "EG",
        "ar",
        f"{HTMLDATE}:tests/test_set/1731695567.html",
        "Apache-2.0 (htmldate); page content (c) Akhbar El Yom",
    ),
    PageSpec(
        "almadenahnews_1",
        "almadenahnews",
        "Al Madenah News (Jordan)",
        "JO",
        "ar",
        f"{HTMLDATE}:tests/test_set/1588107198.html",
        "Apache-2.0 (htmldate); page content (c) Al Madenah News",
    ),
    PageSpec(
        "alyaum_1",
        "alyaum",
        "Alyaum (Saudi Arabia)",
        "SA",
        "ar",
        f"{HTMLDATE}:tests/test_set/1784190729.html",
        "Apache-2.0 (htmldate); page content (c) Alyaum",
    ),
    PageSpec(
        "elbaladtv_1",
        "elbaladtv",
        "Sada El Balad (elbaladtv.net)",
        "EG",
        "ar",
        f"{HTMLDATE}:tests/test_set/1806793639.html",
        "Apache-2.0 (htmldate); page content (c) Sada El Balad",
    ),
    PageSpec(
        "yjc_fa_1",
        "yjc_fa",
        "Young Journalists Club (Persian)",
        "IR",
        "fa",
        f"{HTMLDATE}:tests/test_set/1602557452.html",
        "Apache-2.0 (htmldate); page content (c) YJC",
    ),
    PageSpec(
        "aryanews_fa_1",
        "aryanews_fa",
        "Arya News (Persian)",
        "",
        "fa",
        f"{HTMLDATE}:tests/test_set/1641304459.html",
        "Apache-2.0 (htmldate); page content (c) Arya News",
    ),
)

SHAFAQ_ORIGIN = "savio-lraq/news-automation@63995f469120717e3dcaaecc3a229126ba25022d"
ALALAM_FEED = "https://www.alalam.ir/akhbar-snapshot/rss.xml"
ALALAM_LINK = "https://www.alalam.ir/akhbar-snapshot/000_ef5b854259b45142"
#: Moscow talks 13 Jan 2020; Haftar left Moscow on the 14th without signing.
ALALAM_DATE = datetime(2020, 1, 14, tzinfo=UTC)


# --------------------------------------------------------------------------- helpers


class _Meta(HTMLParser):
    """Collect <title>, <meta> and the declared charset of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self._in_title = False
        self.meta: dict[str, str] = {}
        self.charset = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "title" and not self.title:
            self._in_title = True
        elif tag != "meta" and a.get("property") == "dc:date" and a.get("content"):
            self.meta.setdefault("dc:date", a["content"])  # RDFa date (Drupal)
        elif tag == "meta":
            if not self.charset and a.get("charset"):
                self.charset = a["charset"].strip()
            if not self.charset and a.get("http-equiv", "").lower() == "content-type":
                m = re.search(r"charset=([\w-]+)", a.get("content", ""), re.I)
                if m:
                    self.charset = m.group(1)
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and key not in self.meta and "content" in a:
                self.meta[key] = a["content"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def page_meta(raw: bytes) -> _Meta:
    parser = _Meta()
    parser.feed(raw.decode("utf-8", errors="replace"))
    parser.close()
    return parser


def _clean(text: str) -> str:
    return " ".join(html.unescape(text).split())


def rfc822(dt: datetime) -> str:
    """RFC 822 date keeping the source's UTC offset (``+0100`` for Assabah)."""
    return format_datetime(dt)


def _iso(value: str) -> datetime | None:
    """Timezone-aware ISO 8601 timestamp, else ``None`` (naive/local dates are ambiguous)."""
    v = value.strip().replace("Z", "+00:00")
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        return None
    return dt if dt.tzinfo else None


def _iso_utc(value: str) -> datetime | None:
    dt = _iso(value)
    return dt.astimezone(UTC) if dt else None


def page_pubdate(spec: PageSpec, meta: _Meta, info: dict[str, object]) -> datetime:
    """Gold ``publication_date`` (htmldate set), refined by an ISO timestamp of the
    page on the same UTC day; else the page's own ISO date (Assabah: ``dc:date``);
    else (CNN) the date in its URL path ``/2013/…/8/3/``."""
    gold = info.get("publication_date")
    if isinstance(gold, str) and gold:
        day = datetime.strptime(gold, "%Y-%m-%d").replace(tzinfo=UTC)
        for key in ("article:published_time", "pubdate", "datepublished"):
            ts = _iso_utc(meta.meta.get(key, ""))
            if ts is not None and ts.date() == day.date():
                return ts
        return day
    for key in ("article:published_time", "pubdate", "datepublished", "dc:date"):
        ts = _iso(meta.meta.get(key, ""))
        if ts is not None:
            return ts
    m = re.search(r"/(\d{4})/[^/]+/(\d{1,2})/(\d{1,2})/", str(info["url"]))
    if not m:
        raise ValueError(f"{spec.page}: no publication date")
    y, mo, d = (int(g) for g in m.groups())
    return datetime(y, mo, d, tzinfo=UTC)


@dataclass
class Item:
    title: str
    link: str
    pub_date: str
    description: str = ""
    cdata: bool = False
    image: str = ""


@dataclass
class Feed:
    url: str
    title: str
    site: str
    description: str
    language: str
    items: list[Item] = field(default_factory=list)
    last_build: str = ""


def render_rss(feed: Feed) -> bytes:
    """RSS 2.0 document, one item per line group, UTF-8."""
    out = io.StringIO()
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n')
    w(
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:media="http://search.yahoo.com/mrss/">\n'
    )
    w("<channel>\n")
    w(f"<title>{escape(feed.title)}</title>\n")
    w(f"<link>{escape(feed.site)}</link>\n")
    w(f"<description>{escape(feed.description)}</description>\n")
    w(f"<language>{escape(feed.language)}</language>\n")
    if feed.last_build:
        w(f"<lastBuildDate>{escape(feed.last_build)}</lastBuildDate>\n")
    w(f'<atom:link href={quoteattr(feed.url)} rel="self" type="application/rss+xml"/>\n')
    for it in feed.items:
        w("<item>\n")
        w(f"<title>{escape(it.title)}</title>\n")
        w(f"<link>{escape(it.link)}</link>\n")
        w(f'<guid isPermaLink="true">{escape(it.link)}</guid>\n')
        w(f"<pubDate>{escape(it.pub_date)}</pubDate>\n")
        if it.description:
            if it.cdata and "]]>" not in it.description:
                w(f"<description><![CDATA[{it.description}]]></description>\n")
            else:
                w(f"<description>{escape(it.description)}</description>\n")
        if it.image:
            ext = it.image.rsplit(".", 1)[-1].lower()
            mime = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}.get(
                ext, f"image/{ext}"
            )
            w(f'<enclosure url={quoteattr(it.image)} length="0" type="{mime}"/>\n')
            w(f'<media:content url={quoteattr(it.image)} medium="image" type="{mime}"/>\n')
        w("</item>\n")
    w("</channel>\n</rss>\n")
    return out.getvalue().encode("utf-8")


def site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _row(**kw: str) -> dict[str, str]:
    return {c: kw.get(c, "") for c in COLUMNS}


# --------------------------------------------------------------------------- build


def _write_warc(
    path: Path, source_id: str, records: list[tuple[str, str, bytes, datetime]]
) -> None:
    created = max(r[3] for r in records)
    info = {
        "isPartOf": "akhbar-snapshot",
        "description": f"Akhbar offline snapshot, source {source_id}; provenance in "
        "snapshot/README.md",
    }
    with WarcArchive(path, info=info, created_at=created, deterministic=True) as warc:
        for url, ctype, body, fetched in records:
            warc.write_response(url, 200, [("Content-Type", ctype)], body, fetched_at=fetched)


def build(shared: Path, out: Path, seeds_csv: Path | None = None) -> list[dict[str, str]]:
    """Write ``out/warc/*.warc.gz`` and ``out/sources.csv`` (and ``seeds_csv``)."""
    corpus = shared / "corpus"
    warc_dir = out / "warc"
    if warc_dir.exists():
        shutil.rmtree(warc_dir)
    warc_dir.mkdir(parents=True)
    live = list(csv.DictReader((corpus / "sources.csv").open(encoding="utf-8", newline="")))
    live_by_host: dict[str, dict[str, str]] = {}
    for r in live:
        for u in (r["feed_url"], r["site_url"]):
            live_by_host.setdefault(_host(u), r)

    rows: list[dict[str, str]] = []
    prov: list[tuple[str, str, str, str, str]] = []  # warc, url, part, origin, licence

    # ---- Shafaq News: 30 real feed items -> one RSS document.
    items = [
        json.loads(p.read_text("utf-8"))
        for p in sorted((corpus / "feeds/derived_items/shafaq").glob("shafaq_*.json"))
    ]
    feed_urls = {i["source_rss"] for i in items}
    if len(feed_urls) != 1:
        raise ValueError(f"shafaq items name several feeds: {feed_urls}")
    shafaq_url = feed_urls.pop()
    items.sort(key=lambda i: (parsedate_to_datetime(i["published_at"]), i["id"]), reverse=True)
    shafaq_row = next((r for r in live if r["feed_url"] == shafaq_url), None)
    feed = Feed(
        url=shafaq_url,
        title="Shafaq News (Arabic, society section)",
        site="https://shafaq.com/ar",
        description="Akhbar offline snapshot: RSS document rebuilt by the Akhbar project from "
        "30 real items of this feed (see snapshot/README.md)",
        language="ar",
        last_build=items[0]["published_at"],
        items=[
            Item(
                title=i["title"],
                link=i["link"],
                pub_date=i["published_at"],
                description=i["description"],
                cdata=True,
                image=i.get("image_url") or "",
            )
            for i in items
        ],
    )
    fetched = max(
        datetime.fromisoformat(i["fetched_at_utc"].replace("Z", "+00:00")) for i in items
    ).replace(microsecond=0)
    _write_warc(
        warc_dir / "shafaq.warc.gz", "shafaq", [(shafaq_url, RSS_TYPE, render_rss(feed), fetched)]
    )
    origin_of = {}
    index_tsv = corpus / "feeds/derived_items/shafaq/_index.tsv"
    for line in index_tsv.read_text("utf-8").splitlines()[1:]:
        name, origin_path, *_ = line.split("\t")
        origin_of[name.removeprefix("shafaq_").removesuffix(".json")] = origin_path
    prov.append(
        (
            "shafaq.warc.gz",
            shafaq_url,
            "RSS document (built by Akhbar from the items below)",
            "scripts/build_snapshot.py",
            "Apache-2.0 (Akhbar)",
        )
    )
    for i in items:
        prov.append(
            (
                "shafaq.warc.gz",
                i["link"],
                "feed item: title, link, description, pubDate, image",
                f"{SHAFAQ_ORIGIN}:{origin_of[i['id']]}",
                "no licence stated; content (c) Shafaq News",
            )
        )
    rows.append(
        _row(
            source_id="shafaq",
            name="Shafaq News (Arabic, society section)",
            country="IQ",
            feed_url=shafaq_url,
            site_url="https://shafaq.com/ar",
            language="ar",
            notes="snapshot: feed rebuilt from 30 real items "
            f"({SHAFAQ_ORIGIN}:out/news/); article pages absent (404)"
            + (f"; live row {shafaq_row['source_id']}" if shafaq_row else ""),
        )
    )

    # ---- Real article pages, each with a one-item feed built from its metadata.
    for spec in PAGES:
        raw = (corpus / "pages" / f"{spec.page}.html").read_bytes()
        info = json.loads((corpus / "pages" / f"{spec.page}.json").read_text("utf-8"))
        url = str(info["url"])
        meta = page_meta(raw)
        charset = (meta.charset or "utf-8").lower()
        title = _clean(meta.meta.get("og:title") or meta.title)
        if not title:
            raise ValueError(f"{spec.page}: no title")
        desc = _clean(meta.meta.get("og:description") or meta.meta.get("description") or "")
        pub = page_pubdate(spec, meta, info)
        site = site_root(url)
        live_row = live_by_host.get(_host(url))
        if live_row is not None:
            feed_url = live_row["feed_url"]
            feed_note = f"feed URL from corpus/sources.csv row {live_row['source_id']}"
        else:
            feed_url = f"https://{urlsplit(url).hostname}/akhbar-snapshot/rss.xml"
            feed_note = "feed URL is a placeholder under /akhbar-snapshot/"
        feed = Feed(
            url=feed_url,
            title=spec.name,
            site=site + "/",
            description="Akhbar offline snapshot: one-item feed built by the Akhbar project "
            "from the real page's metadata (see snapshot/README.md)",
            language=spec.language,
            last_build=rfc822(pub),
            items=[Item(title=title, link=url, pub_date=rfc822(pub), description=desc)],
        )
        _write_warc(
            warc_dir / f"{spec.source_id}.warc.gz",
            spec.source_id,
            [
                (feed_url, RSS_TYPE, render_rss(feed), pub),
                (url, f"text/html; charset={charset}", raw, pub),
            ],
        )
        prov.append(
            (
                f"{spec.source_id}.warc.gz",
                feed_url,
                "one-item RSS (built by Akhbar from page "
                "metadata: og:title/title, og:description, date)",
                "scripts/build_snapshot.py",
                "Apache-2.0 (Akhbar); quoted title/description (c) the publisher",
            )
        )
        prov.append(
            (
                f"{spec.source_id}.warc.gz",
                url,
                "article page HTML, byte-exact",
                spec.origin,
                spec.licence,
            )
        )
        rows.append(
            _row(
                source_id=spec.source_id,
                name=spec.name,
                country=spec.country,
                feed_url=feed_url,
                site_url=site,
                language=spec.language,
                notes=f"snapshot: real page {spec.origin}; one-item feed built from its "
                f"metadata; {feed_note}",
            )
        )

    # ---- The seed article (Al-Alam): feed text only, page absent.
    text = (shared / "seed" / "000_ef5b854259b45142.txt").read_text("utf-8")
    body_lines = [ln for ln in text.splitlines() if ln.strip()][1:]  # drop the dateline
    first = re.split(r"(?<=[.!؟?])", body_lines[0], maxsplit=1)[0]
    title = first.rstrip(".").strip()
    feed = Feed(
        url=ALALAM_FEED,
        title="Al-Alam News Network",
        site="https://www.alalam.ir/",
        description="Akhbar offline snapshot: feed built by the Akhbar project around the "
        "project's seed article; URLs are placeholders (see snapshot/README.md)",
        language="ar",
        last_build=rfc822(ALALAM_DATE),
        items=[Item(title=title, link=ALALAM_LINK, pub_date=rfc822(ALALAM_DATE), description=text)],
    )
    _write_warc(
        warc_dir / "alalam.warc.gz",
        "alalam",
        [(ALALAM_FEED, RSS_TYPE, render_rss(feed), ALALAM_DATE)],
    )
    prov.append(
        (
            "alalam.warc.gz",
            ALALAM_FEED,
            "one-item RSS (built by Akhbar; placeholder URLs; "
            "description = seed article text verbatim)",
            "shared/seed/000_ef5b854259b45142.txt",
            "seed article (c) Al-Alam; feed Apache-2.0 (Akhbar)",
        )
    )
    rows.append(
        _row(
            source_id="alalam",
            name="Al-Alam News Network",
            country="IR",
            feed_url=ALALAM_FEED,
            site_url="https://www.alalam.ir",
            language="ar",
            notes="snapshot: seed article (shared/seed/000_ef5b854259b45142.txt) as full-text "
            "item; feed and article URLs are placeholders; page absent (404)",
        )
    )

    for r in rows:
        r.update(
            enabled="true",
            min_delay_s=SNAPSHOT_DELAY_S,
            max_concurrency="1",
            respect_robots="true",
        )
    _write_csv(out / "sources.csv", rows)
    with (out / "PROVENANCE.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("warc\turl\tpart\torigin\tlicence\n")
        for rec in prov:
            fh.write("\t".join(rec) + "\n")

    if seeds_csv is not None:
        live_rows = [
            _row(
                source_id=r["source_id"],
                name=r["name"],
                country=r["country"],
                feed_url=r["feed_url"],
                site_url=r["site_url"],
                enabled="true",
                min_delay_s=LIVE_DELAY_S,
                max_concurrency="1",
                respect_robots="true",
                language="ar",
                notes=r["found_in"],
            )
            for r in live
        ]
        if shafaq_row is None:
            live_rows.append(
                _row(
                    source_id="shafaq",
                    name="Shafaq News (Arabic, society section)",
                    country="IQ",
                    feed_url=shafaq_url,
                    site_url="https://shafaq.com/ar",
                    enabled="true",
                    min_delay_s=LIVE_DELAY_S,
                    max_concurrency="1",
                    respect_robots="true",
                    language="ar",
                    notes=f"{SHAFAQ_ORIGIN}:fetch_rss_github.py",
                )
            )
        _write_csv(seeds_csv, live_rows)
    return rows


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "snapshot")
    ap.add_argument("--seeds", type=Path, default=REPO_ROOT / "seeds" / "sources.csv")
    ap.add_argument("--no-seeds", action="store_true", help="do not write the live catalogue")
    args = ap.parse_args(argv)
    rows = build(args.shared, args.out, None if args.no_seeds else args.seeds)
    size = sum(p.stat().st_size for p in (args.out / "warc").iterdir())
    print(f"snapshot: {len(rows)} sources, {size} bytes of WARC in {args.out / 'warc'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
