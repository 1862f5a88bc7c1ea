"""The ``akhbar`` command line, run as a user runs it (a subprocess per command)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from helpers import REPO, SHARED, SNAPSHOT, settings_env

PAGES = SHARED / "corpus" / "pages"
SEED = REPO / "tests" / "fixtures" / "seed" / "000_ef5b854259b45142.txt"


def akhbar(*args: str, env: dict[str, str] | None = None, timeout: int = 300):
    return subprocess.run(
        [sys.executable, "-m", "akhbar.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )


@pytest.mark.skipif(not PAGES.exists(), reason="../shared/corpus not present")
def test_extract_prints_one_json_object_with_offsets_into_text():
    out = akhbar("extract", str(PAGES / "cnn_arabic_1.html"))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert {
        "title",
        "text",
        "published",
        "language",
        "dateline",
        "entities",
        "quotes",
        "dates",
    } <= set(doc)
    assert doc["language"] == "ar" and "دمشق" in doc["title"]
    for ent in doc["entities"]:
        assert doc["text"][ent["start"] : ent["end"]] == ent["text"]
    assert doc["dateline"] and doc["dateline"]["source"] == "CNN"


def test_analyze_on_the_seed_article():
    out = akhbar("analyze", "--text", str(SEED), "--published", "2020-01-14T12:00:00+00:00")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["dateline"]["source"] == "العالم" and doc["dateline"]["place"] == "ليبيا"
    speakers = {q["speaker"] for q in doc["quotes"] if q["kind"] == "direct"}
    assert {"سيرغي لافروف", "رجب طيب إردوغان"} <= speakers
    ids = {
        e["entity_id"]
        for e in doc["entities"]
        if e["text"] in ("اردوغان", "إردوغان", "رجب طيب اردوغان", "رجب طيب إردوغان")
    }
    assert len(ids) == 1 and None not in ids  # spelling variants resolve to one entity
    weekdays = {d["text"]: d["value"] for d in doc["dates"]}
    assert weekdays.get("الأحد المقبل") == "2020-01-19"
    for q in doc["quotes"]:
        assert doc["text"][q["start"] : q["end"]] == q["text"]


def test_analyze_flags_non_arabic_and_handles_empty(tmp_path):
    english = tmp_path / "en.txt"
    english.write_text("The ceasefire talks in Moscow ended without a deal.", encoding="utf-8")
    doc = json.loads(akhbar("analyze", "--text", str(english)).stdout)
    assert doc["skipped_reason"] and doc["entities"] == [] and doc["quotes"] == []
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert json.loads(akhbar("analyze", "--text", str(empty)).stdout)["skipped_reason"] == "empty"


@pytest.mark.skipif(not (SHARED / "corpus" / "ner").exists(), reason="../shared not present")
def test_tag_conll(tmp_path):
    lines = (
        (SHARED / "corpus" / "ner" / "wojood_sample" / "val.txt")
        .read_text(encoding="utf-8")
        .splitlines()[:200]
    )
    src = tmp_path / "in.conll"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = akhbar("tag", "--conll", str(src))
    assert out.returncode == 0, out.stderr
    rows = [r.split("\t") for r in out.stdout.splitlines() if r.strip()]
    assert len(rows) == sum(1 for ln in lines if ln.strip())
    assert {tag for _, tag in rows} <= {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}
    assert any(tag != "O" for _, tag in rows)


def test_replay_serves_the_snapshot_and_stops_on_sigterm(tmp_path):
    ready = tmp_path / "port"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "akhbar.cli",
            "replay",
            str(SNAPSHOT),
            "--port",
            "0",
            "--ready-file",
            str(ready),
        ],
        cwd=REPO,
    )
    try:
        for _ in range(100):
            if ready.exists() and ready.read_text().strip():
                break
            time.sleep(0.1)
        port = int(ready.read_text())
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/rss/ar/x",
            headers={
                "X-Akhbar-Original-Url": "https://www.shafaq.com/rss/ar/"
                "%D9%85%D8%AC%D8%AA%D9%80%D9%85%D8%B9"
            },
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200 and b"<rss" in resp.read()
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page", timeout=10)
        assert err.value.code == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_sql_summary_quarantine_on_the_snapshot_warehouse(snapshot_run):
    settings, _ = snapshot_run
    env = settings_env(settings)
    out = akhbar("sql", "SELECT count(*) AS n FROM fact_article", "--format", "json", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)[0]["n"] >= 38
    out = akhbar(
        "sql",
        "SELECT title FROM search_articles('اطلاق النار') LIMIT 3",
        "--format",
        "csv",
        env=env,
    )
    assert out.returncode == 0 and "الخارجية الروسية" in out.stdout, out.stderr
    out = akhbar("summary", env=env)
    assert out.returncode == 0 and "shafaq" in out.stdout and "SELECT" in out.stdout
    out = akhbar("quarantine", env=env)
    assert out.returncode == 0, out.stderr


def test_sql_is_read_only(snapshot_run):
    settings, _ = snapshot_run
    out = akhbar("sql", "DELETE FROM fact_article", env=settings_env(settings))
    assert out.returncode != 0 and "read-only" in (out.stderr + out.stdout).lower()


@pytest.mark.slow
def test_reprocess_from_the_archive_without_network(snapshot_run, tmp_path):
    """Re-run a day from its raw WARC archive: same articles, no live fetch."""
    import shutil
    from dataclasses import replace

    settings, _ = snapshot_run
    own = replace(
        settings,
        data_dir=tmp_path / "data",
        warehouse=tmp_path / "data" / "w.duckdb",
        replay_url=None,
        allow_hosts=(),
    )
    shutil.copytree(settings.archive_dir, own.archive_dir)
    env = {k: v for k, v in settings_env(own).items() if k not in ("AKHBAR_REPLAY_URL",)}
    env["AKHBAR_REPLAY_URL"] = ""
    from helpers import SNAPSHOT_RUN_DATE

    out = akhbar("reprocess", "--date", SNAPSHOT_RUN_DATE, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    con = duckdb.connect(str(own.analyst_copy), read_only=True)
    again = con.execute("SELECT count(*) FROM fact_article").fetchone()[0]
    con.close()
    con = duckdb.connect(str(settings.analyst_copy), read_only=True)
    first = con.execute("SELECT count(*) FROM fact_article").fetchone()[0]
    con.close()
    assert again == first
    assert Path(own.archive_dir).exists()
