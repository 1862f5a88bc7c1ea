"""Analyst views and macros (sql/views) on a warehouse of real text.

Runs against tests/analyst_warehouse.py's build, or a real warehouse given by
AKHBAR_TEST_WAREHOUSE (then builder-specific facts are skipped).
"""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

import duckdb
import pytest

from akhbar.arabic.normalize import DROP_FOR_MATCH, FOLD, normalize_for_match
from akhbar.warehouse.migrate import apply_migrations
from analyst_warehouse import (
    SEED_ARTICLE_ID,
    SEED_TXT,
    SHAFAQ_DIR,
    seed_article_ids,
    warehouse_for_tests,
)

VIEWS = [
    "v_articles",
    "v_articles_daily",
    "v_entity_mentions",
    "v_entity_daily",
    "v_entity_comentions",
    "v_quotes",
    "v_top_speakers",
    "v_cluster_coverage",
    "v_story_clusters",
    "v_source_health",
    "v_dq_history",
    "v_quarantine_summary",
]
HEALTH = {"ok", "not_modified", "slow", "failing", "dead", "skipped", "never_polled"}


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> tuple[Path, bool]:
    return warehouse_for_tests(tmp_path_factory.mktemp("views"))


@pytest.fixture(scope="module")
def con(wh):
    c = duckdb.connect(str(wh[0]), read_only=True)
    yield c
    c.close()


def _one(con, sql, params=()):
    return con.execute(sql, list(params)).fetchone()


def _real_texts() -> list[str]:
    if not SHAFAQ_DIR.is_dir():
        pytest.skip(f"needs the real Shafaq items at {SHAFAQ_DIR} (../shared beside the repo)")
    texts = [SEED_TXT.read_text(encoding="utf-8")]
    for f in sorted(SHAFAQ_DIR.glob("shafaq_*.json")):
        item = json.loads(f.read_text(encoding="utf-8"))
        texts += [item["title"], html.unescape(item["description"])]
    return texts


def test_ar_fold_matches_python_on_every_folded_code_point():
    con = duckdb.connect()
    con.execute((Path(__file__).parents[1] / "sql/views/000_macros.sql").read_text("utf-8"))
    chars = sorted(set(FOLD) | DROP_FOR_MATCH)
    got = con.execute("SELECT list_transform(?, lambda c: ar_fold(c))", [chars]).fetchone()[0]
    mismatches = [
        (hex(ord(c)), g, normalize_for_match(c))
        for c, g in zip(chars, got, strict=True)
        if g != normalize_for_match(c)
    ]
    assert mismatches == []


def test_ar_fold_matches_python_on_real_text():
    con = duckdb.connect()
    con.execute((Path(__file__).parents[1] / "sql/views/000_macros.sql").read_text("utf-8"))
    texts = _real_texts()
    assert len(texts) == 61
    folded = con.execute("SELECT list_transform(?, lambda t: ar_fold(t))", [texts]).fetchone()[0]
    for text, sql_folded in zip(texts, folded, strict=True):
        assert sql_folded == normalize_for_match(text)
    # spelling variants really collapse (forms taken from the seed text and its gold file)
    a, b, c = con.execute(
        "SELECT ar_fold('رجب طيب اردوغان'), ar_fold('رجب طيب إردوغان'), ar_fold('رجب طيب أردوغان')"
    ).fetchone()
    assert a == b == c


def test_every_view_exists_and_is_documented(con):
    rows = dict(con.execute("SELECT view_name, comment FROM duckdb_views()").fetchall())
    for view in VIEWS:
        assert view in rows, view
        assert rows[view] and len(rows[view]) > 30, f"{view} has no COMMENT ON VIEW"
    macros = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()}
    table_comment = _one(
        con, "SELECT comment FROM duckdb_tables() WHERE table_name = 'fact_article'"
    )[0]
    assert table_comment and "article_id" in table_comment
    for macro in ("ar_fold", "quotes_by", "search_articles", "search_quotes", "ar_snippet"):
        assert macro in macros


def test_view_files_are_idempotent(wh, tmp_path):
    copy = tmp_path / "again.duckdb"
    copy.write_bytes(wh[0].read_bytes())
    c = duckdb.connect(str(copy))
    try:
        assert apply_migrations(c) == []
        assert apply_migrations(c) == []
        assert _one(c, "SELECT count(*) FROM v_articles_daily")[0] > 0
    finally:
        c.close()


def test_view_latencies(con, capsys):
    timings = {}
    for view in VIEWS:
        t0 = time.perf_counter()
        rows = con.execute(f"SELECT * FROM {view}").fetchall()
        timings[view] = (time.perf_counter() - t0, len(rows))
    with capsys.disabled():
        print(
            "\nview latency (ms, rows):",
            {k: (round(v[0] * 1000, 1), v[1]) for k, v in timings.items()},
        )
    assert all(t < 5.0 for t, _ in timings.values())


def test_articles_daily_adds_up(con):
    total, summed, null_days = _one(
        con,
        "SELECT (SELECT count(*) FROM fact_article), (SELECT sum(articles) FROM v_articles_daily),"
        " (SELECT count(*) FROM v_articles_daily WHERE day IS NULL)",
    )
    assert total > 0 and summed == total and null_days == 0
    bad = _one(
        con,
        "SELECT count(*) FROM v_articles_daily WHERE from_page + from_feed_only > articles"
        " OR undated > articles OR avg_arabic_share NOT BETWEEN 0 AND 1",
    )[0]
    assert bad == 0


def test_entity_views(con):
    assert (
        _one(con, "SELECT sum(mentions) FROM v_entity_daily")[0]
        == _one(con, "SELECT count(*) FROM fact_entity_mention")[0]
    )
    # co-mentions are symmetric and never pair an entity with itself
    asym = _one(
        con,
        "SELECT count(*) FROM v_entity_comentions a LEFT JOIN v_entity_comentions b"
        " ON a.entity_key = b.other_key AND a.other_key = b.entity_key"
        " WHERE b.articles IS DISTINCT FROM a.articles",
    )[0]
    assert asym == 0
    assert (
        _one(con, "SELECT count(*) FROM v_entity_comentions WHERE entity_key = other_key")[0] == 0
    )
    self_listed = _one(
        con,
        "SELECT count(*) FROM v_entity_daily WHERE list_contains(top_comentions, entity_name)",
    )[0]
    assert self_listed == 0
    assert _one(con, "SELECT max(len(top_comentions)) FROM v_entity_daily")[0] <= 3


def test_seed_entities_and_comentions(con):
    seed = seed_article_ids(con)
    if not seed:
        pytest.skip("seed article not in this warehouse")
    names = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT ar_fold(entity_name) FROM v_entity_mentions WHERE article_id = ?",
            [seed[0]],
        ).fetchall()
    }
    for expected in ("ليبيا", "موسكو", "خليفة حفتر", "سيرغي لافروف"):
        assert normalize_for_match(expected) in names
    together = {
        r[0]
        for r in con.execute(
            "SELECT ar_fold(other_name) FROM v_entity_comentions WHERE ar_fold(entity_name) = ar_fold('ليبيا')"
        ).fetchall()
    }
    assert normalize_for_match("موسكو") in together


def test_top_speakers(con):
    with_speaker = _one(con, "SELECT count(*) FROM v_quotes WHERE speaker_key IS NOT NULL")[0]
    assert _one(con, "SELECT sum(quotes) FROM v_top_speakers_all")[0] == with_speaker
    named = _one(
        con,
        "SELECT count(*) FROM v_quotes WHERE speaker_key IS NOT NULL"
        " AND coalesce(speaker_kind, 'person') IN ('person', 'organisation')",
    )[0]
    assert _one(con, "SELECT sum(quotes) FROM v_top_speakers")[0] == named < with_speaker
    # anonymous sources (المصدر، مصادر ...) are counted only in v_top_speakers_all
    assert not _one(
        con, "SELECT count(*) FROM v_top_speakers WHERE speaker_kind IN ('anonymous', 'role')"
    )[0]
    rows = con.execute(
        "SELECT speaker_key, quotes, direct_quotes + indirect_quotes, outlets, sample_quote"
        " FROM v_top_speakers"
    ).fetchall()
    assert rows
    for key, quotes, by_kind, outlets, sample in rows:
        assert by_kind <= quotes and outlets >= 1
        assert (
            _one(
                con,
                "SELECT count(*) FROM v_quotes WHERE speaker_key = ? AND text = ?",
                [key, sample],
            )[0]
            >= 1
        )


def test_seed_speakers_and_quotes_by(con, wh):
    if not seed_article_ids(con):
        pytest.skip("seed article not in this warehouse")
    lavrov = con.execute(
        "SELECT quotes, outlets, sample_quote FROM v_top_speakers"
        " WHERE contains(ar_fold(speaker_name), ar_fold('لافروف'))"
    ).fetchall()
    assert lavrov and lavrov[0][0] >= 1
    assert lavrov[0][2].startswith("سنواصل جهودنا في هذا الاتجاه")
    if wh[1]:
        assert lavrov[0][1] == 2  # original + syndicated copy
    # spelling-insensitive: no hamza, hamza below, hamza above, with harakat (constructed query)
    results = [
        con.execute("SELECT article_id, quote_idx FROM quotes_by(?)", [q]).fetchall()
        for q in ("اردوغان", "إردوغان", "أردوغان", "أَرْدُوغَان")
    ]
    assert results[0] and all(r == results[0] for r in results)
    texts = [r[0] for r in con.execute("SELECT text FROM quotes_by('اردوغان')").fetchall()]
    assert any(t.startswith("تركيا لن تتوانى") for t in texts)
    assert any(t.startswith("حفتر فر هاربا من موسكو") for t in texts)
    days = [r[0] for r in con.execute("SELECT day FROM quotes_by('لافروف')").fetchall()]
    assert days == sorted(days)
    if wh[1]:
        by_id = con.execute("SELECT count(*) FROM quotes_by('per:sergey_lavrov')").fetchone()[0]
        assert by_id == len(days) == 4


def test_story_clusters(con, wh):
    rows = con.execute(
        "SELECT cluster_id, outlets, first_source_id, max_lag_minutes, coverage_order"
        " FROM v_story_clusters"
    ).fetchall()
    assert rows
    for cluster_id, outlets, first_source, lag, order in rows:
        assert outlets >= 1 and len(order) == outlets
        assert order[0].startswith(first_source + " +")
        assert lag is None or lag >= 0
        rank1 = con.execute(
            "SELECT source_id FROM v_cluster_coverage WHERE cluster_id = ? AND coverage_rank = 1",
            [cluster_id],
        ).fetchall()
        assert first_source in {r[0] for r in rank1}
    if wh[1]:
        # the load clustered the seed and its syndicated copy together
        seed = con.execute(
            "SELECT outlets, first_source_id, max_lag_minutes FROM v_story_clusters"
            " WHERE cluster_id = (SELECT cluster_id FROM fact_article WHERE article_id = ?)",
            [SEED_ARTICLE_ID],
        ).fetchone()
        assert seed == (2, "alalam_ar", 95)


def test_source_health(con, wh):
    rows = dict(con.execute("SELECT source_id, health_status FROM v_source_health").fetchall())
    assert rows and set(rows.values()) <= HEALTH
    assert (
        _one(
            con,
            "SELECT count(*) FROM v_source_health WHERE weighted_failures < 0 OR recent_failures > recent_polls",
        )[0]
        == 0
    )
    if wh[1]:
        assert rows == {
            "aljazeera_net_rss": "dead",  # 10 timeouts in a row, never succeeded
            "lbc_ar_01": "failing",  # two recent 503s
            "skynewsarabia_rss": "slow",  # median 14.5 s
            "shafaq_society_ar": "not_modified",
            "alalam_ar": "not_modified",
        }


def test_quality_views(con, wh):
    assert (
        _one(
            con,
            "SELECT count(*) FROM v_dq_history WHERE failed > expectations OR success_rate NOT BETWEEN 0 AND 1"
            " OR (failed > 0) <> (failed_expectations IS NOT NULL)",
        )[0]
        == 0
    )
    rows, total = _one(
        con,
        "SELECT (SELECT sum(rows) FROM v_quarantine_summary), (SELECT count(*) FROM quarantine)",
    )
    assert (rows or 0) == total
    assert (
        _one(con, "SELECT count(*) FROM v_quarantine_summary WHERE rows <> requeued + pending")[0]
        == 0
    )
    if wh[1]:
        failed = con.execute(
            "SELECT run_date, failed_expectations FROM v_dq_history WHERE failed > 0"
        ).fetchall()
        assert [str(r[0]) for r in failed] == ["2026-08-09"]
        assert failed[0][1] == ["expect_column_values_to_be_between(arabic_share)"]
