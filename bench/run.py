"""``make bench``: pipeline benchmarks as ratios against baselines measured in the same run.

    .venv/bin/python bench/run.py            # full (~15 min on 2 cores)
    .venv/bin/python bench/run.py --quick    # small version (< 1 min once the Airflow DB exists)

Writes ``bench/results.json`` and ``bench/results.md`` (``--out-dir`` to write
elsewhere). Work files (scaled snapshots, warehouses, the bench's own Airflow
home) go to ``bench/work/`` (git-ignored). What each figure means and how the
scaled snapshot is built: ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
WORK = BENCH / "work"
sys.path.insert(0, str(BENCH))

RUN_DATE = "2026-11-28"
#: The quick bench replicates only these snapshot sources (fewer Airflow tasks).
QUICK_SOURCES = ("cnn_arabic", "alalam")
BUDGET_S = 15 * 60
#: Time kept for the 100k-article analyst queries (FTS rebuild alone ~1.5 min here).
QUERIES_RESERVE_S = 240
#: Real search terms (words of the snapshot's own articles).
SEARCH_TERMS = ["ليبيا", "وقف إطلاق النار", "فيروس كورونا", "الكهرباء", "حفتر"]
GOALS = {
    "extraction_ratio": "<= 1.3x",
    "load_ratio": ">= 0.8x",
    "incremental_fraction": "<= 5%",
    "incremental_pages": "0",
    "parse_s": "< 0.2 s",
}


def stats(values: list[float], digits: int = 4) -> dict[str, Any]:
    """min / median / max (and n) of repeated measurements."""
    vals = sorted(values)
    return {
        "min": round(vals[0], digits),
        "median": round(statistics.median(vals), digits),
        "max": round(vals[-1], digits),
        "n": len(vals),
    }


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- environment


def airflow_env(home: Path) -> dict[str, str]:
    from akhbar.ops.local_airflow import airflow_home_env

    env = dict(os.environ)
    env.update(airflow_home_env(home))
    env["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = str(REPO / "include")
    return env


def prepare_airflow_home(home: Path) -> float:
    """The bench's own Airflow home (SQLite, pools), made once; returns seconds spent."""
    stamp = home / ".bench-ready"
    if stamp.is_file():
        return 0.0
    t0 = time.perf_counter()
    home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(home)
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )
    for pool, slots in (("duckdb_writer", 1), ("akhbar_http", 4)):
        subprocess.run(
            [sys.executable, "-m", "airflow", "pools", "set", pool, str(slots), "akhbar"],
            check=True,
            env=env,
            capture_output=True,
            timeout=300,
        )
    stamp.write_text("ok\n")
    return time.perf_counter() - t0


class Replay:
    """The replay server in its own process (its memory is not the pipeline's)."""

    def __init__(self, warc_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve-replay", str(warc_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=airflow_env(WORK),
        )
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline().split()[1])

    def counts(self) -> dict[str, int]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.poll() is None and self.proc.stdin is not None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def serve_replay(warc_dir: str) -> int:
    """Child: serve ``warc_dir``; answer 'count' on stdin with request counts by kind."""
    from akhbar.fetch.replay import ReplayServer

    with ReplayServer(Path(warc_dir)) as server:
        print(f"PORT {server.port}", flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "quit":
                break
            if cmd == "count":
                served = server.requests_served
                kinds = {"feeds": 0, "robots": 0, "pages": 0}
                for url, _status in served:
                    if "bench_feed=" in url:
                        kinds["feeds"] += 1
                    elif url.endswith("/robots.txt"):
                        kinds["robots"] += 1
                    else:
                        kinds["pages"] += 1
                print(json.dumps({"total": len(served), **kinds}), flush=True)
    return 0


# --------------------------------------------------------------------------- end to end


def e2e_child(root: str, run_date: str, result_file: str) -> int:
    """Child: one ``dag.test()`` of akhbar_daily; writes timings to ``result_file``."""
    import psutil
    from airflow.dag_processing.dagbag import DagBag

    proc = psutil.Process()
    peak = {"rss": proc.memory_info().rss}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.05):
            try:
                rss = proc.memory_info().rss
                for child in proc.children(recursive=True):
                    rss += child.memory_info().rss
            except psutil.Error:
                continue
            peak["rss"] = max(peak["rss"], rss)

    bag = DagBag(dag_folder=str(REPO / "dags" / "akhbar_daily.py"))
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    dag = bag.dags["akhbar_daily"]
    # Airflow 3.3.2's dag.test() crashes after a successful run of a DAG with a
    # DeadlineAlert (DagRun.update_state looks the alerts up by id but gets the
    # serialized dicts). The alert only matters to a scheduler; drop it here.
    dag.deadline = None
    rss_before = proc.memory_info().rss
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0, c0 = time.perf_counter(), time.process_time()
    dagrun = dag.test(logical_date=datetime.fromisoformat(run_date).replace(tzinfo=UTC))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    stop.set()
    sampler.join()
    task_s: dict[str, float] = {}
    for ti in dagrun.get_task_instances():
        if ti.duration is not None:
            task_s[ti.task_id] = task_s.get(ti.task_id, 0.0) + float(ti.duration)
    import duckdb

    con = duckdb.connect(str(Path(root) / "data" / "akhbar_analyst.duckdb"), read_only=True)
    articles = con.execute(
        "SELECT count(*) FROM fact_article WHERE run_date = ?", [date.fromisoformat(run_date)]
    ).fetchone()[0]
    con.close()
    out = {
        "state": str(dagrun.state),
        "task_seconds": {k: round(v, 2) for k, v in sorted(task_s.items(), key=lambda kv: -kv[1])},
        "wall_s": wall,
        "cpu_s": cpu,
        "articles_loaded": int(articles),
        "rss_before_mb": rss_before / 2**20,
        "peak_rss_sampled_mb": peak["rss"] / 2**20,
        "ru_maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ru_maxrss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    Path(result_file).write_text(json.dumps(out), encoding="utf-8")
    return 0


def run_dag_once(root: Path, sources_csv: Path, port: int, run_date: str, tag: str) -> dict:
    env = airflow_env(WORK / "airflow_home")
    env.update(
        {
            "AKHBAR_DATA_DIR": str(root / "data"),
            "AKHBAR_WAREHOUSE": str(root / "data" / "akhbar.duckdb"),
            "AKHBAR_SOURCES": str(sources_csv),
            "AKHBAR_REPLAY_URL": f"http://127.0.0.1:{port}",
            "AKHBAR_ALLOW_HOSTS": f"127.0.0.1:{port}",
            "AKHBAR_MIN_DELAY_S": "0",
        }
    )
    result = root / f"result-{tag}.json"
    with open(root / f"dag-{tag}.log", "w", encoding="utf-8") as fh:
        proc = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--e2e-child",
                str(root),
                run_date,
                str(result),
            ],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            timeout=3600,
        )
    if proc.returncode != 0 or not result.is_file():
        raise RuntimeError(f"dag.test failed ({tag}); see {root / f'dag-{tag}.log'}")
    return json.loads(result.read_text(encoding="utf-8"))


def snapshot_for(n: int, quick: bool):
    from scale import build_scaled_snapshot

    if quick:
        return build_scaled_snapshot(WORK / f"snap-quick-{n}", n, only_sources=QUICK_SOURCES)
    return build_scaled_snapshot(WORK / f"snap-{n}", n)


def bench_e2e(n: int, run_date: str, quick: bool = False, rerun: bool = True) -> dict[str, Any]:
    """First run and (``rerun``) a same-date re-run of the DAG over ``n`` scaled articles."""
    t0 = time.perf_counter()
    snap = snapshot_for(n, quick)
    build_s = time.perf_counter() - t0
    root = WORK / f"e2e-{'quick-' if quick else ''}{n}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    replay = Replay(snap.warc_dir)
    try:
        c0 = replay.counts()
        first = run_dag_once(root, snap.sources_csv, replay.port, run_date, "first")
        c1 = replay.counts()
        second, c2 = None, c1
        if rerun:
            second = run_dag_once(root, snap.sources_csv, replay.port, run_date, "second")
            c2 = replay.counts()
    finally:
        replay.close()
    requests_first = {k: c1[k] - c0[k] for k in c1}
    loaded = first["articles_loaded"]
    out = {
        "articles_in_snapshot": snap.articles,
        "sources": snap.sources,
        "pages_in_snapshot": snap.pages,
        "distinct_bodies": snap.distinct_bodies,
        "snapshot_build_s": round(build_s, 2),
        "root": str(root),
        "warc_dir": str(snap.warc_dir),
        "first": {
            **first,
            "requests": requests_first,
            "articles_per_s": loaded / first["wall_s"] if first["wall_s"] else None,
            "ms_per_article": 1000 * first["wall_s"] / max(loaded, 1),
        },
    }
    if second is not None:
        requests_second = {k: c2[k] - c1[k] for k in c2}
        out["second"] = {**second, "requests": requests_second}
        out["incremental_fraction"] = second["wall_s"] / first["wall_s"]
        out["incremental_pages_fetched"] = requests_second["pages"]
    return out


def _run_memory_py(root: Path, args: list[str], what: str) -> dict[str, Any]:
    """``bench/memory.py <args>`` in a child (log in ``root/memory.log``); its JSON result."""
    out = root / "memory.json"
    with open(root / "memory.log", "w", encoding="utf-8") as fh:
        proc = subprocess.run(
            [sys.executable, str(BENCH / "memory.py"), *args, str(out)],
            env=airflow_env(WORK / "airflow_home"),
            stdout=fh,
            stderr=subprocess.STDOUT,
            timeout=3600,
        )
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"{what} failed; see {root / 'memory.log'}")
    return json.loads(out.read_text(encoding="utf-8"))


def _memory_child(root: Path, sources_csv: Path, port: int, run_date: str) -> dict[str, Any]:
    args = [str(root), str(sources_csv), str(port), run_date]
    return _run_memory_py(root, args, "task memory run")


def bench_task_memory(n: int, run_date: str, quick: bool = False) -> dict[str, Any]:
    """Peak RSS per task process (bench/memory.py) over ``n`` scaled articles."""
    snap = snapshot_for(n, quick)
    root = WORK / f"memory-{'quick-' if quick else ''}{n}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    replay = Replay(snap.warc_dir)
    try:
        out = _memory_child(root, snap.sources_csv, replay.port, run_date)
    finally:
        replay.close()
    return {"articles_in_snapshot": snap.articles, **out}


def bench_task_memory_week(week_dir: Path, day: date) -> dict[str, Any]:
    """The same over a real news_week day (built feeds with the articles' full text)."""
    from akhbar.ops.week import build_week_snapshot

    root = WORK / f"memory-week-{day.isoformat()}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    snap = build_week_snapshot(week_dir, root / "feeds", [day])
    replay = Replay(snap.warc.parent)
    try:
        out = _memory_child(root, snap.sources_csv, replay.port, day.isoformat())
    finally:
        replay.close()
    return {"day": day.isoformat(), **out}


# --------------------------------------------------------------------------- extraction


def _page_inputs(warc_dir: Path, limit: int) -> list[tuple[dict, dict]]:
    """(entry, page) pairs for page records of a scaled snapshot, round-robin over sources."""
    from akhbar.fetch.archive import iter_responses, warc_files
    from akhbar.fetch.dedup import article_id

    per_file: list[list[Any]] = []
    for path in warc_files(warc_dir):
        pages = [r for r in iter_responses(path) if "html" in (r.header("content-type") or "")]
        if pages:
            per_file.append(pages)
    picked: list[Any] = []
    for i in range(max(map(len, per_file), default=0)):
        for pages in per_file:
            if i < len(pages) and len(picked) < limit:
                picked.append(pages[i])
    out = []
    for resp in picked:
        entry = {
            "article_id": article_id(resp.url),
            "source_id": "bench",
            "url": resp.url,
            "title": None,
            "published_at": None,
            "feed_text": None,
            "summary": None,
            "image_url": None,
        }
        page = {
            "body": resp.body,
            "final_url": resp.url,
            "error": None,
            "fetched_at": resp.fetched_at,
        }
        out.append((entry, page))
    return out


def _feed_inputs(warc_dir: Path, limit: int) -> list[dict]:
    from akhbar.fetch.archive import iter_responses, warc_files
    from akhbar.fetch.dedup import article_id
    from akhbar.fetch.feeds import parse_feed

    out: list[dict] = []
    for path in warc_files(warc_dir):
        for resp in iter_responses(path):
            if "xml" not in (resp.header("content-type") or "") or not path.name.startswith(
                ("shafaq", "alalam")
            ):
                continue
            parsed = parse_feed(resp.body, headers=dict(resp.headers), base_url=resp.url)
            for e in parsed.entries:
                if e.feed_text and len(out) < limit:
                    out.append(
                        {
                            "article_id": article_id(e.url),
                            "source_id": "bench",
                            "url": e.url,
                            "title": e.title,
                            "published_at": e.published_at,
                            "feed_text": e.feed_text,
                            "summary": e.summary,
                            "image_url": None,
                        }
                    )
    return out


def bench_extraction(warc_dir: Path, n_pages: int, repeats: int) -> dict[str, Any]:
    """CPU per article: build_article vs trafilatura.extract alone, and analyze alone."""
    import trafilatura

    from akhbar.arabic.analyze import analyze
    from akhbar.fetch.pages import extract_page
    from akhbar.pipeline.extract import build_article

    inputs = _page_inputs(warc_dir, n_pages)
    feed_entries = _feed_inputs(warc_dir, n_pages)
    day = date.fromisoformat(RUN_DATE)
    texts = []
    for entry, page in inputs:  # warm-up (imports, model load) and the bodies analyze sees
        trafilatura.extract(page["body"], url=entry["url"])
        content = extract_page(page["body"], url=entry["url"])
        texts.append((content.text, content.published_at))
        build_article(entry, page, day)
    feed_texts = [
        (build_article(e, None, day)[0]["body_text"], e["published_at"]) for e in feed_entries
    ]

    def per_article(fn: Callable[[], None], n: int) -> float:
        c0 = time.process_time()
        fn()
        return (time.process_time() - c0) / max(n, 1)

    runs: dict[str, list[float]] = {
        k: []
        for k in (
            "trafilatura_extract",
            "extract_page",
            "analyze",
            "build_article",
            "analyze_feed_items",
            "build_article_feed_items",
        )
    }
    n = len(inputs)
    for _ in range(repeats):
        runs["trafilatura_extract"].append(
            per_article(
                lambda: [trafilatura.extract(p["body"], url=e["url"]) for e, p in inputs], n
            )
        )
        runs["extract_page"].append(
            per_article(lambda: [extract_page(p["body"], url=e["url"]) for e, p in inputs], n)
        )
        runs["analyze"].append(per_article(lambda: [analyze(t, published=d) for t, d in texts], n))
        runs["build_article"].append(
            per_article(lambda: [build_article(e, p, day) for e, p in inputs], n)
        )
        runs["analyze_feed_items"].append(
            per_article(lambda: [analyze(t, published=d) for t, d in feed_texts], len(feed_texts))
        )
        runs["build_article_feed_items"].append(
            per_article(
                lambda: [build_article(e, None, day) for e in feed_entries], len(feed_entries)
            )
        )
    ratio = [b / t for b, t in zip(runs["build_article"], runs["trafilatura_extract"], strict=True)]
    share = [a / b for a, b in zip(runs["analyze"], runs["build_article"], strict=True)]
    arabic = sum(1 for t, _ in texts if analyze(t).language == "ar")
    return {
        "pages": n,
        "arabic_pages": arabic,
        "feed_items": len(feed_texts),
        "repeats": repeats,
        "ms_per_article": {k: stats([1000 * x for x in v], 2) for k, v in runs.items()},
        "ratio_build_article_vs_trafilatura": stats(ratio, 3),
        "analyze_share_of_build_article": stats(share, 3),
        "analyze_articles_per_s_per_core": stats([1 / x for x in runs["analyze"]], 1),
        "analyze_feed_items_per_s_per_core": stats([1 / x for x in runs["analyze_feed_items"]], 1),
    }


def profile_extraction(warc_dir: Path, n: int) -> dict[str, Any]:
    """pyinstrument over build_article on ~n articles (pages and feed items): time by module."""
    from pyinstrument import Profiler

    from akhbar.pipeline.extract import build_article

    pages = _page_inputs(warc_dir, n // 2)
    feeds = _feed_inputs(warc_dir, n - len(pages))
    day = date.fromisoformat(RUN_DATE)
    for e, p in pages[:3]:
        build_article(e, p, day)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for e, p in pages:
        build_article(e, p, day)
    for e in feeds:
        build_article(e, None, day)
    session = profiler.stop()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    buckets = [
        ("htmldate (date extraction inside trafilatura)", "/htmldate/"),
        ("justext (trafilatura fallback)", "/justext/"),
        ("trafilatura", "/trafilatura/"),
        ("lxml", "/lxml/"),
        ("courlan", "/courlan/"),
        ("akhbar NER (CRF)", "akhbar/arabic/ner"),
        ("akhbar entities/gazetteer", "akhbar/arabic/entities"),
        ("akhbar gazetteer", "akhbar/arabic/gazetteer"),
        ("akhbar quotes", "akhbar/arabic/quotes"),
        ("akhbar dates", "akhbar/arabic/dates"),
        ("akhbar datelines", "akhbar/arabic/datelines"),
        ("akhbar tokenize", "akhbar/arabic/tokenize"),
        ("akhbar normalize", "akhbar/arabic/normalize"),
        ("akhbar analyze", "akhbar/arabic/analyze"),
        ("akhbar dedup (simhash)", "akhbar/dedup"),
        ("akhbar pages", "akhbar/pages"),
        ("akhbar pipeline", "akhbar/pipeline"),
        ("pycrfsuite", "crfsuite"),
    ]
    totals: dict[str, float] = {}
    funcs: dict[str, float] = {}

    def walk(frame: Any, owner: str) -> None:
        path = (frame.file_path or "").replace("\\", "/")
        for name, pat in buckets:
            if pat in path:
                owner = name
                break
        self_t = frame.total_self_time
        totals[owner] = totals.get(owner, 0.0) + self_t
        if self_t > 0 and not frame.is_synthetic:
            key = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
            funcs[key] = funcs.get(key, 0.0) + self_t
        for child in frame.children:
            walk(child, owner)

    if root is not None:
        walk(root, "other (stdlib, re, …)")
    total = sum(totals.values()) or 1.0
    text = profiler.output_text(unicode=True, color=False, show_all=False, short_mode=True)
    return {
        "articles": len(pages) + len(feeds),
        "pages": len(pages),
        "feed_items": len(feeds),
        "duration_s": round(session.duration, 3),
        "self_time_by_module": {
            k: round(v / total, 4) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])
        },
        "top_functions_self_s": {
            k: round(v, 4) for k, v in sorted(funcs.items(), key=lambda kv: -kv[1])[:15]
        },
        "tree": "\n".join(text.splitlines()[:60]),
    }


# --------------------------------------------------------------------------- load


def _settings_for(root: Path):
    from akhbar.config import load_settings

    base = load_settings()
    return replace(base, data_dir=root / "data", warehouse=root / "data" / "akhbar.duckdb")


def _copy_staging(src_data: Path, run_date: str, root: Path):
    settings = _settings_for(root)
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(src_data / "staging" / run_date, settings.run_staging(run_date))
    from akhbar.warehouse.migrate import connect

    connect(settings.warehouse).close()  # schema first: not part of either timing
    return settings


BASELINE_SQL = [
    (
        "fact_article",
        "articles_ok",
        "INSERT INTO fact_article SELECT article_id, run_date, source_id, url, canonical_url, title,"
        " author, published_at, fetched_at, language, arabic_share, body_text, body_chars,"
        " body_source, content_hash, simhash, image_url, dateline_place, dateline_source,"
        " analysis_skipped, NULL FROM read_parquet({files}, union_by_name = true)",
    ),
    (
        "fact_entity_mention",
        "mentions_ok",
        "INSERT INTO fact_entity_mention SELECT article_id, mention_idx, $run_date, text, type,"
        ' "start", "end", entity_id, method FROM read_parquet({files}, union_by_name = true)',
    ),
    (
        "fact_quote",
        "quotes_ok",
        "INSERT INTO fact_quote SELECT article_id, quote_idx, $run_date, kind, speaker,"
        ' speaker_entity_id, cue, text, "start", "end", speaker_kind'
        " FROM read_parquet({files}, union_by_name = true)",
    ),
    (
        "fact_date_mention",
        "dates_ok",
        "INSERT INTO fact_date_mention SELECT article_id, mention_idx, $run_date, text, value, kind,"
        ' "start", "end" FROM read_parquet({files}, union_by_name = true)',
    ),
    (
        "fact_feed_fetch",
        "feed_fetch",
        "INSERT INTO fact_feed_fetch SELECT run_date, source_id, feed_url, fetched_at, status,"
        " http_status, bytes, duration_ms, entries_seen, entries_new, error, etag, last_modified"
        " FROM read_parquet({files}, union_by_name = true)",
    ),
    (
        "quarantine",
        "quarantine",
        "INSERT INTO quarantine (quarantine_id, run_date, stage, source_id, record_key, rule, detail,"
        " payload, quarantined_at) SELECT md5(concat_ws('|', run_date, stage,"
        " coalesce(record_key, ''), rule, row_number() OVER ())), run_date, stage, source_id,"
        " record_key, rule, detail, payload, now() FROM read_parquet({files}, union_by_name = true)",
    ),
    (
        "dq_result",
        "dq",
        "INSERT INTO dq_result SELECT run_date, stage, suite, expectation, column_name, success,"
        " observed_value, unexpected_count, element_count, now()"
        " FROM read_parquet({files}, union_by_name = true)",
    ),
]


def _baseline_load(settings, run_date: str) -> tuple[float, int]:
    """DuckDB's own INSERT … SELECT FROM read_parquet of the same files, one transaction."""
    import duckdb

    con = duckdb.connect(str(settings.warehouse))
    rows = 0
    t0 = time.perf_counter()
    con.execute("BEGIN TRANSACTION")
    for _table, folder, sql in BASELINE_SQL:
        files = sorted(str(p) for p in (settings.run_staging(run_date) / folder).glob("*.parquet"))
        if not files:
            continue
        stmt = sql.format(files="[" + ", ".join(f"'{f}'" for f in files) + "]")
        params = {"run_date": date.fromisoformat(run_date)} if "$run_date" in stmt else None
        cur = con.execute(stmt, params) if params else con.execute(stmt)
        rows += int(cur.fetchone()[0])
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed, rows


class _Timed:
    """Wrap a module attribute to accumulate its wall time (measurement only)."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.seconds = 0.0

    def __enter__(self) -> _Timed:
        def wrapper(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return self.original(*a, **kw)
            finally:
                self.seconds += time.perf_counter() - t0

        setattr(self.module, self.name, wrapper)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.original)


def bench_load(src_data: Path, run_date: str, repeats: int) -> dict[str, Any]:
    import akhbar.quality as quality
    import akhbar.warehouse.load as wl
    import akhbar.warehouse.publish as wp

    times, base_times, parts, cluster_step = [], [], [], []
    rows = 0
    # The first load_run of a process imports Great Expectations and builds its
    # context; time it apart (a fresh Airflow task process pays it every run).
    from akhbar.pipeline.run import Run

    settings = _copy_staging(src_data, run_date, WORK / "load" / "cold")
    t0 = time.perf_counter()
    wl.load_run(Run.of(run_date, settings, "bench"))
    cold = time.perf_counter() - t0
    for i in range(repeats):
        settings = _copy_staging(src_data, run_date, WORK / "load" / f"pipeline-{i}")
        with (
            _Timed(wl, "_clusters") as t_cl,
            _Timed(wp, "publish_analyst_copy") as t_copy,
            _Timed(quality, "validate_warehouse") as t_val,
        ):
            t0 = time.perf_counter()
            wl.load_run(Run.of(run_date, settings, "bench"))
            times.append(time.perf_counter() - t0)
        parts.append(
            {
                "clusters": t_cl.seconds,
                "analyst_copy": t_copy.seconds,
                "warehouse_checks": t_val.seconds,
            }
        )
        if hasattr(wl, "update_story_clusters"):  # its own task after the load
            t0 = time.perf_counter()
            wl.update_story_clusters(Run.of(run_date, settings, "bench"))
            cluster_step.append(time.perf_counter() - t0)
        settings = _copy_staging(src_data, run_date, WORK / "load" / f"baseline-{i}")
        elapsed, rows = _baseline_load(settings, run_date)
        base_times.append(elapsed)
    ratio = [b / p for b, p in zip(base_times, times, strict=True)]
    core = [p - sum(x.values()) for p, x in zip(times, parts, strict=True)]
    return {
        "rows": rows,
        "repeats": repeats,
        "load_run_cold_s": round(cold, 3),
        "load_run_s": stats(times),
        "baseline_s": stats(base_times),
        "load_run_rows_per_s": stats([rows / t for t in times], 0),
        "baseline_rows_per_s": stats([rows / t for t in base_times], 0),
        "ratio_load_run_vs_baseline": stats(ratio, 3),
        "load_run_parts_s": {k: stats([p[k] for p in parts]) for k in parts[0]},
        "load_run_without_extras_s": stats(core),
        "ratio_without_extras": stats([b / c for b, c in zip(base_times, core, strict=True)], 3),
        "cluster_step_s": stats(cluster_step) if cluster_step else None,
    }


# --------------------------------------------------------------------------- parse / import


def _importtimes(stderr: str) -> dict[str, float]:
    """module -> cumulative import seconds, from ``python -X importtime`` output."""
    seen: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = [p.strip() for p in line.split(":", 1)[1].split("|")]
        if parts[0].isdigit():
            seen[parts[2]] = int(parts[1]) / 1e6
    return seen


def bench_parse(repeats: int, cold_imports: bool = True) -> dict[str, Any]:
    """Each DAG file parsed by DagBag in a fresh process (Airflow itself already
    imported, as in the DAG processor); akhbar imports timed with ``-X importtime``."""
    env = airflow_env(WORK / "airflow_home")
    code = (
        "import json, sys, time\n"
        "from airflow.dag_processing.dagbag import DagBag\n"
        "t0 = time.perf_counter()\n"
        "bag = DagBag(dag_folder=sys.argv[1])\n"
        "dt = time.perf_counter() - t0\n"
        "print(json.dumps({'s': dt, 'dags': len(bag.dags), 'errors': len(bag.import_errors)}))\n"
    )
    per_file: dict[str, Any] = {}
    for path in sorted((REPO / "dags").glob("*.py")):
        vals, info = [], {}
        akhbar_imports: dict[str, list[float]] = {}
        for _ in range(repeats):
            out = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", code, str(path)],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
            info = json.loads(out.stdout.strip().splitlines()[-1])
            vals.append(info["s"])
            for mod, sec in _importtimes(out.stderr).items():
                if mod.startswith("akhbar") and mod.count(".") <= 1:
                    akhbar_imports.setdefault(mod, []).append(sec)
        per_file[path.name] = {
            "parse_s": stats(vals),
            "dags": info["dags"],
            "import_errors": info["errors"],
            "akhbar_imports_during_parse_s": {
                k: stats(v)
                for k, v in sorted(
                    akhbar_imports.items(), key=lambda kv: -statistics.median(kv[1])
                )[:5]
            },
        }
    imports: dict[str, list[float]] = {"akhbar": [], "akhbar.assets": [], "airflow.sdk": []}
    for _ in range(repeats if cold_imports else 0):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import akhbar.assets"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        seen = _importtimes(out.stderr)
        for name in imports:
            if name in seen:
                imports[name].append(seen[name])
    return {
        "per_file": per_file,
        "import_cumulative_s": {k: stats(v) for k, v in imports.items() if v},
        "repeats": repeats,
    }


# --------------------------------------------------------------------------- analyst queries


def _replicate_sql(factor: int) -> list[str]:
    """New article ids (md5 of id and copy number) and dates shifted by the copy number."""
    new_id = "substr(md5(a.article_id || '#' || r.i::VARCHAR), 1, 16)"
    shift = "to_days(CAST(r.i AS INTEGER))"
    rep = f"(SELECT range AS i FROM range(1, {factor})) r"
    return [
        f"INSERT INTO fact_article SELECT a.* REPLACE ({new_id} AS article_id,"
        f" a.run_date - CAST(r.i AS INTEGER) AS run_date,"
        f" a.published_at - {shift} AS published_at,"
        f" a.url || '#bench' || r.i::VARCHAR AS url,"
        f" CASE WHEN a.cluster_id IS NULL THEN NULL ELSE substr(md5(a.cluster_id || '#' ||"
        f" r.i::VARCHAR), 1, 16) END AS cluster_id) FROM base_article a, {rep}",
        f"INSERT INTO fact_entity_mention SELECT a.* REPLACE ({new_id} AS article_id,"
        f" a.run_date - CAST(r.i AS INTEGER) AS run_date) FROM base_mention a, {rep}",
        f"INSERT INTO fact_quote SELECT a.* REPLACE ({new_id} AS article_id,"
        f" a.run_date - CAST(r.i AS INTEGER) AS run_date) FROM base_quote a, {rep}",
        f"INSERT INTO fact_date_mention SELECT a.* REPLACE ({new_id} AS article_id,"
        f" a.run_date - CAST(r.i AS INTEGER) AS run_date) FROM base_date a, {rep}",
        f"INSERT INTO fact_story_cluster SELECT a.* REPLACE ({new_id} AS article_id,"
        f" substr(md5(a.cluster_id || '#' || r.i::VARCHAR), 1, 16) AS cluster_id,"
        f" a.run_date - CAST(r.i AS INTEGER) AS run_date,"
        f" a.published_at - {shift} AS published_at) FROM base_cluster a, {rep}",
        "INSERT INTO dim_date SELECT DISTINCT d, year(d), month(d), day(d), weekofyear(d),"
        " dayname(d) FROM (SELECT CAST(published_at AS DATE) AS d FROM fact_article UNION"
        " SELECT run_date FROM fact_article) WHERE d IS NOT NULL"
        " AND d NOT IN (SELECT date_day FROM dim_date)",
    ]


def bench_queries(src_warehouse: Path, target: int, repeats: int) -> dict[str, Any]:
    import duckdb

    from akhbar.warehouse.migrate import SQL_DIR
    from akhbar.warehouse.search import build_search_index, load_extension, search_articles

    path = WORK / f"warehouse-{target}.duckdb"
    path.unlink(missing_ok=True)
    shutil.copyfile(src_warehouse, path)
    con = duckdb.connect(str(path))
    load_extension(con, "fts")
    base = con.execute("SELECT count(*) FROM fact_article").fetchone()[0]
    factor = max(1, math.ceil(target / max(base, 1)))
    t0 = time.perf_counter()
    for name, table in (
        ("base_article", "fact_article"),
        ("base_mention", "fact_entity_mention"),
        ("base_quote", "fact_quote"),
        ("base_date", "fact_date_mention"),
        ("base_cluster", "fact_story_cluster"),
    ):
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {table}")
    con.execute("BEGIN TRANSACTION")
    for stmt in _replicate_sql(factor):
        con.execute(stmt)
    con.execute("COMMIT")
    replicate_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    build_search_index(con)
    index_s = time.perf_counter() - t0
    con.execute("CHECKPOINT")
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("fact_article", "fact_entity_mention", "fact_quote", "fact_date_mention")
    }

    def timed(sql: str, params: list | None = None) -> list[float]:
        out = []
        for _ in range(repeats):
            t = time.perf_counter()
            con.execute(sql, params or []).fetchall()
            out.append(time.perf_counter() - t)
        return out

    views = [
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
            " ORDER BY view_name"
        ).fetchall()
    ]
    view_results = {}
    for v in views:
        counts_s = timed(f"SELECT count(*) FROM {v}")
        # a view that takes seconds to count takes as long for its first rows
        # (aggregations): skip that second measurement to stay in budget
        view_results[v] = {
            "first_100_rows_s": stats(timed(f"SELECT * FROM {v} LIMIT 100"))
            if statistics.median(counts_s) < 1.0
            else {},
            "count_all_s": stats(counts_s),
        }
    analysis = {}
    for f in sorted((SQL_DIR / "analysis").glob("*.sql")):
        sql = f.read_text(encoding="utf-8").strip().rstrip(";")
        try:
            analysis[f.name] = stats(timed(sql))
        except duckdb.Error as exc:
            analysis[f.name] = {"error": str(exc)[:200]}
    search = {}
    for q in SEARCH_TERMS:
        vals = []
        for _ in range(repeats):
            t = time.perf_counter()
            hits = search_articles(con, q, limit=20)
            vals.append(time.perf_counter() - t)
        search[q] = {**stats(vals), "hits": len(hits)}
    con.close()
    med = [v["count_all_s"]["median"] for v in view_results.values()]
    return {
        "rows": counts,
        "replicated_from": int(base),
        "factor": factor,
        "replicate_s": round(replicate_s, 2),
        "build_search_index_s": round(index_s, 2),
        "repeats": repeats,
        "views": view_results,
        "views_median_of_medians_s": round(statistics.median(med), 4) if med else None,
        "analysis_queries": analysis,
        "search_articles": search,
        "search_median_s": round(statistics.median([v["median"] for v in search.values()]), 4),
    }


# --------------------------------------------------------------------------- report


def _fmt(s: dict[str, Any], unit: str = "", scale: float = 1.0, digits: int = 3) -> str:
    if not s or "median" not in s:
        return "n/a"
    f = f"{{:.{digits}f}}"
    return (
        f"{f.format(s['median'] * scale)}{unit} "
        f"({f.format(s['min'] * scale)} – {f.format(s['max'] * scale)}, n={s['n']})"
    )


def render_md(r: dict[str, Any]) -> str:
    lines = [
        "# Akhbar benchmarks",
        "",
        f"Generated by `bench/run.py{' --quick' if r['quick'] else ''}` on {r['generated_at']}"
        f" ({r['machine']['cpus']} CPUs, Python {r['machine']['python']}, load average"
        f" {r['machine'].get('loadavg_start', ['?'])[0]} at start and"
        f" {r['machine'].get('loadavg_end', ['?'])[0]} at the end); whole bench"
        f" {r['total_s']:.0f} s. Figures are **median (min – max, n = repeats)**. Baselines"
        " ran in the same process on the same machine, so the ratios (not the absolute"
        " times) are what compares across machines. How each figure is measured:"
        " `bench/README.md`.",
        "",
        "## Summary",
        "",
        "| measure | result | goal |",
        "|---|---|---|",
    ]
    ex, ld = r.get("extraction"), r.get("load")
    if ex:
        lines.append(
            f"| extraction CPU, pipeline (`build_article`) / `trafilatura.extract` "
            f"| {_fmt(ex['ratio_build_article_vs_trafilatura'], 'x', digits=2)} "
            f"| {GOALS['extraction_ratio']} |"
        )
        lines.append(
            f"| Arabic extraction (`analyze`) share of pipeline CPU "
            f"| {_fmt(ex['analyze_share_of_build_article'], '%', 100, 0)} | – |"
        )
        lines.append(
            f"| Arabic extraction, page articles / s / core "
            f"| {_fmt(ex['analyze_articles_per_s_per_core'], '', digits=0)} | – |"
        )
        lines.append(
            f"| Arabic extraction, feed items / s / core "
            f"| {_fmt(ex['analyze_feed_items_per_s_per_core'], '', digits=0)} | – |"
        )
    if ld:
        lines.append(
            f"| load rows/s, `load_run` / DuckDB `INSERT … SELECT read_parquet` "
            f"| {_fmt(ld['ratio_load_run_vs_baseline'], 'x', digits=2)} "
            f"| {GOALS['load_ratio']} |"
        )
        lines.append(
            f"| same, `load_run` minus clusters/checks/copy "
            f"| {_fmt(ld['ratio_without_extras'], 'x', digits=2)} | – |"
        )
    for key, e in r.get("e2e", {}).items():
        lines.append(
            f"| end to end {key} articles: ms per article (first run) "
            f"| {e['first']['ms_per_article']:.1f} ms | linear |"
        )
        lines.append(
            f"| end to end {key}: peak RSS (sampled, process + children) "
            f"| {e['first']['peak_rss_sampled_mb']:.0f} MB | flat |"
        )
        if "second" not in e:
            continue
        lines.append(
            f"| incremental re-run {key}: wall time / first run "
            f"| {100 * e['incremental_fraction']:.1f}% | {GOALS['incremental_fraction']} |"
        )
        lines.append(
            f"| incremental re-run {key}: pages fetched "
            f"| {e['incremental_pages_fetched']} | {GOALS['incremental_pages']} |"
        )
    tm = r.get("task_memory")
    if tm:
        lines.append(
            f"| peak RSS of the largest task process (every workload of the memory series) "
            f"| {tm['largest_task_mb']} MB | < 512 MB |"
        )
        for k, v in tm.items():
            if k.startswith("growth_"):
                lines.append(
                    f"| {k.removeprefix('growth_')} task peak RSS, largest / smallest size "
                    f"| {v}x | ≤ 1.15x |"
                )
    if ld and ld.get("cluster_step_s"):
        lines.append(
            f"| story clusters, own task after the load (not in the load ratio) "
            f"| {_fmt(ld['cluster_step_s'], ' s')} | – |"
        )
    lin = r.get("linearity")
    if lin:
        lines.append(
            f"| end to end: ms per article, large run / small run "
            f"| {lin['ratio_big_vs_small']:.2f}x | ~1.0x (linear) |"
        )
    pa = r.get("parse")
    if pa:
        for name, v in pa["per_file"].items():
            lines.append(
                f"| DAG parse `dags/{name}` (fresh process) "
                f"| {_fmt(v['parse_s'], ' s')} | {GOALS['parse_s']} |"
            )
            for mod, x in v["akhbar_imports_during_parse_s"].items():
                lines.append(
                    f"| … import `{mod}` during that parse (cumulative) | {_fmt(x, ' s')} | – |"
                )
        for name, v in pa["import_cumulative_s"].items():
            lines.append(
                f"| import `{name}` alone, cold (cumulative, `-X importtime`) "
                f"| {_fmt(v, ' s')} | – |"
            )
    q = r.get("queries")
    if q:
        lines.append(
            f"| views over {q['rows']['fact_article']:,} articles: median of "
            f"`count(*)` medians | {q['views_median_of_medians_s']:.3f} s | – |"
        )
        lines.append(
            f"| full-text `search_articles` over {q['rows']['fact_article']:,} "
            f"articles (median of terms) | {q['search_median_s']:.3f} s | – |"
        )
    if ex:
        lines += [
            "",
            "## Extraction (CPU per article, `time.process_time`)",
            "",
            f"{ex['pages']} page variants ({ex['arabic_pages']} Arabic) and "
            f"{ex['feed_items']} feed items of the scaled snapshot, {ex['repeats']} "
            "repeats after a warm-up pass.",
            "",
            "| step | ms / article |",
            "|---|---|",
        ]
        for k, v in ex["ms_per_article"].items():
            lines.append(f"| `{k}` | {_fmt(v, ' ms', digits=1)} |")
    if ld:
        lines += [
            "",
            "## Load",
            "",
            f"{ld['rows']:,} staged rows (articles, mentions, quotes, dates, feed"
            f" fetches, quarantine, dq results) of the {r['small']}-article end-to-end"
            " run, loaded into a"
            f" fresh migrated warehouse, {ld['repeats']} repeats after one cold"
            f" `load_run` ({ld['load_run_cold_s']} s: Great Expectations import and"
            " context, paid once per task process).",
            "",
            "| | seconds | rows / s |",
            "|---|---|---|",
            f"| `load_run` | {_fmt(ld['load_run_s'], ' s')} "
            f"| {_fmt(ld['load_run_rows_per_s'], '', digits=0)} |",
            f"| baseline `INSERT … SELECT FROM read_parquet` | "
            f"{_fmt(ld['baseline_s'], ' s')} | {_fmt(ld['baseline_rows_per_s'], '', digits=0)}"
            " |",
            "",
            "Where `load_run`'s time goes (parts the baseline does not do):",
            "",
            "| part | seconds |",
            "|---|---|",
        ]
        for k, v in ld["load_run_parts_s"].items():
            lines.append(f"| {k} | {_fmt(v, ' s')} |")
        lines.append(
            f"| rest (SQL of `sql/load`, staging reads) "
            f"| {_fmt(ld['load_run_without_extras_s'], ' s')} |"
        )
    if r.get("e2e"):
        lines += [
            "",
            "## End to end (`dag.test()` of `akhbar_daily`, replay server, delays 0)",
            "",
            "One run each: the first run, then (smaller size only) the same logical date"
            " again in a new process.",
            "",
            "| articles | sources | loaded | wall s | articles/s | ms/article | CPU s "
            "| peak RSS MB | ru_maxrss MB | requests (feeds/robots/pages) | re-run s "
            "| re-run % | re-run pages |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for key, e in r["e2e"].items():
            f, s = e["first"], e.get("second")
            rq = f["requests"]
            again = (
                f"{s['wall_s']:.1f} | {100 * e['incremental_fraction']:.1f} "
                f"| {e['incremental_pages_fetched']}"
                if s
                else "– | – | –"
            )
            lines.append(
                f"| {key} | {e['sources']} | {f['articles_loaded']} | {f['wall_s']:.1f} "
                f"| {f['articles_per_s']:.1f} | {f['ms_per_article']:.1f} | {f['cpu_s']:.1f} "
                f"| {f['peak_rss_sampled_mb']:.0f} | {f['ru_maxrss_self_mb']:.0f} "
                f"| {rq['feeds']}/{rq['robots']}/{rq['pages']} | {again} |"
            )
        if r.get("e2e_note"):
            lines += ["", r["e2e_note"]]
        lines += [
            "",
            "Task time by task id (sum over mapped instances, Airflow's own"
            " durations), first run / re-run:",
            "",
            "| task | " + " | ".join(f"{k} first s | {k} re-run s" for k in r["e2e"]) + " |",
            "|---|" + "---|---|" * len(r["e2e"]),
        ]
        tasks = list(next(iter(r["e2e"].values()))["first"].get("task_seconds", {}))
        for t in tasks:
            cells = []
            for e in r["e2e"].values():
                cells.append(f"{e['first'].get('task_seconds', {}).get(t, 0):.1f}")
                second = e.get("second")
                cells.append(f"{second.get('task_seconds', {}).get(t, 0):.1f}" if second else "–")
            lines.append(f"| `{t}` | " + " | ".join(cells) + " |")
    if q:
        lines += [
            "",
            f"## Analyst queries over {q['rows']['fact_article']:,} articles",
            "",
            f"Built from the {r['small']}-article run's warehouse"
            f" ({q['replicated_from']} articles) x"
            f" {q['factor']} with new ids and dates shifted by the copy number "
            f"({q['replicate_s']} s); search index rebuilt in "
            f"{q['build_search_index_s']} s. Rows: {q['rows']}.",
            "",
            "| view | first 100 rows | count(*) |",
            "|---|---|---|",
        ]
        for v, x in q["views"].items():
            lines.append(
                f"| `{v}` | {_fmt(x['first_100_rows_s'], ' s')} | {_fmt(x['count_all_s'], ' s')} |"
            )
        lines += ["", "| analysis query (`sql/analysis`) | seconds |", "|---|---|"]
        for name, x in q["analysis_queries"].items():
            lines.append(f"| `{name}` | {_fmt(x, ' s') if 'median' in x else x['error']} |")
        lines += ["", "| `search_articles(q)` | seconds | hits |", "|---|---|---|"]
        for term, x in q["search_articles"].items():
            lines.append(f"| {term} | {_fmt(x, ' s')} | {x['hits']} |")
    pr = r.get("profile")
    if pr:
        lines += [
            "",
            "## Profile of extraction (pyinstrument)",
            "",
            f"{pr['articles']} articles ({pr['pages']} pages, {pr['feed_items']} feed"
            f" items) through `build_article`, {pr['duration_s']} s. Self time by"
            " module:",
            "",
            "| module | share |",
            "|---|---|",
        ]
        for k, v in pr["self_time_by_module"].items():
            if v >= 0.005:
                lines.append(f"| {k} | {100 * v:.1f}% |")
        lines += ["", "Top functions by self time:", "", "| function | s |", "|---|---|"]
        for k, v in pr["top_functions_self_s"].items():
            lines.append(f"| `{k}` | {v:.3f} |")
        lines += [
            "",
            "<details><summary>call tree</summary>",
            "",
            "```",
            pr["tree"],
            "```",
            "",
            "</details>",
        ]
    lines += _render_task_memory(r.get("task_memory"))
    lines += _render_scheduler(r.get("scheduler"))
    lines += _render_lake(r.get("lake"))
    if r.get("notes"):
        lines += ["", "## Notes", ""] + [f"* {n}" for n in r["notes"]]
    return "\n".join(lines) + "\n"


def _render_task_memory(tm: dict[str, Any] | None) -> list[str]:
    """Peak RSS per task process (bench/memory.py), 1k -> 10k and a real day."""
    if not tm:
        return []
    lines = [
        "",
        "## Task processes: peak RSS (`bench/memory.py`)",
        "",
        "Each task of a run forked from a process that imported `airflow.sdk` and"
        " preloaded the pipeline (as the warm LocalExecutor's workers do); `VmHWM` of each."
        " Larger scaled sizes run the load and cluster tasks on the first size's staged"
        " rows replicated (an ingest task's batch is one feed of at most 250 items at any"
        " size).",
        "",
        "| workload | articles loaded | fixed part MB | ingest median / max MB | load MB "
        "| cluster MB | largest task MB | load s | cluster s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, v in tm.items():
        if not isinstance(v, dict):
            continue
        ingest = v.get("ingest_peak_mb")
        ingest_cell = f"{ingest['median']} / {ingest['max']}" if ingest else "–"
        lines.append(
            f"| {key} | {v.get('articles_loaded')} | {v.get('fixed_rss_mb')} "
            f"| {ingest_cell} "
            f"| {v.get('load_peak_mb', '–')} | {v.get('cluster_peak_mb', '–')} "
            f"| {v.get('largest_task_mb')} | {v.get('load_work_s', '–')} "
            f"| {v.get('cluster_work_s', '–')} |"
        )
    growth = {k: v for k, v in tm.items() if k.startswith("growth_")}
    if growth:
        lines += [
            "",
            "Growth from the smallest to the largest size: "
            + ", ".join(f"{k.removeprefix('growth_')} {v}x" for k, v in growth.items())
            + " (goal: within 1.15x; every task < 512 MB).",
        ]
    return lines


def _render_lake(lake: dict[str, Any] | None) -> list[str]:
    """The DuckLake section: the same staged date loaded into the file and into a lake."""
    if not lake:
        return []
    if "skipped" in lake:
        return ["", "## DuckLake load", "", f"Skipped: {lake['skipped']}."]

    def fmt(v: dict[str, Any]) -> str:
        return f"{v['median']} ({v['min']} – {v['max']}, n = {v['n']})"

    return [
        "",
        "## DuckLake load",
        "",
        f"`load_run` of one staged date, alternating; catalog: {lake['catalog']}.",
        "",
        "| warehouse | load s |",
        "|---|---|",
        f"| DuckDB file | {fmt(lake['file_load_s'])} |",
        f"| DuckLake | {fmt(lake['lake_load_s'])} |",
        f"| ratio file / lake (higher is better for the lake) | {fmt(lake['ratio_file_vs_lake'])} |",
    ]


def _render_scheduler(sc: dict[str, Any] | None) -> list[str]:
    """The scheduler section: a real news_week day, LocalExecutor vs one process."""
    if not sc:
        return []
    if "skipped" in sc:
        return ["", "## Scheduler", "", f"Skipped: {sc['skipped']}."]
    return [
        "",
        "## Scheduler",
        "",
        f"news_week {sc['day']}: {sc['articles']} articles from {sc['outlets']} outlets, "
        f"`akhbar_daily` as an `airflow backfill` under the LocalExecutor scheduler "
        f"({sc['tasks']} task instances) vs the same stage functions in one process. "
        f"{sc['note']}.",
        "",
        "| measure | result | goal |",
        "|---|---|---|",
        f"| scheduler wall / one process | {sc['ratio_vs_single_process']}x "
        f"({sc['wall_s']} s vs {sc['single_process_wall_s']} s) | ≤ 1.5x |",
        f"| fixed overhead per task (wall − work), median / max | "
        f"{sc['task_overhead_s_median']} s / {sc['task_overhead_s_max']} s | ≤ 3 s |",
        f"| peak RSS of the largest task process | {sc['peak_task_rss_mb']} MB | < 512 MB |",
    ]


# --------------------------------------------------------------------------- main


def _extraction_section(result: dict[str, Any], snap_dir: Path, quick: bool) -> None:
    log("extraction")
    result["extraction"] = bench_extraction(snap_dir, 5 if quick else 100, 2 if quick else 3)
    # The headline ratio is the fair one (bench/extraction.py): entries carry their feed
    # dates, the trafilatura baseline uses the pipeline's options, functions alternate
    # page by page. The older measurement (default options) is kept beside it.
    from extraction import run_extraction_bench, snapshot_pages

    pages, dates = snapshot_pages(snap_dir, limit=5 if quick else 100)
    fair = run_extraction_bench(pages, 2 if quick else 3, feed_dates=dates)
    ex = result["extraction"]
    ex["ratio_build_article_vs_trafilatura_default_options"] = ex[
        "ratio_build_article_vs_trafilatura"
    ]
    ex["ratio_build_article_vs_trafilatura"] = fair["ratio_build_article_vs_trafilatura"]
    ex["fair"] = fair


def _carry_over(result: dict[str, Any], skip: set[str], previous_file: Path) -> None:
    """Skipped sections keep the previous results file's figures, marked as such."""
    if not skip or not previous_file.is_file():
        return
    previous = json.loads(previous_file.read_text(encoding="utf-8"))
    when = previous.get("generated_at", "an earlier run")
    for key in ("queries", "scheduler"):
        if key in skip and isinstance(previous.get(key), dict) and "skipped" not in previous[key]:
            result[key] = {**previous[key], "carried_over_from": when}
            result["notes"].append(f"`{key}` not re-measured: carried over from {when}.")


WEEK_DIR = REPO.parent / "shared" / "corpus" / "news_week" / "dataset"
WEEK_DAY = date(2015, 8, 7)


def bench_load_memory_replicated(src_root: Path, base: int, n: int) -> dict[str, Any]:
    """load + cluster task memory with the ``base``-article run's staging made n/base x larger."""
    root = WORK / f"memory-load-{n}"
    shutil.rmtree(root, ignore_errors=True)
    (root / "data").mkdir(parents=True)
    shutil.copytree(src_root / "data" / "staging", root / "data" / "staging")
    args = ["--load-only", str(root), RUN_DATE, str(max(1, round(n / base)))]
    return _run_memory_py(root, args, "replicated load memory run")


def task_memory_series(sizes: list[int], quick: bool) -> dict[str, Any]:
    """Peak RSS per task process: every task at the first size; the load and cluster
    tasks at the larger sizes (the first size's staged rows replicated: an ingest
    task's batch is one feed, at most 250 items, whatever the size of the day);
    and every task over a real news_week day."""
    series: dict[str, Any] = {}
    first = sizes[0]
    log(f"task memory, {first} scaled articles, every task")
    series[str(first)] = bench_task_memory(first, RUN_DATE, quick)
    src_root = WORK / f"memory-{'quick-' if quick else ''}{first}"
    for n in sizes[1:]:
        log(f"task memory, load and cluster of {n} articles ({first} replicated)")
        series[str(n)] = bench_load_memory_replicated(src_root, first, n)
    if not quick and WEEK_DIR.is_dir():
        log(f"task memory, news_week {WEEK_DAY}")
        series["news_week"] = bench_task_memory_week(WEEK_DIR, WEEK_DAY)
    if len(sizes) > 1:
        small, big = series[str(first)], series[str(sizes[-1])]
        for task in ("load", "cluster"):
            if f"{task}_peak_mb" in small and f"{task}_peak_mb" in big:
                series[f"growth_{task}"] = round(
                    big[f"{task}_peak_mb"] / small[f"{task}_peak_mb"], 3
                )
    series["largest_task_mb"] = max(
        v["largest_task_mb"] for v in series.values() if isinstance(v, dict)
    )
    return series


def memory_only(args: argparse.Namespace) -> int:
    sizes = [int(x) for x in args.memory_sizes.split(",") if x]
    setup = prepare_airflow_home(WORK / "airflow_home")
    if setup:
        log(f"Airflow metadata DB created first ({setup:.0f} s)")
    series = task_memory_series(sizes, args.quick)
    out = WORK / "memory-series.json"
    out.write_text(json.dumps(series, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(series, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Akhbar benchmarks (see bench/README.md)")
    ap.add_argument("--quick", action="store_true", help="small version (< 1 minute)")
    ap.add_argument("--out-dir", type=Path, default=BENCH)
    ap.add_argument("--big", type=int, default=10_000, help="articles of the large e2e run")
    ap.add_argument(
        "--budget",
        type=float,
        default=BUDGET_S,
        help="seconds for the whole bench; the large e2e size is chosen to fit (default 900)",
    )
    ap.add_argument(
        "--memory-only",
        action="store_true",
        help="only the task-memory series (quicker mode for iterating on memory)",
    )
    ap.add_argument(
        "--memory-sizes",
        default="1000,10000",
        help="scaled-snapshot sizes of the task-memory series (default 1000,10000)",
    )
    ap.add_argument(
        "--skip",
        default="",
        help="comma-separated sections to leave out (quicker iteration): e2e, extraction,"
        " profile, load, lake, parse, memory, big, scheduler, queries",
    )
    ap.add_argument("--serve-replay", help=argparse.SUPPRESS)
    ap.add_argument("--e2e-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve_replay:
        return serve_replay(args.serve_replay)
    if args.e2e_child:
        return e2e_child(*args.e2e_child)

    start = time.perf_counter()
    os.environ.update(
        {
            k: v
            for k, v in airflow_env(WORK / "airflow_home").items()
            if k.startswith(("AIRFLOW", "GX_"))
        }
    )
    WORK.mkdir(parents=True, exist_ok=True)
    if args.memory_only:
        return memory_only(args)
    quick = args.quick
    skip = {x.strip() for x in args.skip.split(",") if x.strip()}
    small = 20 if quick else 1000
    result: dict[str, Any] = {
        "quick": quick,
        "small": small,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        },
        "goals": GOALS,
        "notes": [f"Sections left out (--skip): {', '.join(sorted(skip))}."] if skip else [],
        "e2e": {},
    }
    log("preparing the bench Airflow home")
    setup = prepare_airflow_home(WORK / "airflow_home")
    if setup:
        result["notes"].append(f"Airflow metadata DB created first ({setup:.0f} s, not counted).")

    if "e2e" in skip:  # the scaled snapshot and an earlier e2e run's data, if any
        e_small = None
        src_data = WORK / f"e2e-{'quick-' if quick else ''}{small}" / "data"
        warc_dir = snapshot_for(small, quick).warc_dir
    else:
        log(f"end to end, {small} articles")
        e_small = bench_e2e(small, RUN_DATE, quick)
        result["e2e"][str(small)] = e_small
        src_data = Path(e_small["root"]) / "data"
        warc_dir = Path(e_small["warc_dir"])
    # Quick: the 9 real pages of snapshot/ itself (its scaled copy has too few pages).
    snap_dir = REPO / "snapshot" / "warc" if quick else warc_dir
    # Extraction runs with the same AKHBAR_* environment as a pipeline task.
    os.environ.update(
        {
            "AKHBAR_DATA_DIR": str(src_data),
            "AKHBAR_WAREHOUSE": str(src_data / "akhbar.duckdb"),
            "AKHBAR_MIN_DELAY_S": "0",
        }
    )
    if "extraction" not in skip:
        _extraction_section(result, snap_dir, quick)
    if "profile" not in skip:
        log("profile")
        result["profile"] = profile_extraction(snap_dir, 10 if quick else 100)
    if "load" not in skip:
        log("load")
        result["load"] = bench_load(src_data, RUN_DATE, 1 if quick else 3)
    if "lake" not in skip:
        from bench.lake import bench_lake_load

        log("load into DuckLake (PostgreSQL catalog on loopback) vs the DuckDB file")
        result["lake"] = bench_lake_load(src_data, RUN_DATE, 1 if quick else 3)
    if "parse" not in skip:
        log("DAG parse and import time")
        result["parse"] = bench_parse(1 if quick else 3, cold_imports=not quick)
    if "memory" not in skip:
        sizes = [small, 10 * small] if quick else [int(x) for x in args.memory_sizes.split(",")]
        result["task_memory"] = task_memory_series(sizes, quick)
    if not quick and "big" not in skip and e_small is not None:
        per_article = e_small["first"]["wall_s"] / max(e_small["first"]["articles_loaded"], 1)
        fixed = e_small["first"]["wall_s"] * 0.1
        elapsed = time.perf_counter() - start
        # keep QUERIES_RESERVE_S for the analyst queries that follow
        left = args.budget - elapsed - QUERIES_RESERVE_S
        chosen = None
        for n in sorted({args.big, 10_000, 5_000, 2_000}, reverse=True):
            if n > args.big:
                continue
            # first run only (the re-run is measured at the small size) + 10% margin
            # + building and loading the scaled snapshot (~10 ms/article)
            estimate = (per_article * n + fixed) * 1.1 + 0.01 * n
            if estimate <= left:
                chosen = n
                break
        if chosen is None:
            result["e2e_note"] = (
                f"Large run skipped: {left:.0f} s left of the {args.budget:.0f} s budget."
            )
        else:
            if chosen != args.big:
                result["e2e_note"] = (
                    f"Large run uses {chosen} articles, not {args.big}: estimated from the"
                    f" {small}-article run ({1000 * per_article:.0f} ms/article), {args.big}"
                    f" would not fit the {args.budget / 60:.0f}-minute budget ({left:.0f} s left"
                    " after keeping time for the analyst queries; `--budget` raises it)."
                )
            log(f"end to end, {chosen} articles")
            e_big = bench_e2e(chosen, RUN_DATE, rerun=False)
            result["e2e"][str(chosen)] = e_big
            result["linearity"] = {
                "ms_per_article": {
                    k: round(v["first"]["ms_per_article"], 2) for k, v in result["e2e"].items()
                },
                "ratio_big_vs_small": round(
                    e_big["first"]["ms_per_article"] / e_small["first"]["ms_per_article"], 3
                ),
                "peak_rss_mb": {
                    k: round(v["first"]["peak_rss_sampled_mb"]) for k, v in result["e2e"].items()
                },
            }
    week_dir = REPO.parent / "shared" / "corpus" / "news_week" / "dataset"
    if quick or "scheduler" in skip:
        result["scheduler"] = {"skipped": "not in --quick or --skip (a real day, the scheduler)"}
    elif not week_dir.is_dir():
        result["scheduler"] = {"skipped": f"needs the news_week corpus at {week_dir}"}
    else:
        from scheduler import run_scheduler_bench

        log("scheduler: a real news_week day, LocalExecutor vs one process")
        result["scheduler"] = run_scheduler_bench(week_dir, WORK / "scheduler", log=log)
    if "queries" not in skip:
        log("analyst queries")
        result["queries"] = bench_queries(
            src_data / "akhbar_analyst.duckdb", 2_000 if quick else 100_000, 2 if quick else 3
        )
    _carry_over(result, skip, args.out_dir / "results.json")
    result["total_s"] = time.perf_counter() - start
    result["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "results.json").write_text(
        json.dumps(result, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    (args.out_dir / "results.md").write_text(render_md(result), encoding="utf-8")
    log(f"done in {result['total_s']:.0f} s: {args.out_dir / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
