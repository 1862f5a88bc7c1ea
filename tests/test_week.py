"""Built news week: feeds from real SaudiNewsNet records (read from ../shared,
never copied here), read back through the replay server, the hardened HTTP
client and the feed parser; the week report SQL on real pipeline warehouses."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from akhbar.fetch.archive import iter_responses
from akhbar.ops.week import (
    WeekDataError,
    build_week_snapshot,
    parse_days,
    resolve_catalogue,
    week_report,
    week_tables,
)
from akhbar.pipeline.sources import CATALOGUE_COLUMNS, Source, read_sources
from helpers import REPO, SNAPSHOT_RUN_DATE, make_settings

SHARED = Path(os.environ.get("AKHBAR_SHARED_DIR", REPO.parent / "shared"))
WEEK_DIR = SHARED / "corpus" / "news_week" / "dataset"
needs_week = pytest.mark.skipif(
    not WEEK_DIR.is_dir(), reason=f"SaudiNewsNet week not present at {WEEK_DIR} (../shared)"
)
DAYS = [date(2015, 8, 6), date(2015, 8, 7)]
OUTLETS = ["aawsat", "alriyadh", "okaz", "sabq"]
LIMIT = 20
RIYADH = timezone(timedelta(hours=3))


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _expected(day: date) -> dict[str, list[dict]]:
    """Independent reading of a zip: per slice outlet, its first LIMIT records
    with content, in file order."""
    with zipfile.ZipFile(WEEK_DIR / f"{day}.zip") as archive:
        records = json.loads(archive.read(f"{day}.json"))
    out: dict[str, list[dict]] = {o: [] for o in OUTLETS}
    for rec in records:
        if rec["source"] in out and rec["content"].strip() and len(out[rec["source"]]) < LIMIT:
            out[rec["source"]].append(rec)
    return out


@pytest.fixture(scope="module")
def week_slice(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("week")
    lines: list[str] = []
    snap = build_week_snapshot(
        WEEK_DIR, root / "a", DAYS, outlets=OUTLETS, per_outlet_limit=LIMIT, progress=lines.append
    )
    return snap, lines


# --------------------------------------------------------------------------- units


def test_feed_url_for_substitutes_the_date_placeholder() -> None:
    src = Source("snn_okaz", "Okaz", "http://news-week.akhbar.test/feeds/okaz/{date}.xml")
    assert (
        src.feed_url_for("2015-08-06") == "http://news-week.akhbar.test/feeds/okaz/2015-08-06.xml"
    )
    # A run date with a time part (Airflow's logical date) still gives the day.
    assert src.feed_url_for("2015-08-07T00:00:00+00:00").endswith("/okaz/2015-08-07.xml")
    plain = Source("x", "X", "https://example.org/rss.xml")
    assert plain.feed_url_for("2015-08-06") == "https://example.org/rss.xml"
    with pytest.raises(ValueError):
        src.feed_url_for("not-a-date")


def test_parse_days() -> None:
    assert parse_days("2015-08-06..2015-08-08") == [
        date(2015, 8, 6),
        date(2015, 8, 7),
        date(2015, 8, 8),
    ]
    assert parse_days("2015-08-09") == [date(2015, 8, 9)]
    assert parse_days("2015-08-09, 2015-08-06..2015-08-06") == [date(2015, 8, 6), date(2015, 8, 9)]
    for bad in ("2015-08-11..2015-08-06", "2015-13-01", "yesterday", "", "2015-08-06.."):
        with pytest.raises(WeekDataError):
            parse_days(bad)


def test_missing_inputs_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(WeekDataError, match="does not exist"):
        build_week_snapshot(tmp_path / "nope", tmp_path / "out", DAYS)
    (tmp_path / "in").mkdir()
    with pytest.raises(WeekDataError, match=r"no 2015-08-06\.zip"):
        build_week_snapshot(tmp_path / "in", tmp_path / "out", DAYS)
    (tmp_path / "in" / "2015-08-06.zip").write_bytes(b"not a zip")
    with pytest.raises(WeekDataError, match="unreadable"):
        build_week_snapshot(tmp_path / "in", tmp_path / "out", DAYS[:1])
    assert not (tmp_path / "out" / "warc" / "news_week.warc.gz").exists()


# --------------------------------------------------------------------------- build


@needs_week
def test_slice_has_every_selected_record_and_a_catalogue(week_slice) -> None:
    snap, lines = week_slice
    assert [(f.outlet, f.day) for f in snap.feeds] == [(o, d) for d in DAYS for o in OUTLETS]
    for day in DAYS:
        expected = _expected(day)
        for feed in (f for f in snap.feeds if f.day == day):
            assert feed.items == len(expected[feed.outlet])
        items = sum(len(v) for v in expected.values())
        outlets = sum(1 for v in expected.values() if v)
        assert f"{day}: {outlets} outlets, {items} items" in lines
    assert 0 < snap.articles <= len(DAYS) * len(OUTLETS) * LIMIT
    with snap.sources_csv.open(encoding="utf-8", newline="") as fh:
        assert tuple(csv.DictReader(fh).fieldnames or ()) == CATALOGUE_COLUMNS
    sources = read_sources(snap.sources_csv)
    assert [s.source_id for s in sources] == [f"snn_{o}" for o in OUTLETS]
    okaz = next(s for s in sources if s.source_id == "snn_okaz")
    assert (okaz.name, okaz.country, okaz.min_delay_s, okaz.max_concurrency) == (
        "Okaz",
        "SA",
        0.0,
        4,
    )
    assert "built feed" in (okaz.notes or "")
    served = {r.url for r in iter_responses(snap.warc)}
    assert {s.feed_url_for(str(d)) for s in sources for d in DAYS} == served
    readme = snap.readme.read_text("utf-8")
    assert "CC BY-NC-SA 4.0" in readme and "not captured originals" in readme


@needs_week
def test_build_is_byte_identical(week_slice, tmp_path: Path) -> None:
    snap, _ = week_slice
    again = build_week_snapshot(
        WEEK_DIR, tmp_path / "b", DAYS, outlets=OUTLETS, per_outlet_limit=LIMIT
    )
    for first, second in (
        (snap.warc, again.warc),
        (snap.sources_csv, again.sources_csv),
        (snap.readme, again.readme),
    ):
        assert first.read_bytes() == second.read_bytes(), first.name
    idx = snap.warc.with_name(snap.warc.name + ".idx.jsonl")
    assert idx.read_bytes() == again.warc.with_name(idx.name).read_bytes()


@needs_week
def test_feed_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WeekDataError, match=r"feed alriyadh 2015-08-06: \d+ bytes is over"):
        build_week_snapshot(
            WEEK_DIR, tmp_path, DAYS[:1], outlets=["alriyadh"], max_feed_bytes=50_000
        )
    assert not (tmp_path / "warc" / "news_week.warc.gz").exists()


# --------------------------------------------------------------------------- replay


@needs_week
def test_pipeline_client_reads_a_built_feed_through_replay(week_slice, tmp_path: Path) -> None:
    from akhbar.fetch.feeds import parse_feed
    from akhbar.fetch.http import Fetcher
    from akhbar.fetch.replay import ReplayServer

    snap, _ = week_slice
    day = DAYS[0]
    source = next(s for s in read_sources(snap.sources_csv) if s.source_id == "snn_aawsat")
    expected = _expected(day)["aawsat"]
    with ReplayServer(snap.warc.parent) as server:
        settings = make_settings(tmp_path, server)
        with Fetcher(settings, min_delay_s=0, respect_robots=True) as fetcher:
            url = source.feed_url_for(day.isoformat())
            result = fetcher.get(url, kind="feed")
            assert result.ok, (result.status, result.error, result.detail)
            page = fetcher.get(expected[0]["url"], kind="page")
            assert page.status == 404  # pages are not archived: the feed text is the body
    parsed = parse_feed(result.body, headers=result.headers, base_url=url)
    assert parsed.rejected_reason is None and not parsed.bozo
    assert "built feed" in (parsed.title or "")
    assert b"Built by Akhbar from SaudiNewsNet records" in result.body
    by_url = {e.url: e for e in parsed.entries}
    assert set(by_url) == {r["url"] for r in expected}
    for rec in expected:
        entry = by_url[rec["url"]]
        assert _norm(entry.feed_text) == _norm(rec["content"])  # full text, not a summary
        assert _norm(entry.title) == _norm(rec["title"])
        local = datetime.strptime(rec["date_extracted"], "%Y-%m-%d %H:%M:%S")
        assert entry.published_at == local.replace(tzinfo=RIYADH)
        assert len(entry.summary or "") <= 401


# --------------------------------------------------------------------------- report


def _raw(path: Path, days: list[date]):
    """The report's numbers computed in Python from the raw tables."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        members = con.execute(
            "SELECT cluster_id, article_id, source_id, run_date FROM fact_story_cluster "
            "UNION SELECT cluster_id, article_id, source_id, run_date FROM fact_article "
            "WHERE cluster_id IS NOT NULL"
        ).fetchall()
        articles = con.execute(
            "SELECT run_date, article_id, source_id FROM fact_article"
        ).fetchall()
        quarantine = con.execute("SELECT run_date FROM quarantine").fetchall()
        quotes = con.execute(
            "SELECT q.speaker, a.source_id, q.run_date, q.speaker_kind FROM fact_quote q "
            "JOIN fact_article a ON a.article_id = q.article_id AND a.run_date = q.run_date"
        ).fetchall()
    finally:
        con.close()
    clusters: dict[str, dict] = defaultdict(lambda: {"src": set(), "art": set(), "days": set()})
    for cid, aid, sid, day in members:
        if day in days:
            clusters[cid]["src"].add(sid)
            clusters[cid]["art"].add(aid)
            clusters[cid]["days"].add(day)
    multi = {c: v for c, v in clusters.items() if len(v["src"]) >= 2}
    per_day = [
        (
            d,
            len({a for r, a, _ in articles if r == d}),
            len({s for r, _, s in articles if r == d}),
            sum(1 for v in multi.values() if min(v["days"]) == d),
            sum(1 for (r,) in quarantine if r == d),
        )
        for d in days
    ]
    speakers: dict[str, list] = defaultdict(lambda: [set(), 0])
    for speaker, sid, day, kind in quotes:
        named = kind in (None, "person", "organisation")  # role nouns, anonymous: not ranked
        if day in days and speaker and speaker.strip() and named:
            speakers[speaker.strip()][0].add(sid)
            speakers[speaker.strip()][1] += 1
    return per_day, multi, speakers


def _check_report(path: Path, days: list[date]) -> dict:
    tables = week_tables(path, days, top=5)
    per_day, multi, speakers = _raw(path, days)
    assert [tuple(r) for r in tables["per_day"][1]] == per_day
    top = sorted(multi.items(), key=lambda kv: (-len(kv[1]["src"]), -len(kv[1]["art"]), kv[0]))[:5]
    rows = tables["top_stories"][1]
    assert sorted({(r[1], r[2], r[3]) for r in rows}, key=lambda t: (-t[1], -t[2], t[0])) == [
        (c, len(v["src"]), len(v["art"])) for c, v in top
    ]
    for row in rows:  # one row per (cluster, outlet), each a member outlet
        assert row[5] in multi[row[1]]["src"]
    assert len(rows) == sum(len(v["src"]) for _, v in top)
    want = sorted(
        ((s, len(v[0]), v[1]) for s, v in speakers.items()), key=lambda t: (-t[1], -t[2], t[0])
    )[:5]
    assert [(r[0], r[1], r[2]) for r in tables["top_speakers"][1]] == want
    text = week_report(path, days, top=5)
    for day, articles, *_ in per_day:
        assert any(
            line.startswith(str(day)) and f"  {articles}  " in line for line in text.splitlines()
        )
    return tables


def test_report_on_the_snapshot_warehouse(snapshot_warehouse: Path) -> None:
    day = date.fromisoformat(SNAPSHOT_RUN_DATE)
    tables = _check_report(snapshot_warehouse, [day - timedelta(days=1), day])
    per_day = tables["per_day"][1]
    assert per_day[0][1:] == (0, 0, 0, 0)  # a day with nothing loaded shows zeros
    assert per_day[1][1] > 0 and per_day[1][2] > 1
    assert tables["top_speakers"][1]  # the snapshot has attributed quotes


@needs_week
@pytest.mark.slow
def test_report_on_a_real_week_slice_run(week_slice, tmp_path: Path) -> None:
    """The real pipeline (one process) over one built day: cross-outlet stories appear."""
    from akhbar.fetch.replay import ReplayServer
    from akhbar.pipeline.runner import run_all

    snap, _ = week_slice
    day = DAYS[0]
    with ReplayServer(snap.warc.parent) as server:
        catalogue = resolve_catalogue(snap.sources_csv, day.isoformat(), tmp_path / "sources.csv")
        settings = replace(make_settings(tmp_path, server), sources_file=catalogue)
        run_all(day.isoformat(), settings, run_id="week_slice")
    tables = _check_report(settings.warehouse, [day])
    articles, outlets, clusters = tables["per_day"][1][0][1:4]
    assert articles > 0.9 * len(OUTLETS) * LIMIT and outlets == len(OUTLETS)
    assert clusters >= 1 and tables["top_stories"][1]


# --------------------------------------------------------------------------- CLI


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from akhbar.cli import main

    cases = [
        (
            ["week-build", "--week-dir", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
            "no week data at",
        ),
        (
            [
                "week-build",
                "--week-dir",
                str(tmp_path),
                "--out",
                str(tmp_path / "o"),
                "--days",
                "2015-08-09..2015-08-06",
            ],
            "bad day range",
        ),
        (
            [
                "week-build",
                "--week-dir",
                str(tmp_path),
                "--out",
                str(tmp_path / "o"),
                "--days",
                "2015-08-06",
            ],
            "no 2015-08-06.zip",
        ),
        (["week-report", "--warehouse", str(tmp_path / "none.duckdb")], "no warehouse at"),
    ]
    for argv, message in cases:
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err


@needs_week
def test_cli_week_build_prints_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from akhbar.cli import main

    code = main(
        [
            "week-build",
            "--week-dir",
            str(WEEK_DIR),
            "--out",
            str(tmp_path),
            "--days",
            "2015-08-07",
            "--outlets",
            "okaz,sabq",
            "--limit",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    expected = _expected(date(2015, 8, 7))
    assert (
        f"2015-08-07: 2 outlets, {len(expected['okaz'][:3]) + len(expected['sabq'][:3])} items"
        in out
    )
    assert (tmp_path / "warc" / "news_week.warc.gz").is_file()


@needs_week
def test_outlet_without_records_that_day_gets_an_empty_valid_feed(tmp_path: Path) -> None:
    """Every catalogue row has a feed every day, so a quiet outlet is not a failed poll."""
    from akhbar.fetch.feeds import parse_feed

    with zipfile.ZipFile(WEEK_DIR / "2015-08-06.zip") as archive:
        records = json.loads(archive.read("2015-08-06.json"))
    assert not any(r["source"] == "was" for r in records)  # SPA starts on 08-10
    snap = build_week_snapshot(
        WEEK_DIR, tmp_path, DAYS[:1], outlets=["was", "okaz"], per_outlet_limit=1
    )
    assert [(f.outlet, f.items) for f in snap.feeds] == [("okaz", 1), ("was", 0)]
    body = next(r.body for r in iter_responses(snap.warc) if "/was/" in r.url)
    parsed = parse_feed(body)
    assert parsed.rejected_reason is None and parsed.entries == []
    assert parsed.title == "Saudi Press Agency 2015-08-06 (built feed, not a captured original)"


@needs_week
def test_repeated_url_is_kept_and_empty_content_skipped(tmp_path: Path) -> None:
    """Real records re-packed in a temporary zip: one URL carried by two outlets
    (as syndicated copies are) stays in both feeds; a record without content is dropped."""
    with zipfile.ZipFile(WEEK_DIR / "2015-08-06.zip") as archive:
        records = json.loads(archive.read("2015-08-06.json"))
    okaz = [r for r in records if r["source"] == "okaz" and r["content"].strip()][:2]
    copy = {**okaz[0], "source": "sabq"}
    blank = {**okaz[1], "content": "  "}
    (tmp_path / "in").mkdir()
    with zipfile.ZipFile(tmp_path / "in" / "2015-08-06.zip", "w") as archive:
        archive.writestr("2015-08-06.json", json.dumps([okaz[0], copy, blank]))
    snap = build_week_snapshot(tmp_path / "in", tmp_path / "out", DAYS[:1])
    assert snap.skipped_empty == 1 and snap.outlets == ("okaz", "sabq")
    bodies = {r.url.split("/")[-2]: r.body for r in iter_responses(snap.warc)}
    link = f"<link>{okaz[0]['url']}</link>".encode()
    assert link in bodies["okaz"] and link in bodies["sabq"]
    assert okaz[1]["url"].encode() not in bodies["okaz"]
