"""GX Data Docs open offline: headless Chromium on file://, with networking made unavailable.

The gates run in this process on real rows (tests/fixtures/quality); the site is built in
a separate process, as the pipeline's load/maintenance task does, so the suite pages must
come from the suite definitions, not from what happens to be cached in memory.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_digest import read_png
from test_quality_stages import NOW, RUN, articles_df, entries_df

from akhbar.quality import suites, validate_stage

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not installed (make system-deps)"
)
N_SUITES = len(suites.SUITES) + len(suites.WAREHOUSE_CHECKS) + 1  # + warehouse volume


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = tmp_path_factory.mktemp("quality")
    df = entries_df()
    df.loc[0, "url"] = None  # one url_missing failure
    validate_stage("entries", df, run_date=RUN, now=NOW, results_dir=results)
    validate_stage("articles", articles_df(), run_date=RUN, now=NOW, results_dir=results)
    code = (  # INFO logging on, as in an Airflow task: GX's temp-dir line must not show
        "import logging, sys; logging.basicConfig(level=logging.INFO); "
        "from pathlib import Path; from akhbar.quality import build_data_docs; "
        "print(build_data_docs(Path(sys.argv[1])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(results)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "Created temporary directory" not in out.stderr + out.stdout
    assert "data docs: " in out.stderr  # INFO lines do get through
    index = Path(out.stdout.strip().splitlines()[-1])
    assert index == results / "data_docs" / "index.html"
    return index.parent


def test_every_suite_page_exists_and_index_links_resolve(site: Path) -> None:
    pages = sorted(p.stem for p in (site / "expectations").glob("*.html"))
    assert len(pages) == N_SUITES and all(p.startswith("akhbar_") for p in pages)
    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#]+)"', index)
    assert len([h for h in links if h.endswith(".html")]) == N_SUITES + 2
    for href in links:
        assert (site / unquote(href)).is_file(), href


def test_no_page_loads_anything_remote(site: Path) -> None:
    remote = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)="https?://', re.I)
    for page in site.rglob("*.html"):
        assert not remote.search(page.read_text(encoding="utf-8")), page


def test_validation_pages_name_the_run_and_the_asset(site: Path) -> None:
    page = next((site / "validations" / "akhbar_entries").rglob("entries__shafaq.html"))
    assert page.parent.parent.name == f"{RUN} shafaq"
    text = page.read_text(encoding="utf-8")
    assert "__none__" not in text and "Data asset: None" not in text
    assert f"{RUN} shafaq" in text and "Data asset: entries" in text
    assert "values must never be null" in text  # the url_missing expectation, failed
    assert "1 unexpected values found" in text


def test_rules_say_what_they_check(site: Path) -> None:
    text = (site / "expectations" / "akhbar_entries.html").read_text(encoding="utf-8")
    assert "values must belong to this set" not in text
    assert "title has at least one letter or digit after cleaning" in text
    wh = (site / "expectations" / "akhbar_warehouse_entity_mention.html").read_text("utf-8")
    assert "must be unique" in wh  # compound-columns-unique, a native expectation
    assert "must have a row in dim_entity" in wh


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    cmd = [
        CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-sync", f"--user-data-dir={profile}",
        # networking unavailable: every host resolves to nothing, every proxy is dead
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
        *args,
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def _rows(dom: str, table_id: str) -> int:
    m = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', dom, re.S)
    assert m, f"table {table_id} not in the DOM"
    return m.group(1).count("<tr>")


@needs_browser
@pytest.mark.browser
def test_index_renders_its_tables_offline(site: Path, tmp_path: Path) -> None:
    url = (site / "index.html").as_uri()
    dom = _chromium(["--dump-dom", url], tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert _rows(dom.stdout, "validations") == 2
    assert _rows(dom.stdout, "suites") == N_SUITES
    assert f"{RUN} shafaq" in dom.stdout
    png = tmp_path / "index.png"
    shot = _chromium([f"--screenshot={png}", "--window-size=1200,900", url], tmp_path / "p2")
    assert shot.returncode == 0 and png.is_file(), shot.stderr[-2000:]
    _assert_not_blank(png)


@needs_browser
@pytest.mark.browser
def test_suite_page_renders_offline(site: Path, tmp_path: Path) -> None:
    url = (site / "expectations" / "akhbar_entries.html").as_uri()
    dom = _chromium(["--dump-dom", url], tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    overview = re.search(r'<table [^>]*class="table table-sm"[^>]*>(.*?)</table>', dom.stdout, re.S)
    assert overview and overview.group(1).count("<tr") >= 2
    assert "title has at least one letter or digit after cleaning" in dom.stdout
    assert "values must never be null" in dom.stdout
    png = tmp_path / "suite.png"
    shot = _chromium([f"--screenshot={png}", "--window-size=1200,900", url], tmp_path / "p2")
    assert shot.returncode == 0 and png.is_file(), shot.stderr[-2000:]
    _assert_not_blank(png)


def _assert_not_blank(png: Path) -> None:
    width, height, rows = read_png(png)
    assert (width, height) == (1200, 900)
    dark = sum(1 for row in rows for i in range(0, len(row) - 2, 3) if row[i] < 128)
    assert dark > 2000, f"only {dark} dark pixels: nothing rendered"
