"""The HTML daily digest: self-contained, escaped, RTL; rendered in headless Chromium.

The browser tests use /usr/bin/chromium (Debian package ``chromium``; CI installs
it with ``apt-get install -y --no-install-recommends chromium fonts-noto-core``)
and skip when it is absent.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from akhbar.arabic.normalize import normalize_for_match
from akhbar.ops.digest import (
    build_digest_html,
    is_digest_noise,
    render_digest,
    top_entities,
    top_speakers,
)
from analyst_warehouse import Staging, article_row, build_test_warehouse
from helpers import SHARED, SNAPSHOT_RUN_DATE

RUN_DATE = date(2026, 8, 10)  # last day of the Shafaq items in the test warehouse
WIDTH, HEIGHT = 1200, 1600


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


CHROMIUM = _chromium()
needs_browser = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (apt-get install -y --no-install-recommends "
    "chromium fonts-noto-core)",
)


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    return build_test_warehouse(tmp_path_factory.mktemp("digest") / "w.duckdb")


@pytest.fixture(scope="module")
def page(wh, tmp_path_factory) -> Path:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return render_digest(con, RUN_DATE, tmp_path_factory.mktemp("html") / "digest.html")
    finally:
        con.close()


def test_page_is_self_contained_rtl_utf8(page):
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert '<html lang="ar" dir="rtl">' in text
    assert '<meta charset="utf-8">' in text
    assert "<script" not in text and "<link" not in text and "<img" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "url(" not in text and "@import" not in text
    # content: entity, speaker with a quote, the SVG chart, new clusters, health
    assert "ديالى" in text and "عدنان الشمري" in text
    assert "<blockquote>«" in text
    assert text.count("<svg") == 1 and "<rect" in text
    assert "قصص جديدة" in text and "dead" in text
    assert not list(page.parent.glob(".*.tmp"))


def test_every_value_is_escaped(wh, tmp_path):
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(wh, copy)
    con = duckdb.connect(str(copy))
    # constructed hostile values (not real text): markup in a speaker, a quote and a title
    con.execute(
        "INSERT INTO fact_quote VALUES ('2dc22f8838c36cf9', 99, DATE '2026-08-10', 'direct',"
        " '<script>alert(1)</script>', NULL, 'قال', 'x\" onmouseover=\"alert(2) & <u>', 0, 1, 'person')"
    )
    con.execute(
        "UPDATE fact_article SET title = '<img src=x onerror=alert(3)>' "
        "WHERE article_id = '2dc22f8838c36cf9'"
    )
    html_text = build_digest_html(con, RUN_DATE)
    assert "<script>" not in html_text and "<img" not in html_text and "<u>" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "&lt;img src=x onerror=alert(3)&gt;" in html_text
    assert "&quot; onmouseover=&quot;alert(2) &amp; &lt;u&gt;" in html_text


def test_empty_warehouse_still_renders(tmp_path):
    from akhbar.warehouse.migrate import connect

    con = connect(tmp_path / "empty.duckdb")
    out = render_digest(con, RUN_DATE, tmp_path / "d.html")
    text = out.read_text(encoding="utf-8")
    assert "لا مقالات في آخر 14 يوماً" in text and '<html lang="ar" dir="rtl">' in text


# --- headless Chromium -----------------------------------------------------------


def _run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    cmd = [
        CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Minimal PNG decoder (8-bit RGB/RGBA, non-interlaced): width, height, rows."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line) if channels == 3 else bytes(
            v for k in range(width) for v in line[k * 4 : k * 4 + 3]
        ))  # fmt: skip
        prev = line
    return width, height, rows


@needs_browser
@pytest.mark.browser
def test_screenshot_is_rendered_and_right_to_left(page, tmp_path):
    png = tmp_path / "digest.png"
    proc = _run_chromium(
        [f"--screenshot={png}", f"--window-size={WIDTH},{HEIGHT}", page.resolve().as_uri()],
        tmp_path / "profile",
    )
    assert png.exists(), proc.stderr[-2000:]
    width, height, rows = read_png(png)
    assert (width, height) == (WIDTH, HEIGHT)
    colours: set[bytes] = set()
    ink = 0
    for row in rows[::4]:
        for x in range(0, width * 3, 12):
            px = row[x : x + 3]
            colours.add(px)
            ink += min(px) < 200
    assert len(colours) > 50, "screenshot looks blank"
    assert ink > 2000, "too little ink: page did not render"
    # RTL: the h1 title (dark text on white, top band) sits against the right edge
    dark_x = [
        x // 3 for row in rows[20:80] for x in range(0, width * 3, 3) if max(row[x : x + 3]) < 90
    ]
    assert dark_x, "no title text found"
    assert min(dark_x) > width * 0.4 and max(dark_x) > width * 0.9


@needs_browser
@pytest.mark.browser
def test_dom_direction_is_rtl(page, tmp_path):
    # a copy with a probe script (the digest itself has no scripts)
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.body.setAttribute('data-probe', [document.dir,"
            " getComputedStyle(document.body).direction,"
            " getComputedStyle(document.querySelector('h2')).textAlign,"
            " document.characterSet].join('|'));</script></body>",
        ),
        encoding="utf-8",
    )
    proc = _run_chromium(["--dump-dom", probe.resolve().as_uri()], tmp_path / "profile")
    m = re.search(r'data-probe="([^"]+)"', proc.stdout)
    assert m, proc.stderr[-2000:]
    doc_dir, computed, align, charset = m.group(1).split("|")
    assert (doc_dir, computed, charset) == ("rtl", "rtl", "UTF-8")
    assert align in {"start", "right"}
    assert "موجز أخبار" in proc.stdout


# --- noise in the rankings: outlet names and generic nouns (issue 13) ---------------

# Written out independently of akhbar.arabic.rules.digest_noise (folded forms): outlets
# of the snapshot and of news_week that are not places, and generic one-word nouns.
NOT_RANKED = {
    normalize_for_match(name).replace(" ", "")
    for name in (
        "شفق نيوز", "شفقنيوز", "نيوز", "رويترز", "وكالة رويترز", "فرانس برس", "أ ف ب",
        "الأناضول", "وكالة الأناضول", "واس", "عكاظ", "سبق", "عين اليوم", "الاقتصادية",
        "قناة الجزيرة", "صحيفة الشرق الأوسط", "المصدر", "المصادر", "الهيئة", "الوزارة",
        "الحكومة", "المرصد", "الجيش",
    )
}  # fmt: skip


DATELINE_SOURCES = "SELECT DISTINCT dateline_source FROM fact_article"


def _names(rows: list[dict], field: str) -> list[str]:
    return [normalize_for_match(str(r[field])).replace(" ", "") for r in rows]


def _section_text(html_text: str, heading: str) -> str:
    start = html_text.index(heading)
    return html_text[start : html_text.index("</section>", start)]


def test_filters_outlets_and_generic_nouns_by_type() -> None:
    assert is_digest_noise("نيوز", "LOC") and is_digest_noise("شفقنيوز", "ORG")
    assert is_digest_noise("وكالة رويترز", "ORG") and is_digest_noise("الهيئة", "ORG")
    # a place that is also a daily: kept as a place, dropped as an outlet
    assert not is_digest_noise("الشرق الأوسط", "LOC") and is_digest_noise("الشرق الأوسط", "ORG")
    assert is_digest_noise("صحيفة الشرق الأوسط", "LOC")  # the noun says it is the daily
    assert not is_digest_noise("الرياض", "LOC") and is_digest_noise("الرياض", "ORG")
    assert not is_digest_noise("بغداد", "LOC") and not is_digest_noise("هيئة النزاهة", "ORG")


def test_snapshot_digest_ranks_no_outlet_and_no_generic_noun(snapshot_warehouse: Path) -> None:
    """The `make run` snapshot: شفق نيوز (ORG, every Shafaq item's dateline) was the most
    mentioned entity before the rankings dropped outlets."""
    day = date.fromisoformat(SNAPSHOT_RUN_DATE)
    con = duckdb.connect(str(snapshot_warehouse), read_only=True)
    try:
        entities = top_entities(con, day, 20)
        speakers = top_speakers(con, day, 20)
        page_html = build_digest_html(con, day)
        sources = {r[0] for r in con.execute(DATELINE_SOURCES).fetchall()}
    finally:
        con.close()
    assert entities and speakers
    assert not NOT_RANKED & set(_names(entities, "entity_name")), entities
    assert not NOT_RANKED & set(_names(speakers, "speaker_name")), speakers
    assert "بغداد" in [r["entity_name"] for r in entities]  # places still rank
    shown = _section_text(page_html, "أكثر الكيانات ذكراً") + _section_text(
        page_html, "أكثر المتحدثين اقتباساً"
    )
    assert "شفق نيوز" not in shown and "نيوز" not in shown
    assert "شفقنيوز" not in sources  # one spelling per outlet in dateline_source


NEWS_WEEK_DAY = SHARED / "corpus" / "news_week" / "dataset" / "2015-08-07.zip"
NEWS_WEEK_ARTICLES = 100  # a fixed sample of the day keeps the test to a few seconds


@pytest.fixture(scope="module")
def news_week_wh(tmp_path_factory) -> Path:
    """A warehouse of one news_week day: analyze() (entities, quotes, datelines) on a
    fixed sample of its articles (the smallest SHA-1 of the URL), loaded by the real load."""
    if not NEWS_WEEK_DAY.exists():
        pytest.skip("../shared/corpus/news_week not available")
    from akhbar.arabic.analyze import analyze
    from akhbar.config import load_settings
    from akhbar.pipeline.run import Run
    from akhbar.warehouse.load import load_run

    with zipfile.ZipFile(NEWS_WEEK_DAY) as archive:
        records = json.loads(archive.read(archive.namelist()[0]))
    records = [r for r in records if (r.get("content") or "").strip()]
    records.sort(key=lambda r: hashlib.sha1(r["url"].encode()).hexdigest())
    root = tmp_path_factory.mktemp("news_week")
    settings = replace(load_settings(), data_dir=root / "data", warehouse=root / "w.duckdb")
    staging = Staging()
    outlets = _stage_news_week(staging, records[:NEWS_WEEK_ARTICLES], analyze)
    (day,) = staging.write(settings, sources=outlets)
    load_run(Run.of(day, settings, run_id=f"test__{day}"))
    return settings.warehouse


def _stage_news_week(staging: Staging, records: list[dict], analyze) -> list[tuple[str, ...]]:
    """The records as the extract step stages them (its ``*_ok`` files), for the real
    load; returns their outlets as catalogue rows."""
    day = date(2015, 8, 7)
    riyadh = timezone(timedelta(hours=3))
    for rec in records:
        aid = hashlib.sha1(rec["url"].encode()).hexdigest()[:16]
        source, text = rec["source"], rec["content"]
        published = datetime.strptime(rec["date_extracted"], "%Y-%m-%d %H:%M:%S")
        published = published.replace(tzinfo=riyadh)
        result = analyze(text, published=published.replace(tzinfo=None))
        line = result.dateline
        staging.add(day, "articles_ok", source, article_row(
            aid, source, day, rec["url"], rec["title"], published, published, text, "feed",
            line.place if line else None, line.source if line else None,
        ))  # fmt: skip
        for i, e in enumerate(result.entities):
            staging.add(day, "mentions_ok", source, {
                "article_id": aid, "mention_idx": i, "text": e.text, "type": e.type,
                "start": e.start, "end": e.end, "entity_id": e.entity_id, "method": "ner",
            })  # fmt: skip
        for i, q in enumerate(result.quotes):
            staging.add(day, "quotes_ok", source, {
                "article_id": aid, "quote_idx": i, "kind": q.kind, "speaker": q.speaker,
                "speaker_entity_id": q.speaker_entity_id, "cue": q.cue, "text": q.text,
                "start": q.start, "end": q.end, "speaker_kind": q.speaker_kind,
            })  # fmt: skip
    outlets = sorted({r["source"] for r in records})
    return [
        (o, o, "SA", f"http://news-week.akhbar.test/feeds/{o}/{{date}}.xml", "") for o in outlets
    ]


def test_news_week_day_digest_ranks_no_outlet_and_no_generic_noun(news_week_wh: Path) -> None:
    """Deeper than the page's ten rows: on this sample the outlet الجزيرة (ORG) and the
    generic الهيئة rank about 25th and 30th among raw entities."""
    day = date(2015, 8, 7)
    con = duckdb.connect(str(news_week_wh), read_only=True)
    try:
        entities = top_entities(con, day, 40)
        places = [r for r in top_entities(con, day, 400) if r["entity_type"] == "LOC"]
        speakers = top_speakers(con, day, 100)
        page_html = build_digest_html(con, day)
        sources = {r[0] for r in con.execute(DATELINE_SOURCES).fetchall()}
    finally:
        con.close()
    assert len(entities) == 40 and len(places) >= 20 and len(speakers) >= 20
    for rows, field in (
        (entities, "entity_name"),
        (places, "entity_name"),
        (speakers, "speaker_name"),
    ):
        assert not NOT_RANKED & set(_names(rows, field)), rows
    # the region counts without its mentions as the daily (وقال مصدر لـ«الشرق الأوسط»)
    region = next(r for r in places if _names([r], "entity_name") == ["الشرقالاوسط"])
    assert 0 < region["mentions"] < region["all_mentions"]
    shown = _section_text(page_html, "أكثر المتحدثين اقتباساً")
    assert "صلى الله عليه وسلم" not in shown and "الله تعالى" not in shown
    assert "شفقنيوز" not in sources and "مكتب الجزيرة" not in sources
