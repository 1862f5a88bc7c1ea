"""The benchmark's scaled snapshot and a quick end-to-end run of ``bench/run.py``.

The scaler must give every copy its own URL and article id (URL normalisation
must not collapse them), and bodies that are rearrangements of the real text
(never new text); ``bench/run.py --quick`` must run through and write results.
"""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
import time

import pytest

from bench.scale import (
    build_scaled_snapshot,
    copies,
    page_template,
    text_template,
    variants,
    with_query,
)
from helpers import REPO

_WORD = re.compile(r"[\u0621-\u064A]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench-snap")
    return build_scaled_snapshot(out, 120)


def test_variants_keep_first_segment_and_start_with_original():
    it = variants(4)
    first = [next(it) for _ in range(12)]
    assert first[0] == ([0, 1, 2, 3], None)
    assert all(order[0] == 0 for order, _ in first)
    assert len(set((tuple(o), d) for o, d in first)) == 12


def test_copies_only_rearrange_real_lines():
    # Constructed example (not real news text): three short Arabic lines.
    text = "السطر الأول\nالسطر الثاني هنا\nالسطر الثالث هناك"
    out = copies(text_template(text), 6)
    assert out[0] == text
    assert len(set(out)) == 6
    lines = set(text.split("\n"))
    for body in out:
        assert set(line for line in body.split("\n") if line) <= lines
        assert body.split("\n")[0] == "السطر الأول"


def test_page_template_slots_are_body_text_nodes():
    # Constructed example page: two boilerplate nodes and three body paragraphs.
    page = (
        "<html><body><nav>القائمة الرئيسية للموقع</nav><article>"
        "<p>الفقرة الأولى من نص المقال الطويل</p><p>الفقرة الثانية من نص المقال</p>"
        "<p>الفقرة الثالثة من نص المقال</p></article></body></html>"
    )
    body = "الفقرة الأولى من نص المقال الطويل\nالفقرة الثانية من نص المقال\nالفقرة الثالثة من نص المقال"
    tpl = page_template(page, body)
    assert len(tpl.slots) == 3
    out = copies(tpl, 4)
    assert out[0] == page
    assert all("القائمة الرئيسية للموقع" in o for o in out)
    assert len(set(out)) == 4


def test_with_query_survives_normalisation():
    from akhbar.fetch.dedup import article_id, normalize_url

    url = "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html"
    variants_ = [url] + [with_query(url, "bench", k) for k in range(1, 5)]
    assert len({normalize_url(u) for u in variants_}) == 5
    assert len({article_id(u) for u in variants_}) == 5


def test_scaled_snapshot_distinct_urls_ids_and_real_text(scaled):
    from akhbar.arabic.normalize import clean_text
    from akhbar.fetch.archive import iter_responses
    from akhbar.fetch.dedup import article_id
    from akhbar.fetch.feeds import parse_feed
    from akhbar.fetch.pages import extract_page

    with scaled.sources_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == scaled.sources
    assert all(r["min_delay_s"] == "0" for r in rows)
    assert len({r["feed_url"] for r in rows}) == len(rows)

    # Words of the real responses (pages and feeds, character references decoded).
    original_words = set()
    for resp in iter_responses(REPO / "snapshot" / "warc"):
        raw = html.unescape(resp.body.decode("utf-8", "replace"))
        original_words |= _words(clean_text(raw))  # as extraction stores it (no ZWNJ)

    urls, bodies, pages = [], set(), 0
    for resp in iter_responses(scaled.warc_dir):
        if "html" in (resp.header("content-type") or ""):
            pages += 1
            text = extract_page(resp.body, url=resp.url).text
            assert len(text) >= 200
            # every word of the copy is a word of the real articles
            assert _words(text) <= original_words
            bodies.add(text)
            continue
        feed = parse_feed(resp.body, headers=dict(resp.headers), base_url=resp.url)
        assert feed.rejected_reason is None
        for e in feed.entries:
            urls.append(e.url)
            if e.feed_text:
                assert _words(e.feed_text) <= original_words
                bodies.add(e.feed_text)
    assert len(urls) == scaled.articles == 120
    assert len(set(urls)) == len(urls)
    assert len({article_id(u) for u in urls}) == len(urls)
    assert pages == scaled.pages > 0
    # perturbed: most copies differ from each other (short articles repeat at most)
    assert len(bodies) >= 0.8 * len(urls)


@pytest.mark.slow
def test_quick_bench_runs_end_to_end(tmp_path):
    out = tmp_path / "results"
    t0 = time.perf_counter()
    proc = subprocess.run(
        # the lake section starts PostgreSQL; tests/distributed/test_lake.py covers that load
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--quick",
            "--skip",
            "lake",
            "--out-dir",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    wall = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    result = json.loads((out / "results.json").read_text(encoding="utf-8"))
    md = (out / "results.md").read_text(encoding="utf-8")
    # Its run time is reported, not asserted: timings belong to the bench, and a
    # loaded CI machine must not fail a correct run.
    print(f"bench --quick: {wall:.0f} s wall")
    e2e = next(iter(result["e2e"].values()))
    assert e2e["first"]["state"].endswith("success")
    assert e2e["first"]["articles_loaded"] >= 10
    assert e2e["first"]["requests"]["pages"] > 0
    assert e2e["incremental_pages_fetched"] == 0
    assert result["extraction"]["ratio_build_article_vs_trafilatura"]["median"] > 0
    assert result["load"]["rows"] > 0
    assert all(v["import_errors"] == 0 for v in result["parse"]["per_file"].values())
    assert result["queries"]["rows"]["fact_article"] >= 2000
    memory = result["task_memory"]  # every task forked as the warm executor does
    small, replicated = memory["20"], memory["200"]
    assert not small["errors"] and not replicated["errors"]
    assert small["articles_loaded"] >= 10 and small["ingest_peak_mb"]["n"] == 2
    assert replicated["articles_loaded"] == 10 * small["articles_loaded"]
    assert memory["largest_task_mb"] >= small["fixed_rss_mb"] * 0.5
    assert "| measure | result | goal |" in md


def test_sentence_fallback_keeps_original_and_separators():
    # Constructed example: one line of three sentences (too few lines to permute).
    text = "الجملة الأولى هنا.  الجملة الثانية هنا؟ الجملة الثالثة هنا!"
    tpl = text_template(text)
    assert len(tpl.slots) == 3
    out = copies(tpl, 5)
    assert out[0] == text
    assert all(o.startswith("الجملة الأولى هنا.") for o in out)
    assert len(set(out)) == 5


def test_copies_respect_min_length():
    text = "السطر الأول\nالسطر الثاني هنا\nالسطر الثالث هناك"  # constructed example
    out = copies(text_template(text), 3, min_length=len(text))
    assert all(len(o) == len(text) for o in out)
