"""Shared fixtures: a test Airflow home, the snapshot replayed on loopback,
settings pointing at temporary data dirs, and one pipeline run over the snapshot.

Airflow reads its configuration at import time, so the environment is fixed
here, before any test imports it: tests never touch the developer's
``airflow_home`` or ``data``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SNAPSHOT = REPO / "snapshot" / "warc"
SNAPSHOT_SOURCES = REPO / "snapshot" / "sources.csv"

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="akhbar-test-airflow-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_AIRFLOW_HOME}/airflow.db"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO / "plugins")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# Stages read settings from the environment; point them somewhere harmless by
# default (tests that run the pipeline set their own).
os.environ["AKHBAR_DATA_DIR"] = str(_AIRFLOW_HOME / "data")


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """An initialised Airflow metadata DB (SQLite) with the project's pools."""
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], check=True, env=env,
        capture_output=True, timeout=300,
    )
    for pool, slots in (("duckdb_writer", 1), ("akhbar_http", 4)):
        subprocess.run(
            [sys.executable, "-m", "airflow", "pools", "set", pool, str(slots), "akhbar"],
            check=True, env=env, capture_output=True, timeout=120,
        )
    return _AIRFLOW_HOME


@pytest.fixture(scope="session")
def replay_server():
    from akhbar.replay import ReplayServer

    with ReplayServer(SNAPSHOT) as server:
        yield server


def make_settings(root: Path, replay_server, **overrides):
    """Settings for a pipeline run into ``root`` against the replayed snapshot."""
    from akhbar.config import load_settings

    base = load_settings()
    settings = replace(
        base,
        data_dir=root / "data",
        warehouse=root / "data" / "akhbar.duckdb",
        sources_file=SNAPSHOT_SOURCES,
        replay_url=replay_server.base_url,
        allow_hosts=(f"127.0.0.1:{replay_server.port}",),
        min_delay_s=0.0,
    )
    return replace(settings, **overrides)


def settings_env(settings) -> dict[str, str]:
    """The AKHBAR_* environment that makes load_settings() return ``settings``."""
    return {
        "AKHBAR_DATA_DIR": str(settings.data_dir),
        "AKHBAR_WAREHOUSE": str(settings.warehouse),
        "AKHBAR_SOURCES": str(settings.sources_file),
        "AKHBAR_REPLAY_URL": settings.replay_url or "",
        "AKHBAR_ALLOW_HOSTS": ",".join(settings.allow_hosts),
        "AKHBAR_MIN_DELAY_S": str(settings.min_delay_s),
    }


SNAPSHOT_RUN_DATE = "2026-11-27"


@pytest.fixture(scope="session")
def snapshot_run(tmp_path_factory, replay_server):
    """One pipeline run (stage functions, no Airflow) over the whole snapshot."""
    from akhbar.stages import run_all

    root = tmp_path_factory.mktemp("snapshot-run")
    settings = make_settings(root, replay_server)
    summary = run_all(SNAPSHOT_RUN_DATE, settings, run_id="test")
    return settings, summary


@pytest.fixture(scope="session")
def snapshot_warehouse(snapshot_run) -> Path:
    """Path of the analyst copy of the snapshot warehouse (read-only use)."""
    settings, _ = snapshot_run
    return settings.analyst_copy
