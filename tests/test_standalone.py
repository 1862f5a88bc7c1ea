"""`make airflow`: scripts/airflow_standalone.sh starts Airflow and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _procs_with_home(home: Path) -> list[int]:
    """Pids of processes whose environment names this AIRFLOW_HOME (all that the script started)."""
    needle = f"AIRFLOW_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if needle in env:
            found.append(int(entry.name))
    return found


def _health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=3
        ) as resp:
            return json.loads(resp.read())
    except OSError:
        return None


def test_standalone_starts_and_ctrl_c_stops_every_process(tmp_path) -> None:
    home = tmp_path / "airflow_home"
    port = _free_port()
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AKHBAR_AIRFLOW_PORT": str(port),
        "AKHBAR_DATA_DIR": str(tmp_path / "data"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(tmp_path / "dags"),
    }
    env.pop("AIRFLOW__API__PORT", None)
    env.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    (tmp_path / "dags").mkdir()
    log = (tmp_path / "standalone.log").open("wb")
    proc = subprocess.Popen(
        ["bash", str(REPO / "scripts/airflow_standalone.sh")],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # like a terminal: Ctrl-C goes to this group
    )
    try:
        t0 = time.monotonic()
        health = None
        while time.monotonic() - t0 < 180 and proc.poll() is None:
            health = _health(port)
            if health and all(
                health.get(c, {}).get("status") == "healthy"
                for c in ("metadatabase", "scheduler", "dag_processor", "triggerer")
            ):
                break
            time.sleep(1)
        started_s = time.monotonic() - t0
        text = (tmp_path / "standalone.log").read_text(errors="replace")
        assert health is not None, f"no health answer after {started_s:.0f}s:\n{text[-3000:]}"
        assert health["scheduler"]["status"] == "healthy", health
        assert f"http://localhost:{port}" in text
        assert str(home / "simple_auth_manager_passwords.json.generated") in text
        assert "duckdb_writer(1)" in text and "akhbar_http(4)" in text
        # the plugin is mounted in the API server
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/akhbar/api/health", timeout=10) as r:
            assert json.loads(r.read())["status"] == "no_runs"
        assert len(_procs_with_home(home)) >= 5  # script, standalone, scheduler, api, ...

        t1 = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=120)  # workers may still be importing on a busy machine
        stop_s = time.monotonic() - t1
        time.sleep(1)
        left = _procs_with_home(home)
        assert left == [], f"left running: {left}"
        assert "[akhbar] stopped" in (tmp_path / "standalone.log").read_text(errors="replace")
        print(f"standalone healthy after {started_s:.1f}s, stopped in {stop_s:.1f}s")
    finally:
        for pid in _procs_with_home(home):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        log.close()
