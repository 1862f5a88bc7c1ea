"""The pipeline-health plugin: real DuckDB warehouse, real ASGI calls, real plugin manager."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "plugins"))

import akhbar_health  # noqa: E402

from akhbar.ops.health import age, classify, duration, local_time  # noqa: E402

RUN1 = dt.date(2026, 11, 27)
RUN2 = dt.date(2026, 11, 28)
POLLED = dt.datetime(2026, 11, 28, 6, 0, tzinfo=dt.UTC)  # first feed poll of RUN2
LOADED = POLLED + dt.timedelta(minutes=4, seconds=12)


def _seed_source_name() -> str:
    """A real Arabic source name: Al-Alam's own name, as in the dateline on line 1 of the seed
    article (/work/shared/seed/000_ef5b854259b45142.txt, "العالم - ليبيا")."""
    return "العالم"


def build_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    for sql in sorted((REPO / "sql/migrations").glob("*.sql")):
        con.execute(sql.read_text("utf-8"))
    ts = POLLED
    sources = [
        ("alalam", _seed_source_name(), "https://www.alalamtv.net/rss"),
        ("lbc_ar_01", "LBC Group (LBCI) - Arabic feed", "https://www.lbcgroup.tv/Rss/News/ar/29"),
        ("slowone", "Slow feed", "https://slow.example/rss"),
        ("deadone", "Dead feed", "https://dead.example/rss"),
        ("flaky", "Flaky feed", "https://flaky.example/rss"),
    ]
    con.executemany("INSERT INTO dim_source (source_id, name, feed_url) VALUES (?, ?, ?)", sources)
    fetches = [
        # run_date, source, status, http, duration_ms, new
        (RUN1, "alalam", "ok", 200, 300, 3),
        (RUN2, "alalam", "ok", 200, 250, 2),
        (RUN1, "lbc_ar_01", "ok", 200, 400, 1),
        # a 304 whose cached entries were never loaded: 2 of them are loaded this run
        (RUN2, "lbc_ar_01", "not_modified", 304, 90, 2),
        (RUN2, "slowone", "ok", 200, 15_000, 1),
        (dt.date(2026, 11, 26), "deadone", "error", None, 20_000, 0),
        (RUN1, "deadone", "error", 500, 100, 0),
        (RUN2, "deadone", "rejected", 404, 100, 0),
        (RUN1, "flaky", "ok", 200, 100, 1),
        (RUN2, "flaky", "error", 503, 100, 0),
    ]
    for run_date, sid, status, http, ms, new in fetches:
        con.execute(
            "INSERT INTO fact_feed_fetch (run_date, source_id, feed_url, fetched_at, status,"
            " http_status, duration_ms, entries_new) VALUES (?, ?, 'u', ?, ?, ?, ?, ?)",
            [run_date, sid, ts.replace(day=run_date.day), status, http, ms, new],
        )
    for i in range(2):
        con.execute(
            "INSERT INTO fact_article (article_id, run_date, source_id, url) VALUES (?, ?, ?, ?)",
            [f"a{i}", RUN2, "alalam", f"https://www.alalamtv.net/news/{i}"],
        )
    con.execute(
        "INSERT INTO fact_article (article_id, run_date, source_id, url) VALUES ('old', ?, 'alalam', 'x')",
        [RUN1],
    )
    con.execute(
        "INSERT INTO fact_article (article_id, run_date, source_id, url) VALUES ('s1', ?, 'slowone', 'y')",
        [RUN2],
    )
    for i in range(2):
        con.execute(
            "INSERT INTO fact_article (article_id, run_date, source_id, url) VALUES (?, ?, ?, ?)",
            [f"l{i}", RUN2, "lbc_ar_01", f"https://www.lbcgroup.tv/news/{i}"],
        )
    for i, rule in enumerate(["body_too_short", "not_arabic", "body_too_short"]):
        con.execute(
            "INSERT INTO quarantine (quarantine_id, run_date, stage, source_id, record_key, rule,"
            " quarantined_at) VALUES (?, ?, 'extract', 'alalam', ?, ?, ?)",
            [f"q{i}", RUN2, f"k{i}", rule, ts],
        )
    con.execute(
        "INSERT INTO dq_result VALUES (?, 'extract', 'articles', 'expect_x', NULL, true, NULL, 0, 4, ?),"
        " (?, 'extract', 'articles', 'expect_y', 'title', false, NULL, 1, 4, ?)",
        [RUN2, ts, RUN2, ts],
    )
    for stage, metric, value in [
        ("poll", "feeds", 5),
        ("fetch", "pages", 7),
        ("extract", "articles", 3),
        ("load", "articles", 3),
    ]:
        # started_at NULL (as the load writes it): the run started at its first poll (ts)
        con.execute(
            "INSERT INTO pipeline_run VALUES (?, 'scheduled__2026-11-28', NULL, ?, ?, '*', ?, ?)",
            [RUN2, LOADED, stage, metric, value],
        )
    con.execute(
        "INSERT INTO pipeline_run VALUES (?, 'scheduled__2026-11-27', ?, ?, 'load', '*', 'articles', 9)",
        [RUN1, ts.replace(day=27), ts.replace(day=27)],
    )
    # a metric recorded only per source is summed into the run total
    for sid, value in [("alalam", 2), ("lbc_ar_01", 1)]:
        con.execute(
            "INSERT INTO pipeline_run VALUES (?, 'scheduled__2026-11-28', NULL, ?, 'fetch', ?, 'bytes_k', ?)",
            [RUN2, LOADED, sid, value],
        )
    # per-source rows of a metric that has a '*' total do not double count
    con.execute(
        "INSERT INTO pipeline_run VALUES (?, 'scheduled__2026-11-28', NULL, ?, 'poll', 'alalam', 'feeds', 1)",
        [RUN2, LOADED],
    )
    # per-source load counts beside the '*' total: the total is never added to them
    for sid, value in [("alalam", 2), ("slowone", 1)]:
        con.execute(
            "INSERT INTO pipeline_run VALUES (?, 'scheduled__2026-11-28', NULL, ?, 'load', ?, 'articles', ?)",
            [RUN2, LOADED, sid, value],
        )
    con.close()


@pytest.fixture()
def client(tmp_path, monkeypatch) -> TestClient:
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AKHBAR_WAREHOUSE", str(tmp_path / "akhbar.duckdb"))
    return TestClient(akhbar_health.create_app())


def test_missing_warehouse_is_a_friendly_page(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "No runs yet" in page.text
    assert client.get("/api/health").json()["status"] == "no_runs"


def test_page_and_json_show_real_numbers(client, tmp_path) -> None:
    build_warehouse(tmp_path / "akhbar_analyst.duckdb")
    data = client.get("/api/health").json()
    assert data["status"] == "ok"
    assert data["database"].endswith("akhbar_analyst.duckdb")
    by_id = {s["source_id"]: s for s in data["sources"]}
    assert by_id["alalam"]["status"] == "ok"
    assert by_id["alalam"]["new_articles"] == 2  # only the last run's articles
    assert by_id["alalam"]["quarantined"] == 3
    assert by_id["alalam"]["dq"] == "quarantined: body_too_short, not_arabic"
    # 304 with entries never loaded before: the status says the feed did not change,
    # the count says its articles were not yet loaded (not "new")
    lbc = by_id["lbc_ar_01"]
    assert (lbc["status"], lbc["http_status"]) == ("not modified (304)", 304)
    assert (lbc["new_articles"], lbc["new_label"], lbc["entries_new"]) == (2, "not yet loaded", 2)
    assert by_id["alalam"]["new_label"] == "new"
    assert re.fullmatch(r"\d+ (min|h|d) ago", by_id["alalam"]["last_poll_age"])
    assert "." not in by_id["alalam"]["last_poll_local"]  # no microseconds
    assert by_id["slowone"]["status"] == "slow"
    assert by_id["deadone"]["status"] == "dead"
    assert by_id["flaky"]["status"] == "failing"
    assert by_id["flaky"]["http_status"] == 503

    runs = data["runs"]
    assert [r["run_date"] for r in runs] == ["2026-11-28", "2026-11-27"]
    assert runs[0]["counts"] == {
        "extract.articles": 3,
        "fetch.bytes_k": 3,
        "fetch.pages": 7,
        "load.articles": 3,  # the '*' total, not 3 + the per-source 2 + 1
        "poll.feeds": 5,
        "poll.feeds_ok": 2,
        "poll.feeds_not_modified": 1,
        "poll.feeds_rejected": 1,
        "poll.feeds_error": 1,
        "gate.extract_expectations_failed": 1,
    }
    # real duration: first poll -> load, not from the logical date's midnight (6 h 04 min)
    assert runs[0]["duration"] == "4 min 12 s" and runs[0]["duration_s"] == 252
    assert runs[0]["started_at"] == POLLED.isoformat()
    per_source = data["per_source"]
    assert "*" not in per_source
    assert per_source["alalam"] == {"fetch.bytes_k": 2, "load.articles": 2, "poll.feeds": 1}
    assert sum(c.get("load.articles", 0) for c in per_source.values()) == 3
    assert (runs[0]["dq_passed"], runs[0]["dq_failed"], runs[0]["dq"]) == (1, 1, "fail")
    assert runs[1]["counts"] == {"load.articles": 9, "poll.feeds_ok": 3, "poll.feeds_error": 1}
    assert client.get("/api/health?limit=1").json()["runs"][0]["run_id"] == "scheduled__2026-11-28"

    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert _seed_source_name() in html  # the Arabic name, isolated with <bdi>
    assert '<td dir="auto"><bdi>' + _seed_source_name() in html
    assert ">dead<" in html and ">slow<" in html and ">not modified (304)<" in html
    assert "2 not yet loaded" in html and "2 new" in html
    assert "4 min 12 s" in html and "<h2>Overview</h2>" in html
    assert "Last run per source" in html
    assert "+00:00" not in html and ".000" not in html  # no raw ISO timestamps
    assert "poll.feeds" in html and '<td class="num">7</td>' in html
    assert "1/1" in html


def test_falls_back_to_warehouse_and_never_writes(client, tmp_path) -> None:
    wh = tmp_path / "akhbar.duckdb"
    build_warehouse(wh)
    before = wh.stat().st_mtime_ns
    data = client.get("/api/health").json()
    assert data["database"] == str(wh)
    assert len(data["sources"]) == 5
    # a read-only connection can coexist with another read-only reader and does not touch the file
    assert wh.stat().st_mtime_ns == before


def test_readable_times(monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Riyadh")
    time.tzset()
    try:
        assert local_time(POLLED) == "2026-11-28 09:00 +03"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert age(POLLED, POLLED + dt.timedelta(hours=3, minutes=20)) == "3 h ago"
    assert age(POLLED, POLLED + dt.timedelta(seconds=20)) == "just now"
    assert age(POLLED, POLLED + dt.timedelta(days=3)) == "3 d ago"
    assert duration(POLLED, LOADED) == "4 min 12 s"
    assert duration(POLLED, POLLED + dt.timedelta(hours=23, minutes=19)) == "23 h 19 min"


def test_classify_rules() -> None:
    assert classify([]) == "never polled"
    assert classify([{"status": "error"}, {"status": "ok"}]) == "failing"
    assert classify([{"status": "error"}] * 3) == "dead"
    assert classify([{"status": "ok", "duration_ms": 10}]) == "ok"


def test_airflow_plugin_manager_loads_it(tmp_path) -> None:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow_home"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(tmp_path / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    out = subprocess.run(
        [str(REPO / ".venv/bin/airflow"), "plugins", "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    plugins = {p["name"]: p for p in json.loads(out.stdout[out.stdout.index("[") :])}
    plugin = plugins["akhbar_health"]
    assert plugin["fastapi_apps"][0]["url_prefix"] == "/akhbar"
    assert plugin["external_views"][0]["href"] == "/akhbar/"


def test_plugin_import_is_light() -> None:
    code = (
        "import sys; sys.path.insert(0, 'plugins'); import akhbar_health; "
        "print('duckdb' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.split()[-2:] == ["False", "False"]


def test_page_on_the_pipelines_warehouse_needs_no_fts(snapshot_warehouse) -> None:
    """The real pipeline's analyst copy (with its fts index), fts unavailable: the page works."""
    code = r"""
import json, sys
from pathlib import Path
sys.modules["duckdb_extension_fts"] = None  # the wheel cannot be imported
import duckdb
_connect = duckdb.connect
def connect(*args, config=None, **kwargs):  # and DuckDB may not autoload or download it
    config = {**(config or {}), "autoload_known_extensions": False,
              "autoinstall_known_extensions": False}
    return _connect(*args, config=config, **kwargs)
duckdb.connect = connect
sys.path.insert(0, "plugins")
import akhbar_health
from akhbar.ops.health import health_report
wh = Path(sys.argv[1])
report = health_report(wh, wh)
page = akhbar_health.render_page(report)
print(json.dumps({"status": report["status"], "sources": len(report["sources"]),
                  "runs": len(report["runs"]), "alalam": "alalam" in page}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code, str(snapshot_warehouse)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["status"] == "ok" and got["sources"] > 0 and got["runs"] == 1 and got["alalam"]
