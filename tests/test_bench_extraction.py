"""``bench/extraction.py`` runs on real pages and reports the ratios the bench publishes.

No timing assertion: the machine is shared, only the shape and sanity of the
result are checked. Pages: the offline snapshot's real article pages, with the
dates their feeds give.
"""

from __future__ import annotations

from bench.extraction import real_pages, run_extraction_bench, snapshot_pages
from helpers import SNAPSHOT


def test_snapshot_pages_carry_their_feed_dates():
    pages, dates = snapshot_pages(SNAPSHOT)
    assert len(pages) >= 5 and len(dates) == len(pages)
    assert all(body.lstrip()[:1] == b"<" and url.startswith("http") for body, url in pages)
    assert sum(d is not None for d in dates) >= len(pages) // 2
    assert all(d.tzinfo is not None for d in dates if d is not None)
    few, few_dates = snapshot_pages(SNAPSHOT, limit=3)
    assert len(few) == 3 and len({url.split("/")[2] for _, url in few}) == 3  # round-robin
    assert few_dates == [dates[pages.index(page)] for page in few]


def test_bench_returns_sane_ratios_on_two_pages():
    pages, dates = snapshot_pages(SNAPSHOT)
    result = run_extraction_bench(pages[:2], repeats=1, feed_dates=[dates[0], None])
    assert result["pages"] == 2 and result["repeats"] == 1
    assert result["pages_with_feed_date"] == (dates[0] is not None)
    for key in ("ratio_build_article_vs_trafilatura", "ratio_extract_page_vs_trafilatura"):
        ratio = result[key]
        assert ratio["n"] == 1 and 0 < ratio["min"] <= ratio["median"] <= ratio["max"] < 100
    ms = {name: s["median"] for name, s in result["ms_per_page"].items()}
    assert set(ms) == {"trafilatura_extract", "extract_page", "analyze", "build_article"}
    assert 0 < result["analyze_share_of_build_article"]["median"] < 1
    assert all(value > 0 for value in ms.values())


def test_real_pages_are_distinct_and_have_urls():
    pages = real_pages()
    assert pages  # the repo's own fixture page at least
    assert len({body for body, _ in pages}) == len(pages)
    assert all(url.startswith("http") for _, url in pages)
