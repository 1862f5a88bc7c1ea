"""Daily Parquet exports: layout, round trip through hive partitioning, atomic replace."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from akhbar.warehouse.export import (
    DIMENSION_TABLES,
    FACT_TABLES,
    export_parquet,
    partition_dir,
    read_exported,
)
from analyst_warehouse import build_test_warehouse

SEED_DAY = date(2020, 1, 14)  # seed article + its syndicated copy
SHAFAQ_DAY = date(2026, 6, 12)  # one real Shafaq item fetched that day


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = build_test_warehouse(tmp_path_factory.mktemp("export") / "w.duckdb")
    c = duckdb.connect(str(path))
    yield c
    c.close()


def _count(con, table: str, day: date) -> int:
    return con.execute(f"SELECT count(*) FROM {table} WHERE run_date = ?", [day]).fetchone()[0]


def test_layout_and_round_trip(con, tmp_path):
    out = tmp_path / "exports"
    written = export_parquet(con, out, SEED_DAY) + export_parquet(con, out, SHAFAQ_DAY)
    assert len(written) == 2 * (len(FACT_TABLES) + len(DIMENSION_TABLES))
    for table in FACT_TABLES:
        for day in (SEED_DAY, SHAFAQ_DAY):
            f = partition_dir(out, table, day) / "part-0.parquet"
            assert f in written and f.stat().st_size > 0
            assert f.parent.name == f"run_date={day.isoformat()}"
    assert not (out / ".staging").exists()
    rel = read_exported(con, out, "fact_article")
    assert "run_date" in rel.columns
    got = dict(rel.query("r", "SELECT run_date, count(*) FROM r GROUP BY run_date").fetchall())
    assert got == {SEED_DAY: _count(con, "fact_article", SEED_DAY), SHAFAQ_DAY: 1}
    # same rows and values as the warehouse (body text survives byte for byte)
    diff = rel.query(
        "rel",
        "SELECT article_id, title, body_text, published_at FROM rel WHERE run_date = DATE '2020-01-14'"
        " EXCEPT SELECT article_id, title, body_text, published_at FROM fact_article"
        " WHERE run_date = DATE '2020-01-14'",
    ).fetchall()
    assert diff == []
    mentions = read_exported(con, out, "fact_entity_mention")
    assert mentions.query("m", "SELECT count(*) FROM m").fetchone()[0] == _count(
        con, "fact_entity_mention", SEED_DAY
    ) + _count(con, "fact_entity_mention", SHAFAQ_DAY)


def test_reexport_replaces_only_that_date(con, tmp_path):
    out = tmp_path / "exports"
    export_parquet(con, out, SEED_DAY)
    export_parquet(con, out, SHAFAQ_DAY)
    before = _count(con, "fact_quote", SEED_DAY)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM fact_quote WHERE run_date = ? AND quote_idx = 0", [SEED_DAY])
        export_parquet(con, out, SEED_DAY, tables=("fact_quote",))
        rel = read_exported(con, out, "fact_quote")
        got = dict(rel.query("r", "SELECT run_date, count(*) FROM r GROUP BY ALL").fetchall())
        assert got[SEED_DAY] == before - 2  # quote 0 of the seed and of its copy
        assert got.get(SHAFAQ_DAY, 0) == _count(con, "fact_quote", SHAFAQ_DAY)
    finally:
        con.execute("ROLLBACK")
    files = list((out / "fact_quote").rglob("*"))
    assert sorted(p.name for p in files if p.is_file()) == ["part-0.parquet", "part-0.parquet"]


def test_empty_day_writes_a_schema_only_file(con, tmp_path):
    written = export_parquet(con, tmp_path, date(1999, 1, 1), tables=("fact_article",))
    rel = con.sql(f"SELECT * FROM read_parquet('{written[0].as_posix()}')")
    assert rel.fetchall() == [] and "body_text" in rel.columns


def test_bad_input_is_rejected(con, tmp_path):
    with pytest.raises(ValueError, match="not warehouse tables"):
        export_parquet(con, tmp_path, SEED_DAY, tables=("fact_article; DROP TABLE x",))
    with pytest.raises(TypeError):
        export_parquet(con, tmp_path, "2020-01-14")  # type: ignore[arg-type]


def test_names_resolve_from_the_files_alone(con, tmp_path):
    """Dimensions and a manifest travel with the facts: a plain DuckDB, no warehouse."""
    out = tmp_path / "exports"
    export_parquet(con, out, SEED_DAY)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    tables = manifest["tables"]
    assert set(tables) == set(FACT_TABLES) | set(DIMENSION_TABLES)
    for name, entry in tables.items():
        for f in entry["files"]:
            assert (out / f["path"]).is_file(), f
        assert entry["rows"] == sum(f["rows"] for f in entry["files"])
        assert all(col["description"] for col in entry["schema"]), name
    mentions = tables["fact_entity_mention"]
    assert mentions["files"][0]["run_date"] == SEED_DAY.isoformat()
    assert mentions["rows"] == _count(con, "fact_entity_mention", SEED_DAY)
    assert (
        tables["dim_entity"]["rows"] == con.execute("SELECT count(*) FROM dim_entity").fetchone()[0]
    )

    plain = duckdb.connect()  # knows nothing but the files
    try:
        rows = plain.execute(
            f"""
            SELECT e.name_ar, s.name, count(*) AS n
            FROM {_reader(out, tables["fact_entity_mention"])} m
            JOIN {_reader(out, tables["fact_article"])} a USING (article_id)
            JOIN {_reader(out, tables["dim_source"])} s USING (source_id)
            JOIN {_reader(out, tables["dim_entity"])} e USING (entity_id)
            GROUP BY ALL ORDER BY n DESC, e.name_ar, s.name LIMIT 3
            """
        ).fetchall()
    finally:
        plain.close()
    expected = con.execute(
        """
        SELECT e.name_ar, s.name, count(*) AS n FROM fact_entity_mention m
        JOIN fact_article a USING (article_id) JOIN dim_source s USING (source_id)
        JOIN dim_entity e USING (entity_id) WHERE m.run_date = ?
        GROUP BY ALL ORDER BY n DESC, e.name_ar, s.name LIMIT 3
        """,
        [SEED_DAY],
    ).fetchall()
    assert rows == expected and rows


def _reader(out, entry) -> str:
    """The manifest's read_with expression, made absolute."""
    return entry["read_with"].replace("read_parquet('", f"read_parquet('{out.as_posix()}/")
