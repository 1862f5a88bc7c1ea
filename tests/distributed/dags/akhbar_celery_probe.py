"""A small DAG that proves the CeleryExecutor path: a mapped task and a pooled single-writer task.

Each task writes a JSON file under ``$AKHBAR_DATA_DIR/celery_probe/`` recording its host, pid and
process ancestry, so the test can check a Celery worker (not the scheduler) ran it.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from pathlib import Path

from airflow.sdk import dag, task


def _record(name: str, payload: dict) -> str:
    import psutil

    out = Path(os.environ.get("AKHBAR_DATA_DIR", "/tmp")) / "celery_probe"
    out.mkdir(parents=True, exist_ok=True)
    chain = []
    proc = psutil.Process()
    while proc is not None and len(chain) < 8:
        try:
            chain.append(" ".join(proc.cmdline())[:200])
            proc = proc.parent()
        except psutil.Error:
            break
    path = out / f"{name}.json"
    path.write_text(
        json.dumps({**payload, "hostname": socket.getfqdn(), "pid": os.getpid(), "ancestry": chain})
    )
    return str(path)


@dag(schedule=None, start_date=datetime(2026, 1, 1), catchup=False, tags=["akhbar", "test"])
def akhbar_celery_probe():
    @task
    def read_sources() -> list[str]:
        return ["alalam", "lbc_ar_01", "skynews_ar"]

    @task(map_index_template="{{ source }}", pool="akhbar_http")
    def poll_feed(source: str) -> str:
        return _record(f"poll_{source}", {"source": source})

    @task(pool="duckdb_writer")
    def load(paths: list[str]) -> str:
        return _record("load", {"inputs": sorted(paths)})

    load(poll_feed.expand(source=read_sources()))


akhbar_celery_probe()
