"""Airflow's real scheduler on this machine, for ``make week``, tests and the bench.

Starts ``airflow api-server``, ``scheduler`` and ``dag-processor`` (SQLite
metadata, :class:`akhbar.ops.executor.WarmLocalExecutor`) in their own
process group, creates backfills with ``airflow backfill create`` and follows
the runs in the metadata database. Leaving the ``with`` block stops every
process it started. This is how the pipeline runs in production, minus the
machines: no ``dags test`` shortcut.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from akhbar.config import REPO_ROOT
from akhbar.sqlfiles import sql

POOLS = REPO_ROOT / "airflow" / "settings.json"
FINISHED = ("success", "failed")
BACKFILL_ATTEMPTS = 5
SQLITE_LOCKED = "database is locked"


class AirflowRunError(RuntimeError):
    """A component did not start, or runs did not finish in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class TaskRow:
    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    label: str | None
    state: str | None
    duration_s: float | None
    try_number: int
    xcom: Any


def airflow_home_env(home: Path) -> dict[str, str]:
    """The variables that make ``home`` a local Airflow home for this repository's
    DAGs and plugins (SQLite metadata, no examples, no GX analytics)."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "GX_ANALYTICS_ENABLED": "false",
    }


def _airflow_env(home: Path, extra: dict[str, str], parallelism: int) -> dict[str, str]:
    api_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
    env.update(airflow_home_env(home))
    env.update(
        {
            "AIRFLOW__CORE__EXECUTOR": "akhbar.ops.executor.WarmLocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(parallelism),
            "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": str(parallelism),
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "30",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "MALLOC_ARENA_MAX": "2",
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        }
    )
    env.update(extra)
    if env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite"):
        env.setdefault(
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS", "akhbar.ops.sqlite_metadata.CONNECT_ARGS"
        )
    return env


class LocalAirflow:
    """Scheduler, DAG processor and API server under one process group."""

    def __init__(
        self,
        home: Path,
        env: dict[str, str] | None = None,
        *,
        parallelism: int = 2,
        say: Callable[[str], None] = print,
    ):
        self.home = home.resolve()  # SQLite needs an absolute path
        self.env = _airflow_env(self.home, env or {}, parallelism)
        self.say = say
        self.procs: list[subprocess.Popen[bytes]] = []

    # -- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> LocalAirflow:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "logs").mkdir(exist_ok=True)
        try:
            self._cli("db", "migrate", timeout=600)
            pools = json.loads(POOLS.read_text(encoding="utf-8"))["pools"]
            path = self.home / "akhbar_pools.json"
            path.write_text(json.dumps(pools), encoding="utf-8")
            self._cli("pools", "import", str(path))
            for component in ("api-server", "scheduler", "dag-processor"):
                self._start(component)
            self._wait_api()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _cli(self, *args: str, timeout: float = 300) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise AirflowRunError(f"airflow {' '.join(args)} failed: " + " | ".join(tail))
        return proc.stdout

    def _start(self, component: str) -> None:
        log = (self.home / "logs" / f"{component}.log").open("ab")
        self.procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "airflow", component],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def _wait_api(self, timeout: float = 180) -> None:
        url = f"http://127.0.0.1:{self.env['AIRFLOW__API__PORT']}/api/v2/monitor/health"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for proc in self.procs:
                if proc.poll() is not None:
                    raise AirflowRunError(
                        f"an Airflow component exited early; logs in {self.home / 'logs'}"
                    )
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
                return
            time.sleep(1)
        raise AirflowRunError(f"the API server did not answer in {timeout:.0f} s")

    def stop(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self.procs = []

    # -- metadata ----------------------------------------------------------------------
    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(f"file:{self.home / 'airflow.db'}?mode=ro", uri=True, timeout=30)
        try:
            yield con
        finally:
            con.close()

    def wait_for_dag(self, dag_id: str, timeout: float = 300) -> None:
        """Until the DAG processor has parsed and serialised the DAG."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(sqlite3.Error), self._db() as con:
                if con.execute(sql("airflow/dag_parsed"), [dag_id]).fetchone():
                    return
            time.sleep(2)
        raise AirflowRunError(
            f"DAG {dag_id} was not parsed within {timeout:.0f} s; see "
            f"{self.home / 'logs' / 'dag-processor.log'}"
        )

    def unpause(self, dag_id: str) -> None:
        self._cli("dags", "unpause", dag_id)

    def backfill(
        self, dag_id: str, first: date, last: date, conf: dict[str, Any] | None = None
    ) -> None:
        args = [
            "backfill",
            "create",
            "--dag-id",
            dag_id,
            "--from-date",
            first.isoformat(),
            "--to-date",
            last.isoformat(),
            "--max-active-runs",
            "1",
        ]
        if conf:
            args += ["--dag-run-conf", json.dumps(conf)]
        for attempt in range(1, BACKFILL_ATTEMPTS + 1):
            try:
                self._cli(*args)
                return
            except AirflowRunError as exc:
                # SQLite answers "database is locked" at once, without waiting, when a
                # transaction that has read must write while the scheduler writes; the
                # backfill's transaction is rolled back whole (no backfill, no runs), so
                # creating it again is safe.
                if SQLITE_LOCKED not in str(exc) or attempt == BACKFILL_ATTEMPTS:
                    raise
                self.say(f"backfill create met a locked metadata database; again ({attempt})")
                time.sleep(2 * attempt)

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        with contextlib.suppress(sqlite3.Error), self._db() as con:
            rows = con.execute(sql("airflow/dag_runs"), [dag_id]).fetchall()
            return [
                dict(
                    zip(
                        ("run_id", "state", "logical_date", "run_type", "start_date", "end_date"),
                        row,
                        strict=True,
                    )
                )
                for row in rows
            ]
        return []

    def pending_asset_triggers(self, dag_id: str) -> int:
        """Asset events queued for ``dag_id`` that have not become a run yet."""
        with contextlib.suppress(sqlite3.Error), self._db() as con:
            row = con.execute(sql("airflow/pending_asset_triggers"), [dag_id]).fetchone()
            return int(row[0]) if row else 0
        return 0

    def wait_for_runs(
        self,
        dag_id: str,
        count: int,
        *,
        timeout: float,
        progress: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Until ``count`` runs of the DAG have finished (success or failed)."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            runs = self.runs(dag_id)
            done = [r for r in runs if r["state"] in FINISHED]
            if progress and [r["state"] for r in runs] != last:
                progress(runs)
                last = [r["state"] for r in runs]
            if (
                len(done) >= count
                and all(r["state"] in FINISHED for r in runs)
                and not self.pending_asset_triggers(dag_id)
            ):
                return runs
            for proc in self.procs:
                if proc.poll() is not None:
                    raise AirflowRunError(
                        f"an Airflow component exited; logs in {self.home / 'logs'}"
                    )
            if time.monotonic() > deadline:
                raise AirflowRunError(
                    f"{dag_id}: {len(done)} of {count} runs finished within {timeout:.0f} s; "
                    f"logs in {self.home / 'logs'}"
                )
            time.sleep(2)

    def task_rows(self, dag_id: str) -> list[TaskRow]:
        with self._db() as con:
            rows = con.execute(sql("airflow/task_rows"), [dag_id]).fetchall()
        out = []
        for dag, run, task, index, label, state, duration, tries, value in rows:
            with contextlib.suppress(TypeError, ValueError):
                value = json.loads(value) if value is not None else None
            out.append(TaskRow(dag, run, task, index, label, state, duration, tries, value))
        return out
