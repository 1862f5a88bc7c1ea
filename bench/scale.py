"""Build a scaled-up copy of the offline snapshot for benchmarks (``bench/work/``).

Nothing here writes new text. Every article of ``snapshot/`` (the real pages and
the real Shafaq / seed feed items) is replicated under distinct URLs, and each
copy's body is a *rearrangement of its own real text*:

* the real text segments of the article (text nodes of the page HTML that
  trafilatura keeps as body, or the lines of a feed item's description) are
  permuted, and at most one of them is dropped; the first segment (which holds
  the dateline) stays first. Copy 0 is the original; copies are enumerated in
  lexicographic permutation order, so early copies differ only slightly;
* articles with fewer than three such segments are split into sentences at
  ``.``/``؟``/``!`` and those are rearranged the same way.

URLs get a ``bench=<k>`` query parameter, which :func:`akhbar.fetch.dedup.normalize_url`
keeps (it is not a tracking parameter), so each copy has its own
``article_id``. Feeds are rebuilt with the copies as items (at most
``MAX_ITEMS_PER_FEED`` per feed, so big sources become several bench sources
``<source_id>_bNN`` with feed URL ``<feed_url>?bench_feed=NN``) and written with
:class:`akhbar.fetch.archive.WarcArchive` next to a ``sources.csv`` (politeness delay
0) that points at them.

    .venv/bin/python bench/scale.py --articles 1000 --out bench/work/snap-1000
"""

from __future__ import annotations

import argparse
import copy
import csv
import html
import itertools
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT_WARC = REPO / "snapshot" / "warc"
SNAPSHOT_SOURCES = REPO / "snapshot" / "sources.csv"
MAX_ITEMS_PER_FEED = 250
#: Real pages are weighted higher than feed-only items, so that page fetching and
#: trafilatura (most of a live run) are not swamped by the 30 Shafaq feed items.
PAGE_WEIGHT = 2
MIN_SEGMENT_CHARS = 25
_TEXT_NODE = re.compile(r">([^<>]+)<")
_SENTENCE_END = re.compile(r"((?<=[.!؟?])\s+)")
_WS = re.compile(r"\s+")

MANIFEST = "manifest.json"
VERSION = 2
#: Feed copies keep this share of the original length, so a dropped line never
#: pushes an item below the full-text threshold of the feed parser.
FEED_MIN_LENGTH_SHARE = 0.9


def with_query(url: str, key: str, value: int) -> str:
    """``url`` with ``key=value`` appended to its query."""
    parts = urlsplit(url)
    query = f"{parts.query}&{key}={value}" if parts.query else f"{key}={value}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _squash(text: str) -> str:
    return _WS.sub(" ", html.unescape(text)).strip()


# --------------------------------------------------------------------------- perturbation


def variants(n_segments: int) -> Iterator[tuple[list[int], int | None]]:
    """(order of segments 1..n-1, index dropped or None), original first.

    Segment 0 stays in place. Enumerated lazily in lexicographic order of the
    permutation, each permutation first whole and then with one segment
    dropped; cycles when exhausted (short articles).
    """
    rest = list(range(1, n_segments))
    while True:
        for perm in itertools.permutations(rest):
            order = [0, *perm]
            yield order, None
            if len(order) > 2:
                for drop in perm:
                    yield order, drop


@dataclass
class Template:
    """A text with replaceable segments: ``fixed`` pieces interleave with the slots."""

    fixed: list[str]  # len(slots) + 1 pieces of fixed text
    slots: list[str]  # the real segments, in their original order

    def render(self, order: list[int], drop: int | None) -> str:
        """Slot ``j`` gets the segment ``order[j]`` (emptied when it is the dropped one)."""
        out = [self.fixed[0]]
        for j, src in enumerate(order):
            out.append("" if src == drop else self.slots[src])
            out.append(self.fixed[j + 1])
        return "".join(out)


def _sentence_template(text: str, start: int, end: int) -> Template:
    """Slots = the sentences of ``text[start:end]`` (separators kept as fixed text)."""
    parts = _SENTENCE_END.split(text[start:end])  # sentence, separator, sentence, ...
    slots = parts[0::2]
    fixed = [text[:start], *parts[1::2], text[end:]]
    return Template(fixed=fixed, slots=slots)


def page_template(page_html: str, body_text: str) -> Template:
    """Slots = text nodes of the page that trafilatura kept as body text."""
    body = _squash(body_text)
    spans = []
    for m in _TEXT_NODE.finditer(page_html):
        node = _squash(m.group(1))
        if len(node) >= MIN_SEGMENT_CHARS and node in body:
            spans.append(m.span(1))
    if len(spans) >= 3:
        fixed, slots, pos = [], [], 0
        for start, end in spans:
            fixed.append(page_html[pos:start])
            slots.append(page_html[start:end])
            pos = end
        fixed.append(page_html[pos:])
        return Template(fixed=fixed, slots=slots)
    if spans:  # one or two long nodes: rearrange the sentences of the longest
        start, end = max(spans, key=lambda s: s[1] - s[0])
        return _sentence_template(page_html, start, end)
    return Template(fixed=[page_html], slots=[])


def text_template(text: str) -> Template:
    """Slots = non-empty lines of a feed description (else its sentences)."""
    lines = text.split("\n")
    idx = [i for i, line in enumerate(lines) if line.strip()]
    if len(idx) >= 3:
        return _line_template(lines, idx)
    return _sentence_template(text, 0, len(text))


def _line_template(lines: list[str], idx: list[int]) -> Template:
    fixed: list[str] = []
    slots: list[str] = []
    buf = ""
    for i, line in enumerate(lines):
        sep = "\n" if i > 0 else ""
        if i in idx:
            fixed.append(buf + sep)
            slots.append(line)
            buf = ""
        else:
            buf += sep + line
    fixed.append(buf)
    return Template(fixed=fixed, slots=slots)


def copies(template: Template, n: int, min_length: int = 0) -> list[str]:
    """``n`` renderings of ``template``: the original, then rearrangements
    (those shorter than ``min_length`` are skipped)."""
    if len(template.slots) < 2:
        return [template.render(list(range(len(template.slots))), None)] * n
    out: list[str] = []
    for order, drop in variants(len(template.slots)):
        if len(out) == n:
            break
        text = template.render(order, drop)
        if len(text) >= min_length:
            out.append(text)
    return out


# --------------------------------------------------------------------------- build


def _read_sources(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(total: int, weights: list[int]) -> list[int]:
    """Integers proportional to ``weights`` summing to ``total`` (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))[: total - sum(out)]:
        out[i] += 1
    return [max(1, x) for x in out]


@dataclass
class ScaledSnapshot:
    root: Path
    warc_dir: Path
    sources_csv: Path
    articles: int
    sources: int
    pages: int
    distinct_bodies: int

    def to_dict(self) -> dict[str, object]:
        return {k: str(v) if isinstance(v, Path) else v for k, v in self.__dict__.items()}


def build_scaled_snapshot(
    out: Path,
    articles: int,
    *,
    snapshot: Path = SNAPSHOT_WARC,
    sources_csv: Path = SNAPSHOT_SOURCES,
    max_items_per_feed: int = MAX_ITEMS_PER_FEED,
    only_sources: tuple[str, ...] | None = None,
) -> ScaledSnapshot:
    """Write ``out/warc/*.warc.gz`` and ``out/sources.csv`` with about ``articles`` items.

    ``only_sources`` keeps those snapshot sources only (the quick bench).
    Reuses an existing build with the same parameters (``out/manifest.json``).
    """
    from lxml import etree

    from akhbar.fetch.archive import WarcArchive, canonical_url, iter_responses
    from akhbar.fetch.pages import extract_page

    out = Path(out)
    params = {
        "version": VERSION,
        "articles": articles,
        "max_items": max_items_per_feed,
        "page_weight": PAGE_WEIGHT,
        "only_sources": list(only_sources or []),
    }
    manifest = out / MANIFEST
    if manifest.is_file():
        data = json.loads(manifest.read_text("utf-8"))
        if data.get("params") == params:
            return ScaledSnapshot(
                **{
                    k: (Path(v) if k in ("root", "warc_dir", "sources_csv") else v)
                    for k, v in data["result"].items()
                }
            )
    responses = {canonical_url(r.url): r for r in iter_responses(snapshot)}
    sources = [
        r for r in _read_sources(sources_csv) if not only_sources or r["source_id"] in only_sources
    ]

    # Base items: (source row, feed item element, page response or None).
    base: list[tuple[dict[str, str], object, object]] = []
    feeds: dict[str, tuple[object, object]] = {}
    parser = etree.XMLParser(strip_cdata=False, resolve_entities=False)
    for row in sources:
        feed = responses[canonical_url(row["feed_url"])]
        root = etree.fromstring(feed.body, parser)
        channel = root.find("channel")
        items = channel.findall("item")
        for item in items:
            channel.remove(item)
        feeds[row["source_id"]] = (root, feed)
        for item in items:
            page = responses.get(canonical_url(item.findtext("link") or ""))
            base.append((row, item, page))
    counts = _split(articles, [PAGE_WEIGHT if page is not None else 1 for _, _, page in base])

    per_source: dict[str, list[tuple[object, bytes | None, object]]] = {}
    bodies: set[int] = set()
    n_pages = 0
    for (row, item, page), n in zip(base, counts, strict=True):
        link = item.findtext("link") or ""
        if page is not None:
            text = page.body.decode("utf-8", errors="replace")
            content = extract_page(page.body, url=page.url)
            rendered = copies(page_template(text, content.text), n)
        else:
            desc = item.find("description")
            raw = desc.text if desc is not None and desc.text else ""
            rendered = copies(text_template(raw), n, int(FEED_MIN_LENGTH_SHARE * len(raw)))
        for k, body in enumerate(rendered):
            new = copy.deepcopy(item)
            url = link if k == 0 else with_query(link, "bench", k)
            new.find("link").text = url
            guid = new.find("guid")
            if guid is not None:
                guid.text = url
            bodies.add(hash(body))
            if page is not None:
                per_source.setdefault(row["source_id"], []).append((new, body.encode(), page))
                n_pages += 1
            else:
                desc = new.find("description")
                cdata = b"<![CDATA[" in feeds[row["source_id"]][1].body
                desc.text = etree.CDATA(body) if cdata else body
                per_source.setdefault(row["source_id"], []).append((new, None, None))

    warc_dir = out / "warc"
    warc_dir.mkdir(parents=True, exist_ok=True)
    for old in warc_dir.glob("*"):
        old.unlink()
    rows_out: list[dict[str, str]] = []
    for row in sources:
        items = per_source.get(row["source_id"], [])
        root, feed = feeds[row["source_id"]]
        for j in range(0, max(1, len(items)), max_items_per_feed):
            chunk = items[j : j + max_items_per_feed]
            part = j // max_items_per_feed
            sid = f"{row['source_id']}_b{part:02d}"
            feed_url = with_query(row["feed_url"], "bench_feed", part)
            doc = copy.deepcopy(root)
            channel = doc.find("channel")
            for new, _, _ in chunk:
                channel.append(new)
            feed_body = etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
            with WarcArchive(
                warc_dir / f"{sid}.warc.gz",
                created_at=feed.fetched_at,
                deterministic=True,
                info={"isPartOf": "akhbar-bench"},
            ) as warc:
                warc.write_response(
                    feed_url, 200, feed.headers, feed_body, fetched_at=feed.fetched_at
                )
                for new, body, page in chunk:
                    if body is not None:
                        warc.write_response(
                            new.findtext("link"),
                            200,
                            page.headers,
                            body,
                            fetched_at=page.fetched_at,
                        )
            rows_out.append(
                {
                    **row,
                    "source_id": sid,
                    "feed_url": feed_url,
                    "min_delay_s": "0",
                    "max_concurrency": "4",
                    "enabled": "true",
                    "notes": f"bench copy {part} of {row['source_id']} (bench/scale.py)",
                }
            )
    sources_out = out / "sources.csv"
    with sources_out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(sources[0].keys()))
        writer.writeheader()
        writer.writerows(rows_out)
    result = ScaledSnapshot(
        root=out,
        warc_dir=warc_dir,
        sources_csv=sources_out,
        articles=sum(counts),
        sources=len(rows_out),
        pages=n_pages,
        distinct_bodies=len(bodies),
    )
    manifest.write_text(
        json.dumps({"params": params, "result": result.to_dict()}, indent=1), encoding="utf-8"
    )
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "work" / "snap-1000")
    args = ap.parse_args(argv)
    snap = build_scaled_snapshot(args.out, args.articles)
    print(json.dumps(snap.to_dict(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
