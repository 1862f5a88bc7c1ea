"""Evaluate story clusters on news_week (SaudiNewsNet, read from ../shared; never copied).

For every report day D the clusterer sees D's articles plus the trailing 7 days,
as the warehouse load does, and the report covers the clusters holding D's
articles: count and size distribution, multi-outlet clusters, the Suez Canal
opening cluster (2015-08-06), runtime, and a seeded sample of multi-outlet
clusters printed with titles per outlet, for reading.

Entity ids come from the pipeline's NER (``analyze(body).entities``), cached
per day as JSON under ``--cache`` (default /tmp/akhbar_clusters_cache).

    python scripts/eval_clusters.py --days 2015-08-01..2015-08-04 --sample 20
    python scripts/eval_clusters.py --days 2015-08-06..2015-08-11 --sample 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from akhbar import clusters
from akhbar.clusters import ClusterDoc, assign_story_clusters, tuning
from akhbar.fetch.dedup import article_id

DATASET = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "news_week" / "dataset"
TRAILING_DAYS = 7
SUEZ = "قناة السويس"
SUEZ_DAY = dt.date(2015, 8, 6)


def _records(dataset: Path, day: dt.date) -> list[dict]:
    path = dataset / f"{day.isoformat()}.zip"
    if not path.exists():
        return []
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(archive.namelist()[0]))


def _entities(records: list[dict], cache: Path, day: dt.date) -> dict[str, list[str]]:
    """article_id -> linked entity ids from analyze(), computed once per day."""
    target = cache / f"{day.isoformat()}.entities.json"
    if target.exists():
        return json.loads(target.read_text("utf-8"))
    from akhbar.arabic.analyze import detect_language
    from akhbar.arabic.entities import extract_entities

    found: dict[str, list[str]] = {}
    for rec in records:
        body = rec.get("content") or ""
        if body.strip():
            # Same list as analyze(body).entities (analyze runs extract_entities on Arabic text).
            ents = extract_entities(body) if detect_language(body) == "ar" else []
            found[article_id(rec["url"])] = sorted({e.entity_id for e in ents if e.entity_id})
    cache.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(found, ensure_ascii=False), "utf-8")
    return found


def load_docs(dataset: Path, cache: Path, days: list[dt.date]) -> list[ClusterDoc]:
    docs: dict[str, ClusterDoc] = {}
    for file_day in days:
        records = _records(dataset, file_day)
        entities = _entities(records, cache, file_day)
        for rec in records:
            body = rec.get("content") or ""
            aid = article_id(rec["url"])
            if not body.strip() or aid in docs:
                continue
            day = dt.date.fromisoformat((rec.get("date_extracted") or file_day.isoformat())[:10])
            docs[aid] = ClusterDoc(aid, rec["source"], day, rec.get("title"), body,
                                   frozenset(entities.get(aid, ())))  # fmt: skip
    return list(docs.values())


def _day_range(spec: str) -> list[dt.date]:
    first, _, last = spec.partition("..")
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last or first)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _size_bins(sizes: list[int]) -> dict[str, int]:
    bins = Counter("1" if s == 1 else "2" if s == 2 else "3-5" if s <= 5 else
                   "6-10" if s <= 10 else ">10" for s in sizes)  # fmt: skip
    return {key: bins.get(key, 0) for key in ("1", "2", "3-5", "6-10", ">10")}


def _print_cluster(label: str, members: list[ClusterDoc]) -> None:
    outlets = sorted({doc.source_id for doc in members})
    print(f"  -- {label}: {len(members)} articles, {len(outlets)} outlets")
    for doc in sorted(members, key=lambda d: (d.source_id, d.day, d.article_id)):
        print(f"     {doc.source_id:12} {doc.day} {(doc.title or '(no title)').strip()[:110]}")


def _first_pass(docs: list[ClusterDoc]) -> dict[str, str]:
    """The clusters without the cluster-level join (to see what the join changed)."""
    saved = tuning.JOIN_MIN_SIZE
    tuning.JOIN_MIN_SIZE = sys.maxsize
    try:
        return assign_story_clusters(docs)
    finally:
        tuning.JOIN_MIN_SIZE = saved


def evaluate_day(
    dataset: Path, cache: Path, day: dt.date, *, cold: bool = False
) -> tuple[dict, list[list[ClusterDoc]], list[list[ClusterDoc]]]:
    window = [day - dt.timedelta(days=i) for i in range(TRAILING_DAYS, -1, -1)]
    docs = load_docs(dataset, cache, window)
    if cold:  # as in a fresh load-task process: no article parsed before
        clusters._PARSED.clear()
    started, cpu_started = time.perf_counter(), time.process_time()
    mapping = assign_story_clusters(docs)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    before = _first_pass(docs)
    by_cluster: dict[str, list[ClusterDoc]] = defaultdict(list)
    for doc in docs:
        by_cluster[mapping[doc.article_id]].append(doc)
    today = {cid: m for cid, m in by_cluster.items() if any(d.day == day for d in m)}
    multi = {cid: m for cid, m in today.items() if len({d.source_id for d in m}) >= 2}
    suez = [m for m in multi.values() if sum(SUEZ in (d.title or "") for d in m) >= 2]
    suez_outlets = max((len({d.source_id for d in m}) for m in suez), default=0)
    joined = [m for m in multi.values() if len({before[d.article_id] for d in m}) >= 2]
    # The warehouse re-labels earlier articles on every load: how many outlets' 08-06
    # articles share the widest canal cluster as of this day's load.
    canal = [m for m in by_cluster.values() if sum(SUEZ in (d.title or "") for d in m) >= 2]
    suez_0806 = max((len({d.source_id for d in m if d.day == SUEZ_DAY}) for m in canal), default=0)
    row = {
        "day": day.isoformat(), "docs_in_window": len(docs),
        "articles_today": sum(d.day == day for d in docs), "clusters_today": len(today),
        "multi_outlet": len(multi), "sizes": _size_bins([len(m) for m in today.values()]),
        "max_outlets": max((len({d.source_id for d in m}) for m in multi.values()), default=0),
        "suez_max_outlets": suez_outlets, "suez_0806_outlets": suez_0806,
        "joined_multi_outlet": len(joined), "seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
    }  # fmt: skip
    print(json.dumps(row, ensure_ascii=False))
    if day.isoformat() == "2015-08-06":
        for members in sorted(suez, key=lambda m: -len({d.source_id for d in m}))[:3]:
            _print_cluster("Suez", members)
    return (
        row,
        [multi[cid] for cid in sorted(multi)],
        sorted(joined, key=lambda m: min(d.article_id for d in m)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/akhbar_clusters_cache"))
    parser.add_argument("--days", default="2015-08-06..2015-08-11")
    parser.add_argument(
        "--sample", type=int, default=0, help="multi-outlet clusters to print per run"
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="clear the per-article cache before each day (a fresh process)",
    )
    parser.add_argument("--joins", type=int, default=0,
                        help="clusters made by the cluster-level join to print")  # fmt: skip
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a clusters.tuning constant (tuning on dev days only)")  # fmt: skip
    args = parser.parse_args(argv)
    if not args.dataset.is_dir():
        print(f"news_week not found at {args.dataset}", file=sys.stderr)
        return 2
    for item in args.set:
        name, _, value = item.partition("=")
        setattr(tuning, name, type(getattr(tuning, name))(value))
    rng = random.Random(args.seed)
    days = [d for d in _day_range(args.days) if (args.dataset / f"{d}.zip").exists()]
    per_day, multi, joined = [], [], []
    for day in days:
        row, day_multi, day_joined = evaluate_day(args.dataset, args.cache, day, cold=args.cold)
        per_day.append(row)
        multi.extend(day_multi)
        joined.extend(day_joined)
    for number, members in enumerate(rng.sample(multi, min(args.sample, len(multi))), 1):
        _print_cluster(f"sample {number}", members)
    for number, members in enumerate(rng.sample(joined, min(args.joins, len(joined))), 1):
        _print_cluster(f"joined {number}", members)
    print(json.dumps({"median_seconds": statistics.median(r["seconds"] for r in per_day),
                      "max_seconds": max(r["seconds"] for r in per_day),
                      "median_cpu_s": statistics.median(r["cpu_s"] for r in per_day),
                      "max_cpu_s": max(r["cpu_s"] for r in per_day)}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
