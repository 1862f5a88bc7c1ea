"""scripts/run_distributed.sh: Postgres + Redis + CeleryExecutor run a DAG and leave nothing behind."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.distributed


def _procs_mentioning(text: str) -> list[int]:
    needle = text.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.timeout(420)
def test_celery_worker_runs_the_probe_dag(tmp_path, distributed_binaries) -> None:
    result_file = tmp_path / "result.json"
    env = {**os.environ, "AKHBAR_DIST_RESULT": str(result_file)}
    for key in [k for k in env if k.startswith("AIRFLOW")]:
        env.pop(key)  # the script owns the whole Airflow configuration
    env.pop("AKHBAR_DATA_DIR", None)
    proc = subprocess.run(
        [
            "bash",
            str(REPO / "scripts/run_distributed.sh"),
            "akhbar_celery_probe",
            str(REPO / "tests/distributed/dags"),
            "330",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    res = json.loads(result_file.read_text())
    assert res["state"] == "success"
    assert res["elapsed_s"] < 360

    tis = res["task_instances"]
    assert {t["state"] for t in tis} == {"success"}
    polls = [t for t in tis if t["task_id"] == "poll_feed"]
    assert sorted(t["rendered_map_index"] for t in polls) == ["alalam", "lbc_ar_01", "skynews_ar"]
    assert all(t["pool"] == "akhbar_http" for t in polls)
    assert next(t for t in tis if t["task_id"] == "load")["pool"] == "duckdb_writer"

    # Celery executed them: results in the db+postgresql backend, worker log, process ancestry.
    assert sum(res["celery_taskmeta"].values()) == len(tis)
    assert res["worker_log_mentions_run"]
    assert len(res["probe"]) == 4
    for name, probe in res["probe"].items():
        assert any("celeryd: akhbar-dist-worker@" in p for p in probe["ancestry"]), name
    assert sorted(res["probe"]["load.json"]["inputs"]) == sorted(
        str(Path(res["data_dir"]) / "celery_probe" / f)
        for f in res["probe_files"]
        if f != "load.json"
    )

    # the temp dir is gone and no process that used it survives
    work = str(Path(res["data_dir"]).parent)
    assert not Path(work).exists()
    assert _procs_mentioning(work) == []
