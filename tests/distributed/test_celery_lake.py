"""akhbar_daily on Celery, two workers, two dates loaded into one DuckLake at the same time.

``scripts/run_distributed.sh`` (PostgreSQL metadata + Redis broker on loopback) starts
two ``airflow celery worker`` processes and backfills two logical dates with two runs
active at once; the warehouse is a DuckLake whose catalog lives in the session's
loopback PostgreSQL (``lake_postgres``) and whose Parquet files live in the test's
temp dir; ``duckdb_writer`` has 2 slots there.

Both dates replay the bundled snapshot, but each date must carry its own articles (an
article already loaded under one date is never loaded under another): the catalogue's
``feed_url`` gets a ``{date}`` placeholder, and a small WARC next to the snapshot holds,
per source and date, the source's archived feed with half of its items (see
``_per_date_feeds``). Article pages are the snapshot's own.

While the runs go, a read-only reader polls the lake; afterwards every article of
each date's staging is in the lake exactly once, each run's snapshot is recorded, and a
re-run of one date's load and cluster steps leaves every table as it was.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import REPO, SNAPSHOT, SNAPSHOT_SOURCES

pytestmark = pytest.mark.distributed

DATES = ("2026-11-26", "2026-11-27")
FACTS = ("fact_article", "fact_entity_mention", "fact_quote", "fact_date_mention")
ITEM = re.compile(r"<item\b.*?</item>", re.DOTALL)
COUNTS_SQL = ", ".join(
    f"(SELECT count(*) FROM {t} WHERE run_date = DATE '{d}')" for d in DATES for t in FACTS
)


def _per_date_feeds(root: Path) -> tuple[Path, Path, dict[str, set[str]]]:
    """A catalogue with ``{date}`` feed URLs and the WARC serving them; sources per date.

    Every archived feed's items are dealt between the two dates (item i of the k-th
    source to date (i + k) % 2), so both dates carry about the same work: Shafaq's 30
    items 15 and 15, the one-item feeds alternately. A date a source has no item for
    gets its feed with an empty channel.
    """
    from akhbar.fetch.archive import WarcArchive
    from akhbar.fetch.replay import load_responses
    from akhbar.fetch.warc_record import canonical_url

    archived = load_responses(SNAPSHOT)
    with SNAPSHOT_SOURCES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    carried: dict[str, set[str]] = {d: set() for d in DATES}
    archive = WarcArchive(root / "warc" / "per_date_feeds.warc.gz", deterministic=True)
    for k, row in enumerate(rows):
        feed = archived[canonical_url(row["feed_url"])]
        text = feed.body.decode("utf-8")
        items = ITEM.findall(text)
        assert items, row["source_id"]
        head, tail = text[: text.index(items[0])], text[text.rindex(items[-1]) + len(items[-1]) :]
        headers = [(key, v) for key, v in feed.headers if key.lower() == "content-type"]
        row["feed_url"] += ("&" if "?" in row["feed_url"] else "?") + "akhbar_day={date}"
        for n, date in enumerate(DATES):
            mine = [item for i, item in enumerate(items) if (i + k) % 2 == n]
            if mine:
                carried[date].add(row["source_id"])
            when = datetime.fromisoformat(date).replace(hour=20, tzinfo=UTC)
            body = (head + "\n".join(mine) + tail).encode("utf-8")
            archive.write_response(
                row["feed_url"].replace("{date}", date), 200, headers, body, fetched_at=when
            )
    archive.close()
    sources = root / "sources.csv"
    with sources.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return sources, archive.path, carried


class LakeReader(threading.Thread):
    """Polls the per-date fact counts through one read-only attach until stopped."""

    def __init__(self, target) -> None:
        super().__init__(daemon=True)
        self.target = target
        self.seen: list[tuple[int, ...]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        from akhbar.warehouse.readonly import open_readonly_lake

        con = None
        while not self.stop.is_set():
            try:
                if con is None:
                    con = open_readonly_lake(self.target)
                self.seen.append(tuple(con.execute(f"SELECT {COUNTS_SQL}").fetchone()))
            except Exception as exc:  # attaching fails until a load has created the lake
                self.errors.append(str(exc).splitlines()[0])
                if con is not None:
                    con.close()
                    con = None
            self.stop.wait(0.5)
        if con is not None:
            con.close()


def _per_date(row: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    n = len(FACTS)
    return {d: tuple(row[i * n : (i + 1) * n]) for i, d in enumerate(DATES)}


def _staged_ids(data_dir: Path, date: str) -> set[str]:
    import duckdb

    files = [
        str(p) for p in sorted((data_dir / "staging" / date / "articles_ok").glob("*.parquet"))
    ]
    if not files:
        return set()
    rows = duckdb.sql(f"SELECT DISTINCT article_id FROM read_parquet({files})").fetchall()
    return {r[0] for r in rows}


def _lake_state(con) -> dict[str, tuple[int, int]]:
    """Every lake table: (rows, order-independent hash of its rows)."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "ORDER BY 1"
        ).fetchall()
    ]
    out = {}
    for table in tables:
        count, digest = con.execute(
            f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} AS t"
        ).fetchone()
        out[table] = (int(count), int(digest))
    return out


def _span(start: str, end: str) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(start), datetime.fromisoformat(end)


def _secs(window: tuple[datetime, datetime]) -> str:
    return f"{(window[1] - window[0]).total_seconds():.1f}"


def _windows(tis: list[dict], run_id: str) -> dict[str, tuple[datetime, datetime]]:
    return {
        t["task_id"]: _span(t["start_date"], t["end_date"])
        for t in tis
        if t["run_id"] == run_id and t["task_id"] in ("load", "cluster") and t["start_date"]
    }


@pytest.mark.timeout(600)
def test_two_celery_workers_load_two_dates_into_one_lake(
    tmp_path, lake_postgres, distributed_binaries
) -> None:
    from akhbar.fetch.replay import ReplayServer

    sources, feeds_warc, carried = _per_date_feeds(tmp_path / "feeds")
    target = lake_postgres.new_lake("akhbar_celery_lake", tmp_path / "lake")
    result_file = tmp_path / "result.json"
    data_dir = tmp_path / "data"
    reader = LakeReader(target)
    started = time.monotonic()
    with ReplayServer([SNAPSHOT, feeds_warc]) as replay:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AKHBAR_"))}
        env.update(
            AKHBAR_DIST_RESULT=str(result_file),
            AKHBAR_DATA_DIR=str(data_dir),
            AKHBAR_SOURCES=str(sources),
            AKHBAR_REPLAY_URL=replay.base_url,
            AKHBAR_ALLOW_HOSTS=f"127.0.0.1:{replay.port}",
            AKHBAR_MIN_DELAY_S="0",
            AKHBAR_WAREHOUSE=target.catalog,
            AKHBAR_LAKE_DATA_PATH=target.data_path,
            AKHBAR_LAKE_WRITER_SLOTS="2",
            AKHBAR_DIST_WORKERS="2",
            AKHBAR_DIST_CONCURRENCY="2",
            AKHBAR_DIST_BACKFILL=DATES[0],
            AKHBAR_DIST_BACKFILL_TO=DATES[1],
            AKHBAR_DIST_BACKFILL_RUNS="2",
            AKHBAR_DIST_WRITER_BARRIER="1",  # both loads wait for each other, then start
            AKHBAR_DIST_KEEP="1",  # the task logs count the retried commit conflicts
            GX_ANALYTICS_ENABLED="false",
        )
        reader.start()
        try:
            proc = subprocess.run(
                ["bash", str(REPO / "scripts/run_distributed.sh"), "akhbar_daily",
                 str(REPO / "dags"), "540"],
                cwd=REPO, env=env, capture_output=True, text=True, timeout=580,
            )  # fmt: skip
        finally:
            reader.stop.set()
            reader.join(timeout=30)
    wall = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    res = json.loads(result_file.read_text())
    work = Path(res["work_dir"])
    logs = _task_logs(work)
    shutil.rmtree(work, ignore_errors=True)

    # 1. both runs succeeded, on Celery, the work spread over both workers
    runs = {r["logical_date"]: r for r in res["runs"]}
    assert sorted(runs) == list(DATES)
    assert {r["state"] for r in runs.values()} == {"success"}
    tis = res["task_instances"]
    assert {t["state"] for t in tis} == {"success"}
    # first tries only: an Airflow retry would hide a race between the two writers
    assert {t["try_number"] for t in tis} == {1}, [
        (t["run_id"], t["task_id"], t["try_number"]) for t in tis if t["try_number"] != 1
    ]
    assert {t["executor"] for t in tis} <= {"CeleryExecutor", None}
    assert all(t["pool"] == "duckdb_writer" for t in tis if t["task_id"] in ("load", "cluster"))
    mentions = res["worker_logs_mention_runs"]
    assert len(mentions) == 2 and all(mentions.values()), mentions
    # the two runs were active together (backfill with 2 active runs)
    run_a, run_b = (runs[d] for d in DATES)
    span_a, span_b = (_span(r["start_date"], r["end_date"]) for r in (run_a, run_b))
    assert min(span_a[1], span_b[1]) > max(span_a[0], span_b[0]), (run_a, run_b)
    win_a, win_b = _windows(tis, run_a["run_id"]), _windows(tis, run_b["run_id"])
    # the two load tasks ran at the same time, on the two slots of duckdb_writer
    assert "writer barrier released" in proc.stdout
    load_a, load_b = win_a["load"], win_b["load"]
    load_overlap = (min(load_a[1], load_b[1]) - max(load_a[0], load_b[0])).total_seconds()
    assert load_overlap > 0, (load_a, load_b)

    # 2. every staged article of each date is in the lake once, under its date
    from akhbar.warehouse.lake import snapshot_id
    from akhbar.warehouse.readonly import open_readonly_lake

    con = open_readonly_lake(target)
    try:
        for date in DATES:
            staged = _staged_ids(data_dir, date)
            assert staged, f"{date} staged no article"
            loaded = con.execute(
                "SELECT article_id FROM fact_article WHERE run_date = ?", [date]
            ).fetchall()
            assert sorted(r[0] for r in loaded) == sorted(staged)
            got = {r[0] for r in con.execute(
                "SELECT DISTINCT source_id FROM fact_article WHERE run_date = ?", [date]
            ).fetchall()}  # fmt: skip
            assert got <= set(carried[date]) and got
        dupes = con.execute(
            "SELECT count(*) FROM (SELECT article_id FROM fact_article GROUP BY 1 "
            "HAVING count(*) > 1)"
        ).fetchone()[0]
        assert dupes == 0
        final = _per_date(tuple(con.execute(f"SELECT {COUNTS_SQL}").fetchone()))
        # each run's load committed one snapshot, recorded under its run id
        snaps = con.execute(
            "SELECT run_date::VARCHAR, run_id, snapshot_id FROM load_snapshot ORDER BY 1"
        ).fetchall()
        assert [s[0] for s in snaps] == list(DATES)
        assert {s[1] for s in snaps} == {r["run_id"] for r in runs.values()}
        assert len({s[2] for s in snaps}) == 2
        clustered = con.execute(
            "SELECT count(*) FILTER (WHERE cluster_id IS NULL) FROM fact_article "
            "WHERE body_text IS NOT NULL AND (language = 'ar' OR language IS NULL)"
        ).fetchone()[0]
        assert clustered == 0  # both cluster steps committed
        before = _lake_state(con)
        snap_before = snapshot_id(con)
    finally:
        con.close()

    # 3. the reader attached during the runs saw each date whole or not at all
    observed = [_per_date(row) for row in reader.seen]
    assert len(observed) > 10, reader.errors[-3:]
    for date in DATES:
        assert {obs[date] for obs in observed} <= {(0, 0, 0, 0), final[date]}
        assert final[date][0] > 0

    # 4. a re-run of the first date's load and cluster steps changes nothing
    rerun = _rerun(DATES[0], data_dir, sources, target)
    assert rerun["load"].get("skipped") is True, rerun
    assert rerun["cluster"].get("skipped") is True, rerun
    con = open_readonly_lake(target)
    try:
        assert _lake_state(con) == before
        assert snapshot_id(con) == snap_before
    finally:
        con.close()

    retries = sum(text.count("lake commit conflict") for text in logs)
    runs_s = (max(span_a[1], span_b[1]) - min(span_a[0], span_b[0])).total_seconds()
    ingest = [_span(t["start_date"], t["end_date"]) for t in tis if t["task_id"] == "ingest"]
    ingest_s = (max(e for _, e in ingest) - min(s for s, _ in ingest)).total_seconds()
    print(
        f"celery lake: wall {wall:.0f} s (script {res['elapsed_s']} s, the runs {runs_s:.0f} s, "
        f"{len(ingest)} ingest tasks within {ingest_s:.0f} s), "
        f"articles {final[DATES[0]][0]}+{final[DATES[1]][0]}, "
        f"loads {_secs(load_a)} s and {_secs(load_b)} s overlapping {load_overlap:.1f} s, "
        f"clusters {_secs(win_a['cluster'])} s and {_secs(win_b['cluster'])} s, "
        f"{len(observed)} reader polls "
        f"({len(set(reader.seen))} distinct states), "
        f"{retries} commit conflict(s) retried, load avg {os.getloadavg()[0]:.1f}"
    )


def _rerun(date: str, data_dir: Path, sources: Path, target) -> dict:
    """The load and cluster tasks' code for ``date`` again (a cleared run's last steps)."""
    from dataclasses import replace

    from akhbar.config import load_settings
    from akhbar.pipeline.run import Run
    from akhbar.warehouse.load import load_run, update_story_clusters

    settings = replace(load_settings(), data_dir=data_dir, sources_file=sources, lake=target)
    run = Run.of(date, settings, f"rerun__{date}")
    return {"load": load_run(run), "cluster": update_story_clusters(run)}


def _task_logs(work: Path) -> list[str]:
    """The load and cluster task logs the script kept (AKHBAR_DIST_KEEP=1)."""
    logs = work / "airflow_home" / "logs"
    return [
        p.read_text(errors="replace")
        for p in logs.rglob("*.log")
        if "task_id=load" in str(p) or "task_id=cluster" in str(p)
    ]
