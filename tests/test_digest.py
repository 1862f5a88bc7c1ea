"""The HTML daily digest: self-contained, escaped, RTL; rendered in headless Chromium.

The browser tests use /usr/bin/chromium (Debian package ``chromium``; CI installs
it with ``apt-get install -y --no-install-recommends chromium fonts-noto-core``)
and skip when it is absent.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from akhbar.ops.digest import build_digest_html, render_digest
from analyst_warehouse import build_test_warehouse

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
