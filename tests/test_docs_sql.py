"""Every SQL snippet in README.md and docs/*.md runs on the warehouse the pipeline built.

Snippets are the ```sql blocks, the queries given to ``akhbar sql "..."`` and inline
code that starts with SELECT. The warehouse is the analyst copy of one real pipeline
run over the offline snapshot (conftest ``snapshot_warehouse``). Also: every table and
column of the star schema has a description, and a plain DuckDB client (no akhbar
code) can search after the one documented ``LOAD`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from helpers import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FTS_PLACEHOLDER = re.compile(r"'<[^'>]*fts[^'>]*>'")
STAR_SCHEMA = re.compile(r"^(dim_|fact_)|^(quarantine|dq_result|pipeline_run)$")
# Snippets that need services this machine does not run: parsed (so a typo still
# fails), not executed. Keyed by a string only that snippet contains.
PARSE_ONLY = {
    "ATTACH 'ducklake:postgres:": "DuckLake deployment: needs PostgreSQL, S3 and the network",
}


@dataclass(frozen=True)
class Snippet:
    doc: str
    line: int
    sql: str

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def snippets() -> list[Snippet]:
    out = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        name = doc.relative_to(REPO).as_posix()
        for m in re.finditer(r"^```sql\n(.*?)^```", text, re.S | re.M):
            out.append(Snippet(name, _line(text, m.start(1)), m.group(1)))
        for m in re.finditer(r'akhbar sql "([^"$<][^"$]*)"', text):  # not "<query>"
            out.append(Snippet(name, _line(text, m.start(1)), m.group(1)))
        for m in re.finditer(r"`((?:SELECT|WITH)\s[^`]+)`", text):
            out.append(Snippet(name, _line(text, m.start(1)), m.group(1)))
    return out


SNIPPETS = snippets()


def test_the_docs_have_snippets() -> None:
    assert len(SNIPPETS) >= 15
    assert any("v_source_health" in s.sql for s in SNIPPETS)


@pytest.fixture(scope="module")
def exports(snapshot_warehouse, tmp_path_factory) -> Path:
    """The Parquet export of the snapshot run, where the docs' relative paths point."""
    from akhbar.warehouse.export import export_parquet

    root = tmp_path_factory.mktemp("docs-cwd")
    con = duckdb.connect(str(snapshot_warehouse), read_only=True)
    try:
        (day,) = con.execute("SELECT max(run_date) FROM fact_article").fetchone()
        export_parquet(con, root / "exports", day)
    finally:
        con.close()
    return root


@pytest.fixture(scope="module")
def con(snapshot_warehouse):
    from akhbar.warehouse.search import open_analyst

    c = open_analyst(snapshot_warehouse)
    yield c
    c.close()


def _fts_path() -> str:
    from akhbar.warehouse.search import extension_path

    return extension_path("fts").as_posix()


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    sql = FTS_PLACEHOLDER.sub(f"'{_fts_path()}'", sql)
    for statement in con.extract_statements(sql):
        con.execute(statement.query).fetchall()


@pytest.mark.parametrize("snippet", SNIPPETS, ids=str)
def test_snippet_runs(con, exports, snippet: Snippet, monkeypatch) -> None:
    monkeypatch.chdir(exports)  # 'exports/...' in the docs resolves here
    if any(key in snippet.sql for key in PARSE_ONLY):
        assert con.extract_statements(snippet.sql), snippet
        return
    try:
        _run(con, snippet.sql)
    except duckdb.Error as exc:
        pytest.fail(f"{snippet} fails: {str(exc).splitlines()[0]}\n{snippet.sql}")


def test_plain_duckdb_client_searches_after_the_documented_load(snapshot_warehouse) -> None:
    """The analysts' guide gives one LOAD line for clients without akhbar (duckdb CLI, DBeaver)."""
    guide = (REPO / "docs/analysts.md").read_text(encoding="utf-8")
    load = re.search(r"^LOAD '[^']*fts[^']*';.*$", guide, re.M)
    assert load, "docs/analysts.md must show the LOAD line for the fts extension"
    con = duckdb.connect(str(snapshot_warehouse), read_only=True)
    try:
        _run(con, load.group(0))
        hits = con.execute("SELECT count(*) FROM search_articles('بغداد')").fetchone()[0]
    finally:
        con.close()
    assert hits > 0


def test_every_star_schema_table_and_column_is_described(con) -> None:
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'"
    ).fetchall()
    star = {t: c for t, c in tables if STAR_SCHEMA.search(t)}
    assert {"dim_source", "fact_article", "quarantine", "dq_result", "pipeline_run"} <= set(star)
    assert not [t for t, c in star.items() if not c], "tables without COMMENT ON"
    bare = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name IN (SELECT unnest(?)) "
        "AND (comment IS NULL OR comment = '') ORDER BY ALL",
        [sorted(star)],
    ).fetchall()
    assert not bare, f"columns without COMMENT ON: {[b[0] for b in bare]}"


def test_readme_schema_table_names_real_columns(con) -> None:
    """The README's table of tables: every table and column it names exists."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|$", text, re.M)
    rows = [(table, cols) for table, cols in rows if STAR_SCHEMA.search(table)]
    assert len(rows) >= 12
    for table, cols in rows:
        cols = re.sub(r"\([^)]*\)", "", cols)  # drop explanations in parentheses
        names = [c.strip() for c in cols.split(",")]
        real = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
            ).fetchall()
        }
        assert real, f"README names table {table}, which does not exist"
        named = [n for n in names if re.fullmatch(r"[a-z_]+", n)]
        assert set(named) <= real, (table, sorted(set(named) - real))


def test_one_name_for_the_number_of_outlets(con) -> None:
    cols = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name LIKE 'v\\_%' ESCAPE '\\' "
        "AND column_name IN ('sources', 'outlets', 'n_sources', 'n_outlets')"
    ).fetchall()
    names = {c for _, c in cols}
    assert names == {"outlets"}, cols
    assert {"v_top_speakers", "v_entity_daily", "v_entity_comentions", "v_story_clusters"} <= {
        t for t, _ in cols
    }
