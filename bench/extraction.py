"""Extraction benchmark: CPU time of the pipeline's per-article path against trafilatura.

What is compared, on the same pages in one process:

* ``trafilatura_extract``: ``trafilatura.extract`` with the options the pipeline
  uses for the body (:data:`akhbar.fetch.pages.TRAFILATURA_OPTIONS`), the baseline;
* ``extract_page``: :func:`akhbar.fetch.pages.extract_page` as ``build_article`` calls
  it (the page date is only read when the entry has none);
* ``build_article``: :func:`akhbar.pipeline.extract.build_article`, the whole per-article
  step (page extraction, Arabic analysis, hashes);
* ``analyze``: :func:`akhbar.arabic.analyze.analyze` alone on the body and date
  ``build_article`` analysed (its share of ``build_article`` is reported).

Entries carry feed dates as the pipeline's do (pass ``feed_dates`` with ``None``
for items whose feed has no date). The functions alternate page by page in a
rotating order, each call timed with :func:`time.process_time`; a repeat sums
them per function, ratios are taken within a repeat, and min / median / max
over repeats are reported (the ``stats`` shape of ``bench/run.py``). A warm-up
pass (imports, model loads) is not timed.

    .venv/bin/python bench/extraction.py                 # real pages of the repo and ../shared
    .venv/bin/python bench/extraction.py --snapshot      # snapshot/warc pages with their feed dates
    .venv/bin/python bench/extraction.py --snapshot bench/work/snap-1000/warc --limit 100
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_PAGES = REPO.parent / "shared" / "corpus" / "pages"
RUN_DATE = date(2026, 11, 28)
FUNCTIONS = ("trafilatura_extract", "extract_page", "analyze", "build_article")


def _entries(
    pages: Sequence[tuple[bytes, str]], feed_dates: Sequence[datetime | None] | None, day: date
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(entry, page) rows shaped like the pipeline's ``entries_ok`` / ``pages_ok`` rows."""
    from akhbar.fetch.dedup import article_id

    if feed_dates is None:
        feed_dates = [datetime(day.year, day.month, day.day, 6, tzinfo=UTC)] * len(pages)
    if len(feed_dates) != len(pages):
        raise ValueError(f"{len(feed_dates)} feed dates for {len(pages)} pages")
    rows = []
    for (body, url), published in zip(pages, feed_dates, strict=True):
        entry = {
            "article_id": article_id(url),
            "source_id": "bench",
            "url": url,
            "title": None,
            "published_at": published,
            "feed_text": None,
            "summary": None,
            "image_url": None,
        }
        page = {
            "body": body,
            "final_url": url,
            "error": None,
            "fetched_at": datetime(day.year, day.month, day.day, tzinfo=UTC),
        }
        rows.append((entry, page))
    return rows


def _functions(day: date) -> dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]]:
    import trafilatura

    from akhbar.arabic.analyze import analyze
    from akhbar.fetch.pages import TRAFILATURA_OPTIONS, extract_page
    from akhbar.pipeline.extract import build_article

    bodies: dict[int, tuple[str, Any]] = {}  # id(page) -> the body and date analyze sees

    def baseline(entry: dict[str, Any], page: dict[str, Any]) -> Any:
        return trafilatura.extract(page["body"], url=page["final_url"], **TRAFILATURA_OPTIONS)

    def pages_step(entry: dict[str, Any], page: dict[str, Any]) -> Any:
        # As build_article uses it: the page date is read only without a feed date.
        content = extract_page(
            page["body"], url=page["final_url"], extensive_dates=entry["published_at"] is None
        )
        return entry["published_at"] or content.published_at

    def article(entry: dict[str, Any], page: dict[str, Any]) -> Any:
        row = build_article(entry, page, day)[0]
        if row is not None:
            bodies.setdefault(id(page), (row["body_text"], row["published_at"]))
        return row

    def analysis(entry: dict[str, Any], page: dict[str, Any]) -> Any:
        # build_article's Arabic analysis alone, on the body it analysed.
        body = bodies.get(id(page))
        return analyze(body[0], published=body[1]) if body else None

    return {
        "trafilatura_extract": baseline,
        "extract_page": pages_step,
        "build_article": article,
        "analyze": analysis,
    }


def run_extraction_bench(
    pages: list[tuple[bytes, str]],
    repeats: int = 3,
    *,
    feed_dates: Sequence[datetime | None] | None = None,
    day: date = RUN_DATE,
) -> dict[str, Any]:
    """CPU-time ratios of ``build_article`` and ``extract_page`` to ``trafilatura.extract``.

    ``pages`` are (HTML bytes, URL). ``feed_dates`` are the entries' feed dates
    (default: every entry dated 06:00 UTC on ``day``).
    """
    if not pages:
        raise ValueError("run_extraction_bench needs at least one page")
    rows = _entries(pages, feed_dates, day)
    functions = _functions(day)
    for entry, page in rows:  # warm-up: imports, CRF model, caches (build_article first)
        for name in sorted(functions, key=lambda name: name != "build_article"):
            functions[name](entry, page)
    totals: dict[str, list[float]] = {name: [] for name in FUNCTIONS}
    for repeat in range(repeats):
        gc.collect()
        spent = dict.fromkeys(FUNCTIONS, 0.0)
        for i, (entry, page) in enumerate(rows):
            shift = (i + repeat) % len(FUNCTIONS)
            for name in FUNCTIONS[shift:] + FUNCTIONS[:shift]:
                start = time.process_time()
                functions[name](entry, page)
                spent[name] += time.process_time() - start
        for name in FUNCTIONS:
            totals[name].append(spent[name])
    ratios = {
        f"ratio_{name}_vs_trafilatura": [
            t / b for t, b in zip(totals[name], totals["trafilatura_extract"], strict=True)
        ]
        for name in ("build_article", "extract_page")
    }
    share = [a / b for a, b in zip(totals["analyze"], totals["build_article"], strict=True)]
    return {
        **{key: _stats(values, 3) for key, values in ratios.items()},
        "analyze_share_of_build_article": _stats(share, 3),
        "ms_per_page": {
            name: _stats([1000 * v / len(rows) for v in values], 2)
            for name, values in totals.items()
        },
        "pages": len(rows),
        "pages_with_feed_date": sum(1 for entry, _ in rows if entry["published_at"] is not None),
        "repeats": repeats,
    }


def _stats(values: list[float], digits: int) -> dict[str, Any]:
    """min / median / max (and n) of repeated measurements, as ``bench/run.py`` reports them."""
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
        "n": len(values),
    }


def real_pages(dirs: Sequence[Path] | None = None) -> list[tuple[bytes, str]]:
    """The real article pages of the repo fixtures and ``../shared/corpus/pages``
    (distinct bytes; URL from the sibling ``.json`` when it has one)."""
    dirs = dirs or [REPO / "tests" / "fixtures" / "quality" / "pages", SHARED_PAGES]
    seen: set[str] = set()
    out = []
    for folder in dirs:
        for path in sorted(Path(folder).glob("*.html")):
            body = path.read_bytes()
            digest = hashlib.sha256(body).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            meta = path.with_suffix(".json")
            url = json.loads(meta.read_text("utf-8")).get("url") if meta.is_file() else None
            out.append((body, url or f"https://bench.invalid/{path.stem}"))
    return out


def snapshot_pages(
    warc_dir: Path, limit: int | None = None
) -> tuple[list[tuple[bytes, str]], list[datetime | None]]:
    """The HTML pages of a WARC snapshot and each one's date in its feed (None if none).

    With ``limit``, at most that many pages, taken round-robin over the WARC files
    (sources) so a big source does not fill the sample.
    """
    from akhbar.fetch.archive import canonical_url, iter_responses, warc_files
    from akhbar.fetch.feeds import parse_feed

    per_file: list[list[tuple[bytes, str]]] = []
    dated: dict[str, datetime | None] = {}
    for path in warc_files(warc_dir):
        found = []
        for resp in iter_responses(path):
            kind = resp.header("content-type") or ""
            if "html" in kind:
                found.append((resp.body, resp.url))
            elif "xml" in kind:
                feed = parse_feed(resp.body, headers=dict(resp.headers), base_url=resp.url)
                dated.update({canonical_url(e.url): e.published_at for e in feed.entries})
        per_file.append(found)
    pages = [
        found[i]
        for i in range(max(map(len, per_file), default=0))
        for found in per_file
        if i < len(found)
    ][:limit]
    return pages, [dated.get(canonical_url(url)) for _, url in pages]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--snapshot",
        type=Path,
        nargs="?",
        const=REPO / "snapshot" / "warc",
        help="bench the pages of this WARC snapshot, with their feed dates",
    )
    parser.add_argument("--limit", type=int, help="at most this many snapshot pages")
    parser.add_argument(
        "--no-feed-dates",
        action="store_true",
        help="entries without dates (the page date is looked for)",
    )
    args = parser.parse_args(argv)
    if args.snapshot:
        pages, dates = snapshot_pages(args.snapshot, args.limit)
    else:
        pages, dates = real_pages(), None
    if not pages:
        print("no pages found", file=sys.stderr)
        return 1
    if args.no_feed_dates:
        dates = [None] * len(pages)
    result = run_extraction_bench(pages, args.repeats, feed_dates=dates)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
