"""Writes besides the load on a DuckLake warehouse (catalog in PostgreSQL on loopback).

Quarantine inserts and re-queue stamps work without primary keys and, like the load,
re-run on a commit conflict: the conflict is a real one, committed by a second
connection between the writer's first read and its COMMIT. The pipeline's state reader treats a
lake no load has created yet as "no state", as it does a missing warehouse file.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.distributed

RUN = dt.date(2026, 11, 27)
WHEN = dt.datetime(2026, 11, 28, 1, tzinfo=dt.UTC)


def _quarantined(keys: list[str], rule: str = "url_missing") -> pd.DataFrame:
    from akhbar.quality.quarantine import QUARANTINE_COLUMNS

    rows = [
        {
            "run_date": RUN,
            "stage": "entries",
            "source_id": "shafaq",
            "record_key": key,
            "rule": rule,
            "detail": f"{rule}: {key}",
            "payload": f'{{"article_id": "{key}", "url": null}}',
        }
        for key in keys
    ]
    return pd.DataFrame(rows)[QUARANTINE_COLUMNS]


def _settings(target, tmp_path):
    from akhbar.config import load_settings

    return replace(load_settings(), data_dir=tmp_path / "data", lake=target)


def _bump_from(other) -> None:
    """Another writer's commit: the writer token every lake write bumps."""
    other.execute("UPDATE writer_token SET commits = commits + 1")


def test_quarantine_inserts_and_requeue_on_a_lake_retry_conflicts(
    lake_postgres, tmp_path, monkeypatch, caplog
) -> None:
    from akhbar.quality import quarantine
    from akhbar.warehouse.lake import open_lake
    from akhbar.warehouse.migrate import open_warehouse

    target = lake_postgres.new_lake("akhbar_lake_quarantine", tmp_path)
    con = open_warehouse(_settings(target, tmp_path))  # creates and migrates the lake
    other = open_lake(target)
    try:
        first = _quarantined(["a1", "a2"])
        assert quarantine.insert_rows(con, first, quarantined_at=WHEN) == 2
        assert quarantine.insert_rows(con, first, quarantined_at=WHEN) == 0  # same ids kept

        # A rival writer commits inside this write's transaction, once it has read the
        # lake (DuckLake pins a transaction's snapshot at its first read): the race a
        # concurrent load causes. The hook is the SQL lookup inside the transaction.
        real_sql = quarantine.sql
        injected: list[str] = []

        def sql_with_a_rival_commit(name: str) -> str:
            if name in ("quarantine/insert", "quarantine/mark_requeued") and name not in injected:
                injected.append(name)
                con.execute("SELECT count(*) FROM quarantine").fetchall()
                _bump_from(other)
            return real_sql(name)

        monkeypatch.setattr(quarantine, "sql", sql_with_a_rival_commit)
        caplog.set_level(logging.WARNING, logger="akhbar.warehouse.lake")
        more = _quarantined(["a2", "a3", "a3"], rule="title_missing")  # a3 twice: one row
        assert quarantine.insert_rows(con, more, quarantined_at=WHEN) == 2
        assert "quarantine/insert" in injected
        rows = con.execute(
            "SELECT record_key, rule FROM quarantine ORDER BY record_key, rule"
        ).fetchall()
        assert rows == [
            ("a1", "url_missing"),
            ("a2", "title_missing"),
            ("a2", "url_missing"),
            ("a3", "title_missing"),
        ]
        ids = con.execute("SELECT count(DISTINCT quarantine_id), count(*) FROM quarantine")
        assert ids.fetchone() == (4, 4)

        n = quarantine.requeue(con, stage="entries", run_date=RUN, inbox=tmp_path / "inbox")
        assert n == 4 and "quarantine/mark_requeued" in injected
        assert quarantine.list_rows(con, run_date=RUN).empty
        stamped = con.execute("SELECT count(*) FROM quarantine WHERE requeued_at IS NOT NULL")
        assert stamped.fetchone()[0] == 4
        conflicts = [r for r in caplog.records if "lake commit conflict" in r.getMessage()]
        assert {r.getMessage().split(":")[0] for r in conflicts} == {
            "quarantine insert",
            "quarantine requeue",
        }
        steps = con.execute(
            "SELECT json_extract_string(commit_extra_info, '$.step') FROM lake.snapshots() "
            "WHERE author = 'akhbar'"
        ).fetchall()
        assert {"quarantine", "quarantine requeue"} <= {s[0] for s in steps}
    finally:
        other.close()
        con.close()


def test_state_on_a_lake_no_load_created_yet_is_empty(lake_postgres, tmp_path) -> None:
    """The first run's ingest reads state before any load has created the lake."""
    from akhbar.pipeline.state import WarehouseState

    target = lake_postgres.new_lake("akhbar_lake_not_yet", tmp_path)  # database, no lake
    with WarehouseState(_settings(target, tmp_path)) as state:
        assert state.feed_validators("shafaq") == (None, None)
        assert state.failure_streak("shafaq", RUN) == (0, None)
        assert state.loaded_elsewhere(["a1"], RUN) == set()


FIRST_WRITER = """
import sys, time
from dataclasses import replace
from pathlib import Path
from pathlib import Path
from akhbar.config import LakeTarget, load_settings
from akhbar.warehouse.migrate import current_version, open_warehouse
target = LakeTarget(catalog=sys.argv[1], data_path=sys.argv[2])
Path(sys.argv[3] + ".ready").touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.005)
con = open_warehouse(replace(load_settings(), lake=target))
print("VERSION", current_version(con))
"""


def test_first_writers_of_a_new_lake_all_attach(lake_postgres, tmp_path) -> None:
    """Three writers open a lake nobody has created yet, at the same moment (the two
    loads of a first backfill did): one creates the catalog, the others attach it."""
    import subprocess
    import sys
    import time

    from akhbar.warehouse.migrate import migration_files

    target = lake_postgres.new_lake("akhbar_lake_first_writers", tmp_path)
    go = tmp_path / "go"
    args = [sys.executable, "-c", FIRST_WRITER, target.catalog, target.data_path]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    procs = [subprocess.Popen([*args, f"{go}{i}"], **pipes) for i in range(3)]
    deadline = time.monotonic() + 120
    while not all(Path(f"{go}{i}.ready").exists() for i in range(3)):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.02)
    for i in range(3):
        Path(f"{go}{i}").touch()
    latest = migration_files()[-1][0]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-1500:]
        assert f"VERSION {latest}" in out
