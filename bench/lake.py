"""Load time on DuckLake (PostgreSQL catalog on loopback) beside the single DuckDB file.

``bench_lake_load(src_data, run_date, repeats)`` copies the same staging input
into fresh roots and times ``load_run`` into (a) a new DuckDB file and (b) a new
lake (its own PostgreSQL database, Parquet under the root), alternating, after
one untimed cold load that pays the imports. Schema creation is not timed on
either side. The result's ``ratio_file_vs_lake`` is file time / lake time
(> 1: the lake is faster). ``bench/run.py`` can store it under a ``lake`` key:

    from bench.lake import bench_lake_load
    result["lake"] = bench_lake_load(src_data, RUN_DATE, 1 if quick else 3)

Without PostgreSQL server binaries the result is ``{"skipped": "<reason>"}``.
Run alone: ``.venv/bin/python bench/lake.py DATA_DIR RUN_DATE [REPEATS]`` with
``DATA_DIR/staging/RUN_DATE`` staged by an earlier run.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any


class LoopbackPostgres:
    """A throwaway PostgreSQL on 127.0.0.1 (trust auth, fsync off) for lake catalogs."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        self.bin = Path(found[-1]).parent if found else None
        self.root = Path(tempfile.mkdtemp(prefix="akhbar-bench-pg-"))
        self.root.chmod(0o755)
        self.port = 0

    def _as_pg(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)

    def __enter__(self) -> LoopbackPostgres:
        assert self.bin is not None
        data, sock = self.root / "pg", self.root / "sock"
        data.mkdir()
        sock.mkdir()
        if os.geteuid() == 0:  # the server runs as postgres and writes its log here
            for path in (self.root, data, sock):
                shutil.chown(path, "postgres")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        initdb = [str(self.bin / "initdb"), "-D", str(data), "-U", "akhbar", "-A", "trust"]
        options = f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "pg.log")  # (without -l the server holds our stdout pipe)
        pg_ctl = [str(self.bin / "pg_ctl"), "-D", str(data), "-l", log, "-w", "-o", options]
        try:
            subprocess.run(self._as_pg(*initdb), check=True, capture_output=True)
            subprocess.run(self._as_pg(*pg_ctl, "start"), check=True, capture_output=True)
        except subprocess.CalledProcessError:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        stop = [str(self.bin / "pg_ctl"), "-D", str(self.root / "pg"), "-m", "fast", "stop"]
        subprocess.run(self._as_pg(*stop), capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def catalog(self, name: str) -> str:
        createdb = [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port)]
        subprocess.run([*createdb, "-U", "akhbar", name], check=True, capture_output=True)
        return f"ducklake:postgres:dbname={name} host=127.0.0.1 port={self.port} user=akhbar"


def _stats(values: list[float], digits: int = 4) -> dict[str, Any]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "n": len(values),
    }


def _prepared(src_data: Path, run_date: str, root: Path, lake: Any = None) -> Any:
    """Settings over a fresh copy of the staging, schema created (not timed)."""
    from akhbar.config import load_settings
    from akhbar.warehouse.migrate import open_warehouse

    shutil.rmtree(root, ignore_errors=True)
    settings = replace(
        load_settings(),
        data_dir=root / "data",
        warehouse=root / "data" / "akhbar.duckdb",
        lake=lake,
    )
    shutil.copytree(src_data / "staging" / run_date, settings.run_staging(run_date))
    open_warehouse(settings).close()
    return settings


def _timed_load(settings: Any, run_date: str) -> float:
    from akhbar.pipeline.run import Run
    from akhbar.warehouse.load import load_run

    started = time.perf_counter()
    load_run(Run.of(run_date, settings, "bench"))
    return time.perf_counter() - started


def bench_lake_load(
    src_data: Path, run_date: str, repeats: int, work: Path | None = None
) -> dict[str, Any]:
    """``load_run`` of one staged date: DuckDB file vs DuckLake, same input, alternating."""
    from akhbar.config import LakeTarget

    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return {"skipped": "PostgreSQL server binaries not installed (scripts/system_deps.sh)"}
    work = Path(tempfile.mkdtemp(prefix="akhbar-bench-lake-")) if work is None else work
    file_s: list[float] = []
    lake_s: list[float] = []
    with LoopbackPostgres() as server:

        def lake_settings(tag: str) -> Any:
            target = LakeTarget(server.catalog(f"bench_{tag}"), str(work / tag / "lake"))
            return _prepared(src_data, run_date, work / tag, target)

        _timed_load(_prepared(src_data, run_date, work / "cold-file"), run_date)  # imports
        _timed_load(lake_settings("cold_lake"), run_date)
        for i in range(repeats):
            file_s.append(_timed_load(_prepared(src_data, run_date, work / f"file-{i}"), run_date))
            lake_s.append(_timed_load(lake_settings(f"lake_{i}"), run_date))
    shutil.rmtree(work, ignore_errors=True)
    return {
        "repeats": repeats,
        "file_load_s": _stats(file_s),
        "lake_load_s": _stats(lake_s),
        "ratio_file_vs_lake": _stats([f / lk for f, lk in zip(file_s, lake_s, strict=True)], 3),
        "catalog": "PostgreSQL on loopback (fsync off), data path on local disk",
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (2, 3):
        print("usage: bench/lake.py DATA_DIR RUN_DATE [REPEATS]", file=sys.stderr)
        raise SystemExit(2)
    repeat = int(args[2]) if len(args) == 3 else 3
    print(json.dumps({"lake": bench_lake_load(Path(args[0]), args[1], repeat)}, indent=2))
