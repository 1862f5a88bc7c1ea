"""Real operation: links shared by feeds, republished copies, a bad feed item,
a crash between COMMIT and publishing, a second writer, big catalogues.

Every run here is the real pipeline over the replayed snapshot on loopback.
"""

from __future__ import annotations

import csv
import multiprocessing
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from akhbar.pipeline.catalogue import plan_units, unit_label
from akhbar.pipeline.run import Run
from akhbar.pipeline.runner import run_all
from helpers import REPO, SNAPSHOT, SNAPSHOT_RUN_DATE, SNAPSHOT_SOURCES, make_settings

SHAFAQ_FEED = "https://www.shafaq.com/rss/ar/%D9%85%D8%AC%D8%AA%D9%80%D9%85%D8%B9"


def _catalogue(path: Path, rows: list[dict[str, str]]) -> Path:
    with SNAPSHOT_SOURCES.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        base = {r["source_id"]: r for r in reader}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **base[row.get("like", row["source_id"])],
                    **{k: v for k, v in row.items() if k != "like"},
                }
            )
    return path


def _rows(path: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def _shafaq_pair(tmp_path: Path) -> Path:
    """Two category feeds of one outlet that carry the same 30 links."""
    return _catalogue(
        tmp_path / "sources.csv",
        [
            {"source_id": "shafaq"},
            {"source_id": "shafaq_society", "like": "shafaq", "name": "Shafaq News (second feed)"},
        ],
    )


def test_links_shared_by_two_feeds_load_once_with_both_sources(replay_server, tmp_path):
    settings = make_settings(tmp_path, replay_server, sources_file=_shafaq_pair(tmp_path))
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="t1")
    wh = settings.warehouse
    ((articles, distinct),) = _rows(
        wh, "SELECT count(*), count(DISTINCT article_id) FROM fact_article"
    )
    assert articles == distinct == 30
    links = _rows(wh, "SELECT source_id, count(*) FROM fact_article_source GROUP BY ALL ORDER BY 1")
    assert links == [("shafaq", 30), ("shafaq_society", 30)]
    # Each article's children come from one copy only: no duplicated keys.
    assert _rows(
        wh,
        "SELECT count(*) FROM (SELECT article_id, mention_idx FROM "
        "fact_entity_mention GROUP BY ALL HAVING count(*) > 1)",
    ) == [(0,)]
    assert _rows(wh, "SELECT count(*) FROM quarantine WHERE stage = 'warehouse'") == [(0,)]
    before = _rows(
        wh, "SELECT * EXCLUDE (cluster_id, fetched_at) FROM fact_article ORDER BY article_id"
    )

    run_all(SNAPSHOT_RUN_DATE, settings, run_id="t2")  # a re-run changes nothing
    assert (
        _rows(wh, "SELECT * EXCLUDE (cluster_id, fetched_at) FROM fact_article ORDER BY article_id")
        == before
    )
    assert _rows(wh, "SELECT count(*) FROM fact_article_source") == [(60,)]


def test_republished_copy_under_another_url_is_linked_not_rejected(
    replay_server, tmp_path, monkeypatch
):
    """An outlet republishes another's article (same real text, its own URL)."""
    from akhbar.fetch.archive import ArchiveIndex, WarcArchive
    from akhbar.warehouse import load

    original = ArchiveIndex(SNAPSHOT).get(SHAFAQ_FEED, ok_only=True)
    assert original is not None
    republisher = "https://republisher.akhbar.test/rss.xml"
    body = original.body.replace(b"https://shafaq.com/", b"https://republisher.akhbar.test/")
    assert body != original.body
    built = tmp_path / "warc"
    built.mkdir()
    with WarcArchive(built / "republisher.warc.gz") as archive:
        archive.write_response(republisher, 200, original.headers, body)
    from akhbar.fetch.replay import ReplayServer

    with ReplayServer([SNAPSHOT, built]) as server:
        sources = _catalogue(
            tmp_path / "sources.csv",
            [
                {"source_id": "shafaq"},
                {
                    "source_id": "republisher",
                    "like": "shafaq",
                    "feed_url": republisher,
                    "name": "Republisher (built feed: Shafaq's items under other URLs)",
                },
            ],
        )
        settings = make_settings(tmp_path, server, sources_file=sources)
        run_all(SNAPSHOT_RUN_DATE, settings, run_id="t1")
    wh = settings.warehouse
    per_source = dict(_rows(wh, "SELECT source_id, count(*) FROM fact_article GROUP BY ALL"))
    assert per_source == {"shafaq": 30, "republisher": 30}
    # Every copy shares its cluster with the original.
    pairs = _rows(
        wh,
        """
        SELECT count(*) FILTER (WHERE a.cluster_id IS NOT NULL AND a.cluster_id = b.cluster_id)
        FROM fact_article a JOIN fact_article b
          ON a.content_hash = b.content_hash AND a.source_id = 'shafaq'
         AND b.source_id = 'republisher'""",
    )
    assert pairs == [(30,)]
    # The cluster step reads the window's text in batches of ids (bounded memory):
    # batches of 7 articles give exactly the clusters it stored from one batch of 60.
    stored = _rows(wh, "SELECT article_id, cluster_id FROM fact_article ORDER BY 1")
    monkeypatch.setattr(load, "CLUSTER_BATCH_ROWS", 7)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        batched = load._clusters(con, Run.of(SNAPSHOT_RUN_DATE, settings, "t1"))
    finally:
        con.close()
    assert [tuple(row.values()) for row in batched.to_pylist()] == stored


def test_one_bad_character_reference_sets_aside_only_its_item(replay_server, tmp_path):
    from akhbar.fetch.archive import ArchiveIndex, WarcArchive
    from akhbar.fetch.replay import ReplayServer

    original = ArchiveIndex(SNAPSHOT).get(SHAFAQ_FEED, ok_only=True)
    assert original is not None
    first_title = original.body.index(b"<title>", original.body.index(b"<item"))
    broken = original.body[: first_title + 7] + b"a&#xD800;b " + original.body[first_title + 7 :]
    built = tmp_path / "warc"
    built.mkdir()
    time.sleep(0.01)
    with WarcArchive(built / "broken.warc.gz") as archive:
        archive.write_response(SHAFAQ_FEED, 200, original.headers, broken)
    with ReplayServer([SNAPSHOT, built]) as server:
        settings = make_settings(
            tmp_path,
            server,
            sources_file=_catalogue(tmp_path / "sources.csv", [{"source_id": "shafaq"}]),
        )
        run_all(SNAPSHOT_RUN_DATE, settings, run_id="t1")
    wh = settings.warehouse
    assert _rows(wh, "SELECT count(*) FROM fact_article") == [(29,)]
    ((detail,),) = _rows(
        wh, "SELECT detail FROM quarantine WHERE stage = 'entries' AND rule = 'invalid_char_ref'"
    )
    assert "&#xD800;" in detail


def test_crash_between_commit_and_publish_moves_nothing(replay_server, tmp_path):
    """The analyst copy is stale (its publish never happened); the next date must
    neither move the committed articles nor load them again."""
    from akhbar.warehouse.load import load_run

    settings = make_settings(tmp_path, replay_server, sources_file=_shafaq_pair(tmp_path))
    other = _catalogue(tmp_path / "other.csv", [{"source_id": "cnn_arabic"}])
    run_all("2026-11-26", replace(settings, sources_file=other), run_id="day-before")
    stale = tmp_path / "stale_analyst.duckdb"  # what analysts had before day D
    shutil.copyfile(settings.analyst_copy, stale)
    day_d, day_next = "2026-11-27", "2026-11-28"
    counts_before = dict(
        _rows(
            settings.warehouse, "SELECT run_date::VARCHAR, count(*) FROM fact_article GROUP BY ALL"
        )
    )
    run_all(day_d, settings, run_id="d")
    shutil.copyfile(stale, settings.analyst_copy)  # as if killed right after COMMIT
    committed = dict(
        _rows(
            settings.warehouse, "SELECT run_date::VARCHAR, count(*) FROM fact_article GROUP BY ALL"
        )
    )

    run_all(day_next, settings, run_id="d+1")
    after = dict(
        _rows(
            settings.warehouse, "SELECT run_date::VARCHAR, count(*) FROM fact_article GROUP BY ALL"
        )
    )
    assert after == committed and after != counts_before
    # The load itself never moves an article loaded under another date, whatever
    # a stage believed: replay D's gated files as if they were D+1's.
    shutil.rmtree(Run.of(day_next, settings).staging)
    shutil.copytree(Run.of(day_d, settings).staging, Run.of(day_next, settings).staging)
    counts = load_run(Run.of(day_next, settings, run_id="replayed"))
    assert counts["articles"] == 0
    assert (
        dict(
            _rows(
                settings.warehouse,
                "SELECT run_date::VARCHAR, count(*) FROM fact_article GROUP BY ALL",
            )
        )
        == committed
    )


def _hold_writer(settings, started, release) -> None:
    from akhbar.warehouse.writer import writer_lock

    with writer_lock(settings, "load 2026-11-27"):
        started.set()
        release.wait(60)


def test_second_writer_learns_at_once_who_holds_the_warehouse(replay_server, tmp_path):
    settings = make_settings(tmp_path, replay_server)
    ctx = multiprocessing.get_context("fork")
    started, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_writer, args=(settings, started, release))
    holder.start()
    try:
        assert started.wait(30)
        env = {
            "AKHBAR_DATA_DIR": str(settings.data_dir),
            "AKHBAR_WAREHOUSE": str(settings.warehouse),
            "AKHBAR_SOURCES": str(SNAPSHOT_SOURCES),
            "PATH": str(Path(sys.executable).parent),
        }
        t0 = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "akhbar.cli", "run", "--date", "2026-11-28"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        )
        took = time.monotonic() - t0
    finally:
        release.set()
        holder.join(30)
    assert proc.returncode == 3, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("akhbar run: ") and f"pid {holder.pid} (load 2026-11-27" in last
    assert "Traceback" not in proc.stderr
    assert not Run.of("2026-11-28", settings).staging.exists()  # no work was done
    assert took < 60


def test_catalogue_larger_than_the_map_limit_is_sharded():
    sources = [{"source_id": f"s{i:04d}"} for i in range(1081)]
    units = plan_units(sources, 1024)
    assert len(units) <= 1024
    assert sorted(s["source_id"] for u in units for s in u) == sorted(
        s["source_id"] for s in sources
    )
    assert max(len(u) for u in units) - min(len(u) for u in units) <= 1
    assert plan_units(sources[:1024], 1024) == [[s] for s in sources[:1024]]
    assert unit_label(units[0]).startswith("s0000 +")


@pytest.mark.slow
def test_sharded_catalogue_through_the_dag(replay_server, tmp_path, monkeypatch, airflow_db):
    """More sources than Airflow's map limit (lowered here to 4) run through the real DAG."""
    from datetime import UTC, datetime

    from airflow.dag_processing.dagbag import DagBag

    from helpers import settings_env

    rows = [
        {"source_id": sid}
        for sid in ("shafaq", "cnn_arabic", "assabah", "sputnik_arabic", "alalam", "alyaum")
    ]
    settings = replace(
        make_settings(tmp_path, replay_server),
        sources_file=_catalogue(tmp_path / "sources.csv", rows),
    )
    for key, value in settings_env(settings).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "4")
    bag = DagBag(dag_folder=str(REPO / "dags" / "akhbar_daily.py"))
    dag = bag.dags["akhbar_daily"]
    run = dag.test(logical_date=datetime(2026, 11, 27, tzinfo=UTC))
    assert run.state == "success"
    loaded = dict(
        _rows(settings.warehouse, "SELECT source_id, count(*) FROM fact_article GROUP BY ALL")
    )
    assert set(loaded) == {r["source_id"] for r in rows}
    labels = sorted(
        ti.rendered_map_index for ti in run.get_task_instances() if ti.task_id == "ingest"
    )
    assert len(labels) == 3 and all("+1 more" in label for label in labels)


def test_same_day_rerun_skips_unchanged_sources_and_the_load(replay_server, tmp_path):
    from akhbar.pipeline.ingest import read_marker
    from akhbar.warehouse.load import load_run

    settings = make_settings(tmp_path, replay_server)
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="first")
    before = _rows(
        settings.warehouse, "SELECT * EXCLUDE (fetched_at) FROM fact_article ORDER BY article_id"
    )
    served = len(replay_server.requests_served)
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="again")
    again = replay_server.requests_served[served:]
    assert [u for u, _ in again if "rss" not in u and "robots" not in u] == []  # no page
    run = Run.of(SNAPSHOT_RUN_DATE, settings, "again")
    # Nothing changed: the re-run stopped after the polls; the chains' markers are
    # still those of the first run, and a load would have nothing to do.
    markers = {p.stem: read_marker(run, p.stem) for p in (run.staging / "done").glob("*.json")}
    assert markers and all(m["run_id"] == "first" for m in markers.values())
    assert load_run(run)["skipped"] is True
    assert (
        _rows(
            settings.warehouse,
            "SELECT * EXCLUDE (fetched_at) FROM fact_article ORDER BY article_id",
        )
        == before
    )
    # A source whose feed now says something else is redone, and the load runs.
    (run.staging / "entries" / "shafaq.parquet").unlink()
    (run.done_path("shafaq")).write_text('{"fingerprint": "stale", "run_id": "x"}')
    run_all(SNAPSHOT_RUN_DATE, settings, run_id="third")
    assert not read_marker(run, "shafaq").get("skipped")
    # ... while every other source keeps its gated files (its chain is not redone).
    others = [sid for sid in markers if sid != "shafaq"]
    assert others and all(read_marker(run, sid)["skipped"] for sid in others)
    assert {read_marker(run, sid)["run_id"] for sid in markers} == {"third"}
    assert (
        _rows(
            settings.warehouse,
            "SELECT * EXCLUDE (fetched_at) FROM fact_article ORDER BY article_id",
        )
        == before
    )


def _load_and_die(settings, day: str, kill_after: int | str) -> None:
    """Child process: the real load, SIGKILLed after statement ``kill_after`` (or at
    the named step) — a crash inside the load transaction or right after COMMIT."""
    import os
    import signal

    import akhbar.warehouse.load as wl
    import akhbar.warehouse.publish as wp

    original, done = wl.execute_statements, [0]

    def killing(con, statements, params):
        for statement in statements:
            original(con, [statement], params)
            done[0] += 1
            if done[0] == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)

    wl.execute_statements = killing
    if kill_after == "publish":
        wp.publish_analyst_copy = lambda _s: os.kill(os.getpid(), signal.SIGKILL)
    wl.load_run(Run.of(day, settings, "killed"))


@pytest.mark.parametrize("kill_after", [3, 12, 25, "publish"])
def test_kill_9_inside_the_load_leaves_no_partial_date(replay_server, tmp_path, kill_after):
    from akhbar.pipeline.catalogue import read_catalogue
    from akhbar.pipeline.ingest import ingest_source
    from akhbar.warehouse.load import load_run

    settings = make_settings(
        tmp_path,
        replay_server,
        sources_file=_catalogue(
            tmp_path / "sources.csv", [{"source_id": "shafaq"}, {"source_id": "alalam"}]
        ),
    )
    run = Run.of(SNAPSHOT_RUN_DATE, settings, "ingest")
    for source in read_catalogue(run):
        ingest_source(source, run)
    child = multiprocessing.get_context("fork").Process(
        target=_load_and_die, args=(settings, SNAPSHOT_RUN_DATE, kill_after)
    )
    child.start()
    child.join(300)
    assert child.exitcode == -9  # it really died mid-way
    (n,) = _rows(settings.warehouse, "SELECT count(*) FROM fact_article")[0]
    (children,) = _rows(settings.warehouse, "SELECT count(*) FROM fact_entity_mention")[0]
    if kill_after == "publish":  # committed: all of it, analyst copy not yet published
        assert n == 31 and children > 0
    else:  # inside the transaction: nothing of the date
        assert (n, children) == (0, 0)
    load_run(Run.of(SNAPSHOT_RUN_DATE, settings, "after-crash"))
    assert _rows(settings.analyst_copy, "SELECT count(*) FROM fact_article") == [(31,)]
    assert _rows(
        settings.warehouse, "SELECT count(*) - count(DISTINCT article_id) FROM fact_article"
    ) == [(0,)]


def test_publish_removes_copies_left_by_crashed_publishes(replay_server, tmp_path):
    from akhbar.warehouse.migrate import connect
    from akhbar.warehouse.publish import publish_analyst_copy

    settings = make_settings(tmp_path, replay_server)
    connect(settings.warehouse).close()
    left = [
        settings.analyst_copy.with_name(f".{settings.analyst_copy.name}.{pid}.tmp")
        for pid in (4242, 4343)
    ]
    for path in left:
        path.write_bytes(b"x" * 1024)
    publish_analyst_copy(settings)
    assert not any(p.exists() for p in left)
    assert settings.analyst_copy.exists()


def test_clusters_are_their_own_idempotent_step_after_the_load(replay_server, tmp_path):
    """The load commits the date unclustered; the cluster step clusters every Arabic
    article of it in its own transaction, and a second call (or a re-run whose load
    was skipped) does nothing."""
    from akhbar.pipeline.catalogue import read_catalogue
    from akhbar.pipeline.ingest import ingest_source
    from akhbar.warehouse.load import load_run, update_story_clusters

    settings = make_settings(tmp_path, replay_server, sources_file=_shafaq_pair(tmp_path))
    run = Run.of(SNAPSHOT_RUN_DATE, settings, "cluster-step")
    for source in read_catalogue(run):
        ingest_source(source, run)
    assert load_run(run)["articles"] == 30
    unclustered = "SELECT count(*) FROM fact_article WHERE cluster_id IS NULL"
    assert _rows(settings.warehouse, unclustered) == [(30,)]
    counts = update_story_clusters(run)
    assert counts["clustered"] == 30 and counts["clusters"] >= 1
    assert _rows(settings.warehouse, unclustered) == [(0,)]
    assert _rows(settings.analyst_copy, unclustered) == [(0,)]  # republished
    clustered = _rows(settings.warehouse, "SELECT article_id, cluster_id FROM fact_article")
    assert update_story_clusters(run)["skipped"] is True
    assert load_run(run)["skipped"] is True  # same inputs: nothing to load ...
    assert update_story_clusters(run)["skipped"] is True  # ... nor to cluster
    assert _rows(settings.warehouse, "SELECT article_id, cluster_id FROM fact_article") == (
        clustered
    )
