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
from pathlib import Path

import pytest

from helpers import REPO, SNAPSHOT, SNAPSHOT_RUN_DATE, make_settings

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
# dag.test() in Airflow 3.3.2 crashes at the end of a run of a DAG with a deadline
# alert; the deadline itself is tested through the scheduler (distributed test)
# and by test_alerts.py.
os.environ["AKHBAR_DEADLINE_MINUTES"] = "0"


# ``make test`` runs two pytest-xdist workers with ``--dist loadfile``: each test
# module stays whole on one worker, so its module fixtures are built once. (xdist
# 3.8's ``loadgroup`` does not group under pytest 9: it renames ``item._nodeid``,
# which pytest 9 no longer reads.)


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """An initialised Airflow metadata DB (SQLite) with the project's pools."""
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        env=env,
        capture_output=True,
        timeout=300,
    )
    for pool, slots in (("duckdb_writer", 1), ("akhbar_http", 4)):
        subprocess.run(
            [sys.executable, "-m", "airflow", "pools", "set", pool, str(slots), "akhbar"],
            check=True,
            env=env,
            capture_output=True,
            timeout=120,
        )
    return _AIRFLOW_HOME


@pytest.fixture(scope="session")
def replay_server():
    from akhbar.fetch.replay import ReplayServer

    with ReplayServer(SNAPSHOT) as server:
        yield server


@pytest.fixture(scope="session")
def snapshot_run(tmp_path_factory, replay_server):
    """One pipeline run (stage functions, no Airflow) over the whole snapshot."""
    from akhbar.pipeline.runner import run_all

    root = tmp_path_factory.mktemp("snapshot-run")
    settings = make_settings(root, replay_server)
    summary = run_all(SNAPSHOT_RUN_DATE, settings, run_id="test")
    return settings, summary


@pytest.fixture(scope="session")
def snapshot_warehouse(snapshot_run) -> Path:
    """Path of the analyst copy of the snapshot warehouse (read-only use)."""
    settings, _ = snapshot_run
    return settings.analyst_copy
