"""The warehouse on DuckLake (catalog in PostgreSQL on loopback, Parquet in a shared dir).

Two real dates are staged once from the snapshot replayed on loopback (the
snapshot's sources split in two, so each date carries different articles). Then,
against one lake: a load killed with SIGKILL mid-transaction leaves nothing;
two load processes of the two dates run at the same time while a read-only
reader polls (it never sees part of a date); every row is there once; a re-run
changes nothing; a cluster step whose commit conflicts re-runs on the new snapshot;
``akhbar lake migrate`` copies a file warehouse row for row.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import REPO, SNAPSHOT, SNAPSHOT_SOURCES

pytestmark = pytest.mark.distributed

DATES = ("2026-11-26", "2026-11-27")
FACTS = ("fact_article", "fact_entity_mention", "fact_quote", "fact_date_mention")
# Waits for the "go" file, so both loads start their transactions together.
LOAD_SCRIPT = """
import json, logging, sys, time
from pathlib import Path
from akhbar.config import load_settings
from akhbar.pipeline.run import Run
from akhbar.warehouse.load import load_run
import akhbar.quality.gate  # the slow imports happen before the barrier
logging.basicConfig(level=logging.INFO, force=True)  # the retries show on stderr
date, run_id, ready, go = sys.argv[1:5]
Path(ready).touch()
while not Path(go).exists():
    time.sleep(0.02)
started = time.time()
counts = load_run(Run.of(date, load_settings(), run_id))
print("LOAD_RESULT " + json.dumps({**counts, "started": started, "ended": time.time()}))
"""


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    """A data dir with both dates staged (ingest only, no warehouse)."""
    from akhbar.config import load_settings
    from akhbar.fetch.replay import ReplayServer
    from akhbar.pipeline.catalogue import read_catalogue
    from akhbar.pipeline.ingest import ingest_source
    from akhbar.pipeline.run import Run

    root = tmp_path_factory.mktemp("lake-staged")
    with SNAPSHOT_SOURCES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    halves = (rows[: len(rows) // 2], rows[len(rows) // 2 :])
    with ReplayServer(SNAPSHOT) as replay:
        for date, part in zip(DATES, halves, strict=True):
            sources = root / f"sources_{date}.csv"
            with sources.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(part)
            settings = replace(
                load_settings(),
                data_dir=root / "data",
                warehouse=root / "data" / "akhbar.duckdb",
                sources_file=sources,
                replay_url=replay.base_url,
                allow_hosts=(f"127.0.0.1:{replay.port}",),
                min_delay_s=0.0,
                lake=None,
            )
            run = Run.of(date, settings, f"stage__{date}")
            for source in read_catalogue(run):
                ingest_source(source, run)
    return root / "data"


def _env(data_dir: Path, target) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AKHBAR_", "AIRFLOW"))}
    env.update(
        AKHBAR_DATA_DIR=str(data_dir),
        AKHBAR_WAREHOUSE=target.catalog,
        AKHBAR_LAKE_DATA_PATH=target.data_path,
        GX_ANALYTICS_ENABLED="false",
    )
    return env


def _start_load(date: str, data_dir: Path, target, work: Path, go: Path) -> subprocess.Popen:
    ready = work / f"ready_{date}"
    return subprocess.Popen(
        [sys.executable, "-c", LOAD_SCRIPT, date, f"lake__{date}", str(ready), str(go)],
        cwd=REPO,
        env=_env(data_dir, target),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(proc: subprocess.Popen, timeout: float = 240) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    line = next(x for x in out.splitlines() if x.startswith("LOAD_RESULT "))
    return json.loads(line.removeprefix("LOAD_RESULT ")), err


def _staged_articles(data_dir: Path, date: str) -> int:
    import duckdb

    files = sorted((data_dir / "staging" / date / "articles_ok").glob("*.parquet"))
    paths = [str(p) for p in files]
    return duckdb.sql(f"SELECT count(DISTINCT article_id) FROM read_parquet({paths})").fetchone()[0]


COUNTS_SQL = "SELECT (SELECT id FROM lake.current_snapshot()), " + ", ".join(
    f"(SELECT count(*) FROM {t} WHERE run_date = DATE '{d}')" for d in DATES for t in FACTS
)


def _per_date(row: tuple) -> dict[str, tuple[int, ...]]:
    values = row[1:]
    return {d: tuple(values[i * len(FACTS) : (i + 1) * len(FACTS)]) for i, d in enumerate(DATES)}


def test_lake_kill_concurrent_loads_reader_and_rerun(lake_postgres, staged, tmp_path) -> None:
    from akhbar.warehouse.readonly import open_readonly_lake

    target = lake_postgres.new_lake("akhbar_lake_loads", tmp_path)
    work = tmp_path / "barrier"
    work.mkdir()

    # 1. kill -9 in the middle of the first date's transaction: nothing of it is visible
    go_now = work / "go_now"
    go_now.touch()
    victim = _start_load(DATES[0], staged, target, work, go_now)
    data_path = Path(target.data_path)
    deadline = time.monotonic() + 240
    while not list(data_path.rglob("fact_*/*.parquet")):
        assert victim.poll() is None, "the load finished before a data file was written"
        assert time.monotonic() < deadline, "no Parquet file appeared"
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    reader = open_readonly_lake(target)
    try:
        after_kill = _per_date(reader.execute(COUNTS_SQL).fetchone())
        assert after_kill[DATES[0]] == (0, 0, 0, 0)
        assert reader.execute("SELECT count(*) FROM load_fingerprint").fetchone()[0] == 0

        # 2. both dates at once, in two processes, while the reader polls
        go = work / "go"
        procs = {d: _start_load(d, staged, target, work, go) for d in DATES}
        deadline = time.monotonic() + 240
        while not all((work / f"ready_{d}").exists() for d in DATES):
            assert all(p.poll() is None for p in procs.values()), "a load process died early"
            assert time.monotonic() < deadline, "load processes never got ready"
            time.sleep(0.05)
        go.touch()
        seen: list[dict[str, tuple[int, ...]]] = []
        while any(p.poll() is None for p in procs.values()):
            seen.append(_per_date(reader.execute(COUNTS_SQL).fetchone()))
            time.sleep(0.05)
        results = {d: _result(p) for d, p in procs.items()}
        final = _per_date(reader.execute(COUNTS_SQL).fetchone())
    finally:
        reader.close()

    first, second = sorted((r for r, _ in results.values()), key=lambda r: r["started"])
    assert second["started"] < first["ended"], "the two loads did not overlap"
    for date in DATES:
        counts = results[date][0]
        assert counts["articles"] == _staged_articles(staged, date) > 0
        assert final[date] == (
            counts["articles"], counts["mentions"], counts["quotes"], counts["dates"]
        )  # fmt: skip
        assert counts["snapshot_id"] is not None
        # the reader saw each date either not at all or whole, never in part
        assert {obs[date] for obs in seen} <= {(0, 0, 0, 0), final[date]}
    assert len(seen) > 3
    retries = sum(err.count("lake commit conflict") for _, err in results.values())
    print(f"lake: {len(seen)} reader polls, {retries} commit conflict(s) retried")

    _assert_each_row_once(target)
    _assert_rerun_changes_nothing(target, staged)


def _assert_each_row_once(target) -> None:
    from akhbar.warehouse.readonly import open_readonly_lake

    keys = {
        "fact_article": "article_id",
        "fact_entity_mention": "article_id, mention_idx",
        "fact_quote": "article_id, quote_idx",
        "fact_date_mention": "article_id, mention_idx",
        "fact_article_source": "article_id, source_id",
        "dim_source": "source_id",
        "dim_entity": "entity_id",
        "dim_date": "date_day",
        "load_fingerprint": "run_date",
    }
    con = open_readonly_lake(target)
    try:
        for table, key in keys.items():
            dupes = con.execute(
                f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            assert dupes == 0, f"{table}: {dupes} keys ({key}) more than once"
        runs = con.execute("SELECT count(DISTINCT run_date) FROM load_snapshot").fetchone()[0]
        assert runs == len(DATES)
    finally:
        con.close()


def _assert_rerun_changes_nothing(target, staged: Path) -> None:
    from akhbar.config import load_settings
    from akhbar.pipeline.run import Run
    from akhbar.warehouse.lake import open_lake, snapshot_id
    from akhbar.warehouse.load import load_run

    def state() -> tuple[int, list]:
        con = open_lake(target, read_only=True)
        try:
            rows = con.execute(
                "SELECT run_date, count(*), sum(hash(article_id)) FROM fact_article GROUP BY 1 "
                "ORDER BY 1"
            ).fetchall()
            return snapshot_id(con), rows
        finally:
            con.close()

    before = state()
    settings = replace(load_settings(), data_dir=staged, lake=target)
    again = load_run(Run.of(DATES[0], settings, f"lake__{DATES[0]}__again"))
    assert again.get("skipped") is True
    assert state() == before


def test_lake_migrate_copies_every_row(lake_postgres, staged, tmp_path) -> None:
    """A file warehouse (one real date loaded) into a new lake: every table, every row."""
    import duckdb

    from akhbar.config import load_settings
    from akhbar.pipeline.run import Run
    from akhbar.warehouse.load import load_run
    from akhbar.warehouse.readonly import open_readonly_lake

    file_data = tmp_path / "file"
    file_data.mkdir()
    warehouse = file_data / "akhbar.duckdb"
    settings = replace(load_settings(), data_dir=staged, warehouse=warehouse, lake=None)
    load_run(Run.of(DATES[1], settings, "file__load"))
    target = lake_postgres.new_lake("akhbar_lake_migrate", tmp_path)
    env = {**_env(staged, target)}
    proc = subprocess.run(
        [sys.executable, "-m", "akhbar.cli", "lake", "migrate", "--from", str(warehouse)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    con = duckdb.connect(str(warehouse), read_only=True)
    lake = open_readonly_lake(target)
    try:
        for table, rows in report["tables"].items():
            want = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert rows == want == lake.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert report["tables"]["fact_article"] > 0
        file_tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
            ).fetchall()
        }
        assert file_tables - set(report["tables"]) <= {"schema_version", "writer_token"}
        same = (
            lake.execute("SELECT count(*) FROM v_articles").fetchone()[0]
            == con.execute("SELECT count(*) FROM v_articles").fetchone()[0]
        )
        assert same
    finally:
        con.close()
        lake.close()
    again = subprocess.run(
        [sys.executable, "-m", "akhbar.cli", "lake", "migrate", "--from", str(warehouse)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert again.returncode == 2 and again.stderr.count("\n") == 1, again.stderr
    assert "--replace" in again.stderr


def test_lake_dialect_drops_keys_and_rewrites_upserts() -> None:
    """Every INSERT OR REPLACE of the load SQL becomes a keyed delete + insert; DDL loses PKs."""
    import duckdb

    from akhbar.sqlfiles import SQL_DIR
    from akhbar.warehouse.lake import adapt_sql, upsert_keys
    from akhbar.warehouse.statements import load_statements

    keys = upsert_keys()
    assert keys["dim_source"] == "source_id" and keys["load_fingerprint"] == "run_date"
    ddl = (SQL_DIR / "migrations" / "001_core_schema.sql").read_text(encoding="utf-8")
    assert "PRIMARY KEY" in ddl and "PRIMARY KEY" not in "".join(adapt_sql(ddl, {}))
    # the rewritten upsert behaves like the original on a DuckDB file with the key
    con = duckdb.connect()
    con.execute("CREATE TABLE load_fingerprint (run_date DATE, fingerprint VARCHAR, run_id "
                "VARCHAR, loaded_at TIMESTAMPTZ)")  # fmt: skip
    upsert = next(s for f, s in load_statements(SQL_DIR) if f == "120_load_fingerprint.sql")
    for fingerprint in ("a", "b"):
        params = {
            "run_date": dt.date(2026, 11, 27),
            "fingerprint": fingerprint,
            "run_id": "r",
            "loaded_at": dt.datetime(2026, 11, 27, tzinfo=dt.UTC),
        }
        for stmt in adapt_sql(upsert, keys):
            used = {k: v for k, v in params.items() if f"${k}" in stmt}
            con.execute(stmt, used) if used else con.execute(stmt)
    assert con.execute(
        "SELECT run_date::VARCHAR, fingerprint FROM load_fingerprint"
    ).fetchall() == [("2026-11-27", "b")]


def test_lake_settings_are_parsed_in_config_only(monkeypatch) -> None:
    from akhbar.config import ConfigError, load_settings

    monkeypatch.setenv("AKHBAR_WAREHOUSE", "ducklake:postgres:dbname=x host=h password=secret")
    monkeypatch.delenv("AKHBAR_LAKE_DATA_PATH", raising=False)
    with pytest.raises(ConfigError, match="AKHBAR_LAKE_DATA_PATH"):
        load_settings()
    monkeypatch.setenv("AKHBAR_LAKE_DATA_PATH", "s3://bucket/akhbar/")
    lake = load_settings().lake
    assert lake is not None and lake.data_path == "s3://bucket/akhbar/"
    assert "secret" not in lake.display
    monkeypatch.setenv("AKHBAR_WAREHOUSE", "/tmp/w.duckdb")
    assert load_settings().lake is None


def test_lake_cluster_step_reruns_on_a_commit_conflict(
    lake_postgres, staged, tmp_path, monkeypatch, caplog
) -> None:
    """A rival lake commit inside the cluster transaction: the step computes and writes
    the clusters again on the new snapshot, and every article ends up clustered once."""
    import logging

    from akhbar.config import load_settings
    from akhbar.pipeline.run import Run
    from akhbar.warehouse import load as loads
    from akhbar.warehouse.lake import open_lake
    from akhbar.warehouse.load import CLUSTER_FILE, load_run, update_story_clusters

    target = lake_postgres.new_lake("akhbar_lake_clusters", tmp_path)
    settings = replace(load_settings(), data_dir=staged, lake=target)
    run = Run.of(DATES[0], settings, f"clusters__{DATES[0]}")
    assert load_run(run)["articles"] > 0

    real_execute = loads.execute_statements
    rival_commits: list[int] = []
    other = open_lake(target)

    def execute_after_a_rival_commit(con, statements, params) -> None:
        if statements and statements[0][0] == CLUSTER_FILE and not rival_commits:
            # DuckLake pins a transaction's snapshot at its first read; a load of
            # another date committing after that is the race two writers cause.
            con.execute("SELECT count(*) FROM fact_article").fetchall()
            other.execute("UPDATE writer_token SET commits = commits + 1")
            rival_commits.append(1)
        real_execute(con, statements, params)

    monkeypatch.setattr(loads, "execute_statements", execute_after_a_rival_commit)
    caplog.set_level(logging.WARNING, logger="akhbar.warehouse.lake")
    try:
        counts = update_story_clusters(run)
    finally:
        other.close()
    assert rival_commits == [1] and counts["clustered"] > 0
    assert any(
        r.getMessage().startswith(f"clusters {DATES[0]}: lake commit conflict")
        for r in caplog.records
    )
    con = open_lake(target, read_only=True)
    try:
        waiting = con.execute(
            "SELECT count(*) FROM fact_article WHERE cluster_id IS NULL AND body_text IS NOT "
            "NULL AND (language = 'ar' OR language IS NULL)"
        ).fetchone()[0]
        assert waiting == 0
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT cluster_id, article_id FROM fact_story_cluster "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        assert dupes == 0
        steps = con.execute(
            "SELECT json_extract_string(commit_extra_info, '$.step'), "
            "json_extract_string(commit_extra_info, '$.run_id') FROM lake.snapshots() "
            "WHERE author = 'akhbar' AND commit_extra_info IS NOT NULL"
        ).fetchall()
        assert ("clusters", run.run_id) in steps and ("load", run.run_id) in steps
        recorded = con.execute("SELECT run_id FROM load_snapshot").fetchall()
        assert recorded == [(run.run_id,)]
    finally:
        con.close()
    assert update_story_clusters(run)["skipped"] is True  # nothing waits any more
