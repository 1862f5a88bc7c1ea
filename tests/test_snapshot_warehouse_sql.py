"""Every view and every analysis query, run on the warehouse the pipeline itself
built from the offline snapshot (not only on the hand-built analyst test warehouse)."""

from __future__ import annotations

import pytest

from helpers import REPO

ANALYSES = sorted((REPO / "sql" / "analysis").glob("*.sql"))
# The snapshot's outlets never carry the same story, and it holds one run date:
# these may rightly return no rows there (they are checked on the analyst test
# warehouse in test_analysis_queries.py).
MAY_BE_EMPTY = {
    "02_speakers_quoted_by_several_outlets",
    "03_stories_covered_by_several_outlets",
    "04_daily_volume_anomalies",
    "01_top_entities_week_by_country",
}


@pytest.fixture(scope="module")
def con(snapshot_warehouse):
    from akhbar.warehouse.search import open_analyst

    c = open_analyst(snapshot_warehouse)
    yield c
    c.close()


def test_every_view_answers_on_the_snapshot(con):
    views = [
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
        ).fetchall()
    ]
    assert len(views) >= 10
    empty = []
    for view in views:
        n = con.execute(f'SELECT count(*) FROM "{view}"').fetchone()[0]
        if n == 0:
            empty.append(view)
    # The snapshot has no multi-outlet story and no failed poll: those may be empty.
    assert set(empty) <= {"v_story_clusters", "v_cluster_coverage", "v_quarantine_summary"}


@pytest.mark.parametrize("path", ANALYSES, ids=lambda p: p.stem)
def test_analysis_query_on_the_snapshot(con, path):
    if path.stem.startswith("05_"):
        con.execute("SET VARIABLE entity = 'بغداد'")
    rows = con.execute(path.read_text(encoding="utf-8")).fetchall()
    if path.stem not in MAY_BE_EMPTY:
        assert rows, f"{path.name} returned no rows on the snapshot warehouse"


def test_facts_the_snapshot_guarantees(con):
    # the seed article: dateline, two direct quotes by named speakers, Erdogan's
    # spelling variants folded into one entity
    seed = con.execute(
        "SELECT article_id, dateline_source, dateline_place FROM fact_article "
        "WHERE source_id = 'alalam'"
    ).fetchone()
    assert seed[1:] == ("العالم", "ليبيا")
    speakers = {
        r[0]
        for r in con.execute(
            "SELECT speaker FROM fact_quote WHERE article_id = ? AND kind = 'direct'", [seed[0]]
        ).fetchall()
    }
    assert {"سيرغي لافروف", "رجب طيب إردوغان"} <= speakers
    erdogan = con.execute(
        "SELECT count(DISTINCT entity_id), count(*) FROM fact_entity_mention "
        "WHERE article_id = ? AND ar_fold(text) LIKE '%اردوغان%'",
        [seed[0]],
    ).fetchone()
    assert erdogan[0] == 1 and erdogan[1] >= 2
    # quotes_by() finds the same person whatever the hamza
    a = con.execute("SELECT count(*) FROM quotes_by('اردوغان')").fetchone()[0]
    b = con.execute("SELECT count(*) FROM quotes_by('أردوغان')").fetchone()[0]
    assert a == b and a >= 2
    # full-text search finds the seed with a different hamza and with harakat
    for query in ("اطلاق النار", "إِطْلَاقُ النَّارِ"):
        hits = [
            r[0]
            for r in con.execute("SELECT article_id FROM search_articles(?)", [query]).fetchall()
        ]
        assert seed[0] in hits, query
