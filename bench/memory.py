"""Peak RSS of each task process of one ``akhbar_daily`` run, as the warm executor runs them.

The warm LocalExecutor (:mod:`akhbar.ops.executor`) has a long-lived worker
import Airflow's task SDK and the pipeline's heavy modules once
(:func:`akhbar.pipeline.warm.preload`) and fork one process per task. This
child does the same without the scheduler around it: it imports ``airflow.sdk``,
preloads, then forks one process per task of the DAG (an ``ingest`` per source,
two at a time as on two cores, then ``load``, then ``cluster`` when the DAG has
it) and records each one's peak resident memory (``VmHWM``, as the tasks
themselves report it in their XCom) and the seconds of work it reported.

    .venv/bin/python bench/memory.py ROOT SOURCES_CSV REPLAY_PORT RUN_DATE OUT_JSON

``bench/run.py`` starts the replay server and calls it for the 1k and 10k
scaled snapshots and a real news_week day (``task_memory`` in ``results.json``).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def _rss_mb(field: str = "VmRSS") -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(f"{field}:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _fork(task: Any) -> tuple[int, int]:
    """Run ``task()`` in a forked child; returns (pid, read end of its result pipe)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the task process
        os.close(read_fd)
        code = 0
        try:
            out: dict[str, Any] = task()
        except BaseException as exc:  # reported, not raised: the parent goes on
            out, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
        out["vm_hwm_mb"] = _rss_mb("VmHWM")
        with os.fdopen(write_fd, "w", encoding="utf-8") as handle:
            json.dump(out, handle, default=str)
        os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _collect(pid: int, read_fd: int) -> dict[str, Any]:
    with os.fdopen(read_fd, encoding="utf-8") as handle:
        text = handle.read()
    os.waitpid(pid, 0)
    return json.loads(text) if text else {"error": "no result"}


def _run_parallel(tasks: list[tuple[str, Any]], width: int) -> dict[str, dict[str, Any]]:
    """Fork ``tasks`` at most ``width`` at a time; results by task name."""
    results: dict[str, dict[str, Any]] = {}
    pending = list(tasks)
    running: list[tuple[str, int, int]] = []
    while pending or running:
        while pending and len(running) < width:
            name, task = pending.pop(0)
            running.append((name, *_fork(task)))
        name, pid, fd = running.pop(0)
        results[name] = _collect(pid, fd)
    return results


def measure(run_date: str, width: int = 2) -> dict[str, Any]:
    """Every task of one run in its own forked process; peak RSS and work per task."""
    import airflow.sdk  # noqa: F401  (a task process has the task SDK imported)

    from akhbar.config import load_settings
    from akhbar.pipeline import runner
    from akhbar.pipeline.catalogue import read_catalogue
    from akhbar.pipeline.ingest import ingest_unit
    from akhbar.pipeline.run import Run
    from akhbar.pipeline.warm import preload

    preload_s = preload()
    fixed = _rss_mb()
    run = Run.of(run_date, load_settings(), "bench-memory")
    sources = read_catalogue(run)
    started = time.perf_counter()
    ingest = _run_parallel(
        [(s["source_id"], lambda s=s: ingest_unit([s], run)) for s in sources], width
    )
    after = [("load", lambda: runner.load(run))]
    if hasattr(runner, "cluster"):
        after.append(("cluster", lambda: runner.cluster(run)))
    tail = _run_parallel(after, 1)
    wall = time.perf_counter() - started
    ok = [r for r in ingest.values() if "error" not in r]
    peaks = [r["vm_hwm_mb"] for r in ingest.values()]
    out: dict[str, Any] = {
        "sources": len(sources),
        "failed": sorted(k for k, r in {**ingest, **tail}.items() if "error" in r),
        "errors": {k: r["error"] for k, r in {**ingest, **tail}.items() if "error" in r},
        "articles_ingested": sum(r.get("articles", 0) for r in ok),
        "articles_loaded": tail["load"].get("articles"),
        "wall_s": round(wall, 1),
        "work_s": round(sum(r.get("work_s", 0) for r in (*ok, *tail.values())), 1),
        "preload_s": round(preload_s, 1),
        "fixed_rss_mb": fixed,
        "ingest_peak_mb": {
            "median": round(statistics.median(peaks), 1),
            "max": max(peaks),
            "n": len(peaks),
            "largest_source": max(ingest, key=lambda k: ingest[k]["vm_hwm_mb"]),
        },
        **{f"{name}_peak_mb": r["vm_hwm_mb"] for name, r in tail.items()},
        **{f"{name}_work_s": r.get("work_s") for name, r in tail.items()},
    }
    out["largest_task_mb"] = max([*peaks, *(r["vm_hwm_mb"] for r in tail.values())])
    return out


#: Staged files that carry articles (copied with new ids and source ids).
REPLICATED = ("articles_ok", "mentions_ok", "quotes_ok", "dates_ok", "feed_fetch")


def replicate_staging(staging: Path, factor: int) -> int:
    """Make a run's staging ``factor`` times larger; returns the articles staged.

    Copy ``k`` of every source's gated files becomes source ``<id>_r<k>`` (added to
    the run's ``sources.json``) whose articles get new ids (md5 of id and ``k``)
    and URLs (``#r<k>``): the same real rows, ``factor`` times as many for the
    load and the story clusters. No text is made up.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    sources = json.loads((staging / "sources.json").read_text(encoding="utf-8"))
    added = []
    for k in range(1, factor):
        for folder in REPLICATED:
            for path in sorted((staging / folder).glob("*.parquet")):
                if "_r" in path.stem and path.stem.rsplit("_r", 1)[1].isdigit():
                    continue
                table = pq.read_table(path)
                new_source = f"{path.stem}_r{k}"
                for column in ("article_id", "url", "source_id"):
                    if column not in table.column_names:
                        continue
                    old = table.column(column)
                    if column == "article_id":
                        values = pa.array([_new_id(v, k) for v in old.to_pylist()], pa.string())
                    elif column == "url":
                        values = pa.array(
                            [None if v is None else f"{v}#r{k}" for v in old.to_pylist()],
                            pa.string(),
                        )
                    else:
                        values = pa.array([new_source] * len(table), pa.string())
                    table = table.set_column(
                        table.column_names.index(column), column, values.cast(old.type)
                    )
                pq.write_table(table, path.with_name(f"{new_source}.parquet"))
        added += [{**s, "source_id": f"{s['source_id']}_r{k}"} for s in sources]
    all_sources = [*sources, *added]
    (staging / "sources.json").write_text(json.dumps(all_sources), encoding="utf-8")
    return sum(pq.read_metadata(p).num_rows for p in (staging / "articles_ok").glob("*.parquet"))


def _new_id(article_id: str | None, copy: int) -> str | None:
    import hashlib

    if article_id is None:
        return None
    return hashlib.md5(f"{article_id}#{copy}".encode()).hexdigest()[:16]


def measure_load(run_date: str, factor: int) -> dict[str, Any]:
    """The load (and cluster) task of a run whose staging was made ``factor`` x larger."""
    import airflow.sdk  # noqa: F401

    from akhbar.config import load_settings
    from akhbar.pipeline import runner
    from akhbar.pipeline.run import Run
    from akhbar.pipeline.warm import preload

    run = Run.of(run_date, load_settings(), "bench-memory")
    # In a child: the Arrow tables of the copying stay out of the parent's (fixed) memory.
    staged = _run_parallel([("copy", lambda: {"n": replicate_staging(run.staging, factor)})], 1)
    preload()
    fixed = _rss_mb()
    tasks = [("load", lambda: runner.load(run))]
    if hasattr(runner, "cluster"):
        tasks.append(("cluster", lambda: runner.cluster(run)))
    started = time.perf_counter()
    tail = _run_parallel(tasks, 1)
    out: dict[str, Any] = {
        "replicated_x": factor,
        "articles_staged": staged["copy"].get("n"),
        "articles_loaded": tail["load"].get("articles"),
        "errors": {k: r["error"] for k, r in tail.items() if "error" in r},
        "wall_s": round(time.perf_counter() - started, 1),
        "fixed_rss_mb": fixed,
        **{f"{name}_peak_mb": r["vm_hwm_mb"] for name, r in tail.items()},
        **{f"{name}_work_s": r.get("work_s") for name, r in tail.items()},
    }
    out["largest_task_mb"] = max(r["vm_hwm_mb"] for r in tail.values())
    return out


def main(argv: list[str]) -> int:
    if argv[0] == "--load-only":  # ROOT RUN_DATE FACTOR OUT_JSON (staging already there)
        root, run_date, factor, out_json = argv[1:]
        os.environ.update(
            {
                "AKHBAR_DATA_DIR": str(Path(root) / "data"),
                "AKHBAR_WAREHOUSE": str(Path(root) / "data" / "akhbar.duckdb"),
            }
        )
        result = measure_load(run_date, int(factor))
        Path(out_json).write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(json.dumps(result), flush=True)
        return 0
    root, sources_csv, port, run_date, out_json = argv
    root_path = Path(root)
    os.environ.update(
        {
            "AKHBAR_DATA_DIR": str(root_path / "data"),
            "AKHBAR_WAREHOUSE": str(root_path / "data" / "akhbar.duckdb"),
            "AKHBAR_SOURCES": sources_csv,
            "AKHBAR_REPLAY_URL": f"http://127.0.0.1:{port}",
            "AKHBAR_ALLOW_HOSTS": f"127.0.0.1:{port}",
            "AKHBAR_MIN_DELAY_S": "0",
        }
    )
    result = measure(run_date)
    Path(out_json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
