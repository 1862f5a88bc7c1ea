"""Warehouse gate, Data Docs and quarantine re-queue on real DuckDB files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from akhbar.pipeline import records
from akhbar.quality import (
    build_data_docs,
    format_table,
    list_rows,
    quarantine_id,
    requeue,
    validate_stage,
    validate_warehouse,
)
from akhbar.quality.quarantine import insert_rows
from akhbar.sqlfiles import SQL_DIR

try:  # tests/ is on sys.path (rootdir import mode) ...
    from test_quality_stages import NOW, RUN, articles_df, entries_df, pages_df
except ImportError:  # ... or a package, if tests/__init__.py appears
    from tests.test_quality_stages import NOW, RUN, articles_df, entries_df, pages_df

MIGRATION = SQL_DIR / "migrations" / "001_core_schema.sql"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def con(tmp_path: Path):
    c = duckdb.connect(str(tmp_path / "wh.duckdb"))
    c.execute(MIGRATION.read_text())
    c.execute(
        "INSERT INTO dim_source (source_id, name, feed_url) VALUES "
        "('shafaq', 'Shafaq News', 'https://www.shafaq.com/rss/ar/x'), "
        "('cnn_arabic', 'CNN Arabic', 'https://arabic.cnn.com/rss')"
    )
    yield c
    c.close()


def load_articles(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> None:
    cols = [f.name for f in records.ARTICLE]
    con.register("_a", df[cols])
    con.execute(f"INSERT INTO fact_article ({', '.join(cols)}) SELECT * FROM _a")
    con.unregister("_a")


def load_mentions(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    con.executemany(
        "INSERT INTO fact_entity_mention (article_id, mention_idx, run_date, text, type, "
        "start_char, end_char, entity_id, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def test_clean_warehouse_passes(con: duckdb.DuckDBPyConnection) -> None:
    arts = articles_df()
    load_articles(con, arts)
    aid = arts["article_id"].iat[0]
    load_mentions(con, [(aid, 0, RUN, "x", "LOC", 0, 1, None, "crf")])
    r = validate_warehouse(con, run_date=RUN)
    assert r.passed, r.batch_failures
    assert r.quarantined.empty
    assert r.dq_rows["success"].all()
    assert set(r.dq_rows["suite"]) >= {
        "akhbar_warehouse_article",
        "akhbar_warehouse_entity_mention",
    }


def test_orphan_mention_and_duplicate_article(con: duckdb.DuckDBPyConnection) -> None:
    arts = articles_df()
    load_articles(con, arts)
    load_articles(con, arts.iloc[[2]])  # same article_id loaded twice
    aid = arts["article_id"].iat[0]
    con.execute(
        "INSERT INTO dim_entity VALUES ('Q3766', 'LOC', 'دمشق', 'Damascus', 'Q3766', 'gazetteer')"
    )
    load_mentions(
        con,
        [
            (aid, 0, RUN, "x", "LOC", 0, 1, "Q3766", "gazetteer"),
            ("no_such_article", 0, RUN, "x", "LOC", 0, 1, None, "crf"),  # orphan
            (aid, 1, RUN, "x", "LOC", 0, 1, "Q_missing", "gazetteer"),  # unknown entity
        ],
    )
    con.execute(
        "INSERT INTO fact_feed_fetch (run_date, source_id, feed_url, status) "
        "VALUES (?, 'ghost', 'https://example.invalid/rss', 'ok')",
        [RUN],
    )
    r = validate_warehouse(con, run_date=RUN)
    # Bad rows are quarantined for the loader to remove; they do not fail the batch.
    assert r.passed, r.batch_failures
    q = r.quarantined
    rules = set(zip(q["record_key"].str.split(":").str[0], q["rule"], strict=True))
    assert ("fact_entity_mention", "orphan_article") in rules
    assert ("fact_entity_mention", "entity_unknown") in rules
    assert ("fact_article", "duplicate_article_id") in rules
    assert ("fact_feed_fetch", "source_unknown") in rules
    assert set(q["stage"]) == {"warehouse"}
    dups = q[q["rule"] == "duplicate_article_id"]
    assert set(dups["record_key"]) == {f"fact_article:{arts['article_id'].iat[2]}"}
    assert "fact_entity_mention:no_such_article#0" in set(q["record_key"])
    failed = r.dq_rows[~r.dq_rows["success"]]
    assert "fact_entity_mention.fact_article_id" in set(failed["column_name"])


def test_volume_collapse_against_trailing_week(con: duckdb.DuckDBPyConnection) -> None:
    base = articles_df()
    for d in range(1, 8):  # 8 shafaq articles a day for a week ...
        day = RUN - dt.timedelta(days=d)
        load_articles(con, base.assign(run_date=day, article_id=base["article_id"] + f"-{d}"))
    load_articles(con, base.iloc[:1])  # ... and 1 today
    r = validate_warehouse(con, run_date=RUN)
    # Fewer articles than usual is recorded, not failed: the rows are fine.
    assert r.passed
    collapse = r.dq_rows[r.dq_rows["suite"] == "akhbar_warehouse_volume"]
    assert len(collapse) and not collapse["success"].all()
    vol = r.good.set_index("source_id")
    assert not vol.loc["shafaq", "chk_volume_collapse"]
    assert vol.loc["shafaq", "n_today"] == 1 and vol.loc["shafaq", "avg_trailing"] == 8.0
    con.execute("DELETE FROM fact_article WHERE run_date = ?", [RUN])
    load_articles(con, base)
    assert validate_warehouse(con, run_date=RUN).passed


def test_data_docs_written(tmp_path: Path) -> None:
    results = tmp_path / "data" / "quality"
    df = entries_df()
    df.loc[0, "url"] = None
    validate_stage("entries", df, run_date=RUN, now=NOW, results_dir=results)
    validate_stage("articles", articles_df(), run_date=RUN, now=NOW, results_dir=results)
    # one file per gate call (stage and source), so mapped per-source gates do not collide
    assert (results / "validations" / RUN.isoformat() / "entries__shafaq.json").exists()
    index = build_data_docs(results)
    assert index == results / "data_docs" / "index.html"
    page = index.read_text(encoding="utf-8")
    assert "akhbar_entries" in page and "akhbar_articles" in page
    rendered = list((results / "data_docs" / "validations").rglob("*.html"))
    assert len(rendered) >= 2
    entries_page = next(p for p in rendered if p.name == "entries__shafaq.html").read_text()
    assert "values must never be null" in entries_page  # the url_missing expectation, failed
    assert "1 unexpected values found" in entries_page


def test_requeue_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "akhbar.duckdb"
    con = duckdb.connect(str(db))
    con.execute(MIGRATION.read_text())
    df = entries_df()
    df.loc[0, "url"] = None
    df.loc[1, "title"] = "\u200b"  # blns zero-width-space title
    r = validate_stage("entries", df, run_date=RUN, now=NOW)
    pages = pages_df()
    pages.loc[0, "http_status"] = 503
    rp = validate_stage("pages", pages, run_date=RUN, now=NOW)
    when = dt.datetime(2026, 11, 29, 1, tzinfo=dt.UTC)
    assert insert_rows(con, r.quarantined, quarantined_at=when) == 2
    assert insert_rows(con, r.quarantined, quarantined_at=when) == 0  # idempotent
    assert insert_rows(con, rp.quarantined, quarantined_at=when) == 1
    con.close()

    con = duckdb.connect(str(db))  # a fresh process would see the same file
    listed = list_rows(con, run_date=RUN, stage="entries")
    assert len(listed) == 2 and set(listed["rule"]) == {"url_missing", "title_missing"}
    qid = quarantine_id(RUN, "entries", r.quarantined["record_key"].iat[0], "url_missing")
    assert qid in set(listed["quarantine_id"])
    table = format_table(listed)
    assert "url_missing" in table and "(2 row(s))" in table
    assert format_table(listed.iloc[0:0]) == "(no quarantined rows)"

    inbox = tmp_path / "inbox"
    assert requeue(con, list(listed["quarantine_id"]), inbox=inbox) == 2
    files = list((inbox / "entries").glob("*.parquet"))
    assert len(files) == 1
    back = pq.read_table(files[0])
    assert back.schema == records.FEED_ENTRY
    got = back.to_pandas().sort_values("article_id").reset_index(drop=True)
    want = df.iloc[[0, 1]].sort_values("article_id").reset_index(drop=True)
    for col in ("article_id", "entry_id", "url", "title", "feed_text", "raw_published"):
        assert [None if pd.isna(v) else v for v in got[col]] == [
            None if pd.isna(v) else v for v in want[col]
        ], col
    assert [pd.Timestamp(v) for v in got["published_at"]] == list(want["published_at"])
    assert got["title"].tolist()[want["title"].tolist().index("\u200b")] == "\u200b"
    # Stamped: hidden by default, shown on request, not re-queued twice.
    assert list_rows(con, stage="entries").empty
    assert list_rows(con, stage="entries", include_requeued=True)["requeued_at"].notna().all()
    assert requeue(con, stage="entries", inbox=inbox) == 0
    # Pages: the binary body survives the round trip.
    assert requeue(con, stage="pages", run_date=RUN, inbox=inbox) == 1
    page = pq.read_table(next((inbox / "pages").glob("*.parquet")))
    assert page.schema == records.PAGE
    assert page.column("body")[0].as_py() == pages.loc[0, "body"]
    assert page.column("http_status")[0].as_py() == 503
    with pytest.raises(ValueError):
        requeue(con, inbox=inbox)
    con.close()
