"""Every sql/analysis/*.sql query runs and returns sensible rows on a realistic warehouse."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from akhbar.arabic.normalize import normalize_for_match
from analyst_warehouse import seed_article_ids, warehouse_for_tests

ANALYSIS = Path(__file__).resolve().parents[1] / "sql" / "analysis"
FILES = sorted(ANALYSIS.glob("*.sql"))

# Columns each query must return (a contract with the docs and dashboards).
COLUMNS = {
    "01_top_entities_week_by_country.sql": {
        "source_country", "entity_name", "entity_type", "mentions", "articles", "rank_in_country"
    },
    "02_speakers_quoted_by_several_outlets.sql": {
        "speaker_name", "outlets", "outlet_ids", "quotes", "sample_quote"
    },
    "03_stories_covered_by_several_outlets.sql": {
        "cluster_id", "title", "outlets", "first_source_id", "max_lag_minutes", "coverage_order"
    },
    "04_daily_volume_anomalies.sql": {
        "source_id", "day", "articles", "trailing_mean", "z_score", "is_anomaly"
    },
    "05_comentions_of_entity.sql": {"entity_name", "co_mentioned", "shared_articles"},
    "06_quote_cue_verbs.sql": {"kind", "cue", "quotes", "pct_of_kind", "outlets"},
    "07_datelines_by_source.sql": {"source_id", "dateline_place", "articles", "pct_of_source"},
}  # fmt: skip


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return warehouse_for_tests(tmp_path_factory.mktemp("analysis"))


@pytest.fixture(scope="module")
def con(wh):
    c = duckdb.connect(str(wh[0]), read_only=True)
    yield c
    c.close()


def run(con, path: Path) -> list[dict[str, object]]:
    cur = con.execute(path.read_text(encoding="utf-8"))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_there_are_five_to_eight_documented_queries():
    assert 5 <= len(FILES) <= 8
    assert {f.name for f in FILES} == set(COLUMNS)
    for f in FILES:
        head = f.read_text(encoding="utf-8").lstrip()
        assert head.startswith("-- Question:"), f.name


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_query_runs_and_returns_rows(con, path, capsys):
    t0 = time.perf_counter()
    rows = run(con, path)
    elapsed = time.perf_counter() - t0
    with capsys.disabled():
        print(f"\n{path.name}: {len(rows)} rows in {elapsed * 1000:.1f} ms")
    assert rows, f"{path.name} returned nothing"
    assert COLUMNS[path.name] <= set(rows[0])


def test_top_entities_week(con):
    rows = run(con, ANALYSIS / "01_top_entities_week_by_country.sql")
    assert rows  # the loops below must see rows
    latest = con.execute("SELECT max(day) FROM v_entity_mentions").fetchone()[0]
    for r in rows:
        assert 1 <= r["rank_in_country"] <= 10
        assert r["entity_type"] in {"PER", "LOC", "ORG", "MISC", "GPE"}
        assert r["mentions"] >= r["articles"] >= 1
    assert isinstance(latest, date)


def test_speakers_by_several_outlets(con, wh):
    rows = run(con, ANALYSIS / "02_speakers_quoted_by_several_outlets.sql")
    assert rows  # the loops below must see rows
    for r in rows:
        assert r["outlets"] >= 2 and len(r["outlet_ids"]) == r["outlets"]
        assert r["sample_quote"]
    if wh[1]:
        names = {normalize_for_match(r["speaker_name"]) for r in rows}
        assert normalize_for_match("سيرغي لافروف") in names
        assert normalize_for_match("رجب طيب أردوغان") in names


def test_stories_by_several_outlets(con, wh):
    rows = run(con, ANALYSIS / "03_stories_covered_by_several_outlets.sql")
    assert rows  # the loops below must see rows
    for r in rows:
        assert r["outlets"] >= 2
        assert r["max_lag_minutes"] is None or r["max_lag_minutes"] >= 0
        assert r["coverage_order"][0].startswith(r["first_source_id"])
    if wh[1]:
        assert rows[0]["first_source_id"] == "alalam_ar"
        assert rows[0]["coverage_order"] == ["alalam_ar +0m", "skynewsarabia_rss +95m"]


def test_volume_anomalies(con):
    rows = run(con, ANALYSIS / "04_daily_volume_anomalies.sql")
    assert rows
    daily = {
        (s, d): n
        for s, d, n in con.execute(
            "SELECT source_id, day, articles FROM v_articles_daily"
        ).fetchall()
    }
    for r in rows:  # a day without articles inside the source's span counts 0
        assert r["articles"] == daily.get((r["source_id"], r["day"]), 0), r
    flagged = [r for r in rows if r["is_anomaly"]]
    unflagged = [r for r in rows if not r["is_anomaly"]]
    # flagged rows come first and really deviate
    if flagged:
        assert rows[0]["is_anomaly"]
    for r in flagged:
        assert (r["z_score"] is not None and abs(r["z_score"]) >= 2) or (
            r["articles"] == 0 and r["trailing_mean"] >= 1
        )
    for r in unflagged:
        assert r["z_score"] is None or abs(r["z_score"]) < 2


def test_comentions_of_given_entity(con):
    con.execute("SET VARIABLE entity = 'ليبيا'")
    try:
        rows = run(con, ANALYSIS / "05_comentions_of_entity.sql")
    finally:
        con.execute("RESET VARIABLE entity")
    if not seed_article_ids(con):
        pytest.skip("seed article not in this warehouse")
    assert {normalize_for_match(r["entity_name"]) for r in rows} == {normalize_for_match("ليبيا")}
    others = {normalize_for_match(r["co_mentioned"]) for r in rows}
    assert normalize_for_match("موسكو") in others
    assert all(r["shared_articles"] >= 1 for r in rows)
    # default (no variable): the most-mentioned entity, which is never paired with itself
    rows = run(con, ANALYSIS / "05_comentions_of_entity.sql")
    assert all(r["entity_name"] != r["co_mentioned"] for r in rows)


def test_cue_verbs(con, wh):
    rows = run(con, ANALYSIS / "06_quote_cue_verbs.sql")
    assert rows  # the loops below must see rows
    by_kind: dict[str, float] = {}
    for r in rows:
        assert r["kind"] in {"direct", "indirect"}
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + r["pct_of_kind"]
    assert by_kind
    for pct in by_kind.values():
        assert 99.0 <= pct <= 101.0
    if wh[1]:
        cues = {r["cue"] for r in rows}
        assert {"صرح", "قال", "اعتبر"} <= cues


def test_datelines(con, wh):
    rows = run(con, ANALYSIS / "07_datelines_by_source.sql")
    assert rows  # the loops below must see rows
    totals: dict[str, float] = {}
    for r in rows:
        totals[r["source_id"]] = totals.get(r["source_id"], 0) + r["pct_of_source"]
    assert all(99.0 <= t <= 101.0 for t in totals.values())
    if wh[1]:
        shafaq = [r for r in rows if r["source_id"] == "shafaq_society_ar"]
        assert shafaq[0]["dateline_place"] == "بغداد" and shafaq[0]["articles"] == 17
        seed = [r for r in rows if r["source_id"] == "alalam_ar"]
        assert seed[0]["dateline_place"] == "ليبيا"
