"""Analysts can query at any time: the writer's lock never blocks the analyst copy,
and publishing a new copy never disturbs a reader of the old one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace

import duckdb

from helpers import REPO, settings_env


def _own_copy(snapshot_run, tmp_path):
    settings, _ = snapshot_run
    own = replace(settings, data_dir=tmp_path, warehouse=tmp_path / "akhbar.duckdb")
    shutil.copyfile(settings.warehouse, own.warehouse)
    shutil.copyfile(settings.analyst_copy, own.analyst_copy)
    return own


def _sql(own, query: str, *extra: str):
    return subprocess.run(
        [sys.executable, "-m", "akhbar.cli", "sql", query, "--format", "csv", *extra],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, **settings_env(own)},
    )


def test_query_while_the_loader_holds_the_write_lock(snapshot_run, tmp_path):
    own = _own_copy(snapshot_run, tmp_path)
    holder = subprocess.Popen(  # a load in progress: open transaction, rows half-deleted
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(own.warehouse)!r})\n"
            "con.execute('BEGIN TRANSACTION'); con.execute('DELETE FROM fact_quote')\n"
            "print('locked', flush=True); time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        live = _sql(own, "SELECT count(*) FROM fact_quote", "--database", str(own.warehouse))
        assert live.returncode != 0 and "lock" in (live.stderr + live.stdout).lower()
        copy = _sql(own, "SELECT count(*) FROM fact_quote")
        assert copy.returncode == 0, copy.stderr
        assert int(copy.stdout.splitlines()[1]) > 0  # the last committed run, complete
    finally:
        holder.kill()
        holder.wait()


def test_publishing_a_new_copy_leaves_open_readers_consistent(snapshot_run, tmp_path):
    from akhbar.warehouse.publish import publish_analyst_copy

    own = _own_copy(snapshot_run, tmp_path)
    reader = duckdb.connect(str(own.analyst_copy), read_only=True)
    before = reader.execute("SELECT count(*) FROM fact_article").fetchone()[0]

    writer = duckdb.connect(str(own.warehouse))
    writer.execute("DELETE FROM fact_article WHERE source_id = 'shafaq'")
    writer.execute("CHECKPOINT")
    writer.close()
    publish_analyst_copy(own)

    # The open reader still sees its snapshot (the old file lives on until closed) ...
    assert reader.execute("SELECT count(*) FROM fact_article").fetchone()[0] == before
    reader.close()
    # ... and a new reader sees the new run.
    fresh = duckdb.connect(str(own.analyst_copy), read_only=True)
    assert fresh.execute("SELECT count(*) FROM fact_article").fetchone()[0] == before - 30
    fresh.close()
