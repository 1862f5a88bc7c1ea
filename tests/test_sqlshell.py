"""The analyst shell is read-only for real: every known way to write is tried on real files.

The warehouse is the project's analyst test warehouse (real article text, see
tests/analyst_warehouse.py) with its fts index; ``writer.duckdb`` plays the
pipeline's warehouse and ``akhbar_analyst.duckdb`` the analyst copy the shell
opens. After each attack both files must be byte-identical and no file may
have appeared in the directory.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from akhbar.cli import main
from akhbar.ops.sqlshell import ShellState, interactive
from akhbar.warehouse.readonly import (
    ReadOnlyViolation,
    check_statements,
    open_readonly,
)
from akhbar.warehouse.search import build_search_index, extension_path
from analyst_warehouse import SEED_ARTICLE_ID, build_test_warehouse

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = build_test_warehouse(tmp_path_factory.mktemp("sqlshell") / "base.duckdb")
    con = duckdb.connect(str(path))
    try:
        build_search_index(con)
    finally:
        con.close()
    # an extension file that is not loaded yet (LOAD of the loaded fts is a no-op)
    shutil.copyfile(extension_path("fts"), path.parent / "other.duckdb_extension")
    return path


class Files:
    """A data directory with a writer warehouse and an analyst copy, and their fingerprints."""

    def __init__(self, root: Path, base: Path) -> None:
        self.root = root
        self.base = base
        self.writer = root / "writer.duckdb"
        self.analyst = root / "akhbar_analyst.duckdb"
        shutil.copyfile(base, self.writer)
        shutil.copyfile(base, self.analyst)
        self.before = self.fingerprint()

    def fingerprint(self) -> dict[str, str]:
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.root.rglob("*"))
            if p.is_file()
        }

    def assert_untouched(self) -> None:
        assert self.fingerprint() == self.before
        con = duckdb.connect(str(self.writer), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM fact_article").fetchone()[0] > 0
        finally:
            con.close()


def _sql(capsys, files: Files, query: str, *extra: str) -> tuple[int, str, str]:
    """Run ``akhbar sql`` through the real CLI entry point, in process."""
    rc = main(["sql", "--database", str(files.analyst), *extra, query])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _attacks(files: Files) -> dict[str, str]:
    w, root = files.writer.as_posix(), files.root.as_posix()
    return {
        "attach_rw_delete": f"ATTACH '{w}' AS w (READ_WRITE); DELETE FROM w.fact_article",
        "attach_ro": f"ATTACH '{w}' AS w (READ_ONLY)",
        "copy_over_writer": f"COPY (SELECT 'x') TO '{w}' (FORMAT csv)",
        "copy_over_analyst": f"COPY (SELECT 'x') TO '{files.analyst.as_posix()}' (FORMAT csv)",
        "copy_new_file": f"COPY (SELECT * FROM fact_article) TO '{root}/leak.parquet'",
        "export": f"EXPORT DATABASE '{root}/dump'",
        "install": "INSTALL httpfs",
        "force_install": "FORCE INSTALL fts",
        "load_by_name": "LOAD httpfs",
        "load_by_path": f"LOAD '{(files.base.parent / 'other.duckdb_extension').as_posix()}'",
        "read_passwd": "SELECT * FROM read_csv('/etc/passwd')",
        "read_text": "SELECT * FROM read_text('/etc/passwd')",
        "glob": "SELECT * FROM glob('/etc/*')",
        "unlock": "SET lock_configuration = false",
        "external_on": "SET enable_external_access = true",
        "autoinstall_on": "SET autoinstall_known_extensions = true",
        "memory_limit": "SET memory_limit = '1GB'",
        "log_query_path": f"SET log_query_path = '{root}/queries.log'",
        "profiling_output": f"PRAGMA profiling_output = '{root}/profile.json'",
        "delete_own": "DELETE FROM fact_article",
        "drop_own": "DROP TABLE fact_article",
        "persistent_secret": "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
        "explain_analyze_copy": f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{root}/e.csv'",
        "prepared_copy": f"PREPARE p AS COPY (SELECT 1) TO '{root}/p.csv'; EXECUTE p",
        "import": f"IMPORT DATABASE '{root}'",
    }


ATTACK_NAMES = [
    "attach_rw_delete", "attach_ro", "copy_over_writer", "copy_over_analyst", "copy_new_file",
    "export", "install", "force_install", "load_by_name", "load_by_path", "read_passwd",
    "read_text", "glob", "unlock", "external_on", "autoinstall_on", "memory_limit",
    "log_query_path", "profiling_output", "delete_own", "drop_own", "persistent_secret",
    "explain_analyze_copy", "prepared_copy", "import",
]  # fmt: skip


def test_the_attacks_are_real_on_a_plain_read_only_connection(base, tmp_path) -> None:
    """Control: what issue 12 saw. ``read_only=True`` alone lets ATTACH empty the writer."""
    files = Files(tmp_path, base)
    con = duckdb.connect(str(files.analyst), read_only=True)
    try:
        con.execute(f"ATTACH '{files.writer.as_posix()}' AS w (READ_WRITE)")
        con.execute("DELETE FROM w.fact_article")
        con.execute("DETACH w")
    finally:
        con.close()
    check = duckdb.connect(str(files.writer), read_only=True)
    try:
        assert check.execute("SELECT count(*) FROM fact_article").fetchone()[0] == 0
    finally:
        check.close()


@pytest.mark.parametrize("name", ATTACK_NAMES)
def test_lockdown_alone_stops_each_attack(base, tmp_path, name: str) -> None:
    """The settings (no statement check) already make every attack fail inside DuckDB."""
    files = Files(tmp_path, base)
    query = _attacks(files)[name]
    con = open_readonly(files.analyst)
    failures = 0
    try:
        try:  # IMPORT DATABASE reads its files while it is parsed
            statements = [s.query for s in con.extract_statements(query)]
        except duckdb.Error:
            statements, failures = [], 1
        for statement in statements:  # each runs, even after an earlier one failed
            try:
                con.execute(statement)
            except duckdb.Error:
                failures += 1
    finally:
        con.close()
    assert failures >= 1
    files.assert_untouched()


REFUSED_BEFORE_RUNNING = {
    "attach_rw_delete": "ATTACH opens other database files",
    "attach_ro": "ATTACH opens other database files",
    "copy_over_writer": "COPY … TO writes files",
    "copy_over_analyst": "COPY … TO writes files",
    "copy_new_file": "COPY … TO writes files",
    "export": "EXPORT DATABASE writes files",
    "install": "INSTALL/LOAD fetches or loads extensions",
    "force_install": "INSTALL/LOAD fetches or loads extensions",
    "load_by_name": "INSTALL/LOAD fetches or loads extensions",
    "load_by_path": "INSTALL/LOAD fetches or loads extensions",
}


@pytest.mark.parametrize("name", ATTACK_NAMES)
def test_every_attack_through_akhbar_sql_is_one_line_and_writes_nothing(
    base, tmp_path, capsys, name: str
) -> None:
    files = Files(tmp_path, base)
    rc, out, err = _sql(capsys, files, _attacks(files)[name])
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("akhbar sql: "), err
    assert "Traceback" not in err
    if name in REFUSED_BEFORE_RUNNING:
        assert rc == 2
        assert err.startswith(f"akhbar sql: refused: {REFUSED_BEFORE_RUNNING[name]}")
        assert err.endswith("; the analyst shell is read-only\n")
    else:
        assert rc == 1
    files.assert_untouched()


def test_multi_statement_text_is_checked_before_anything_runs(base, tmp_path, capsys) -> None:
    files = Files(tmp_path, base)
    marker = files.root / "first.csv"
    rc, out, err = _sql(capsys, files, f"SELECT 1 AS x; COPY (SELECT 2) TO '{marker.as_posix()}'")
    assert rc == 2 and out == "" and "refused: COPY" in err  # the SELECT did not print either
    files.assert_untouched()


def test_enable_logging_is_refused_even_inside_other_statements(base, tmp_path) -> None:
    """DuckDB 1.5.5 runs enable_logging despite lock_configuration; the shell refuses it."""
    files = Files(tmp_path, base)
    con = open_readonly(files.analyst)
    try:
        for query in (
            "CALL enable_logging(storage := 'file')",
            "SELECT * FROM Enable_Logging(storage := 'file')",
            "CREATE TEMP TABLE t AS SELECT * FROM \"enable_logging\"(storage := 'file')",
        ):
            with pytest.raises(ReadOnlyViolation):
                check_statements(con, query)
        # a string or a column alias of that name is fine
        assert check_statements(con, "SELECT 'enable_logging' AS label")
        assert con.execute("SELECT 42").fetchone() == (42,)
    finally:
        con.close()
    files.assert_untouched()


def test_queries_search_and_temp_tables_still_work(base, tmp_path, capsys) -> None:
    files = Files(tmp_path, base)
    rc, out, err = _sql(
        capsys, files,
        "SELECT article_id FROM search_articles('اطلاق النار')", "--format", "csv",
    )  # fmt: skip
    assert rc == 0 and err == ""
    assert out.splitlines()[0] == "article_id" and SEED_ARTICLE_ID in out.splitlines()
    rc, out, err = _sql(
        capsys, files,
        "CREATE TEMP TABLE t AS SELECT count(*) AS n FROM fact_article; SELECT n > 0 AS ok FROM t",
        "--format", "json",
    )  # fmt: skip
    assert rc == 0 and err == "" and '"ok": true' in out
    files.assert_untouched()


def test_error_is_one_line_on_stderr_from_the_real_command(base, tmp_path) -> None:
    files = Files(tmp_path, base)
    proc = subprocess.run(
        [sys.executable, "-m", "akhbar.cli", "sql", "--database", str(files.analyst), "SELEC 1"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == 'akhbar sql: Parser Error: syntax error at or near "SELEC"\n'


@pytest.mark.parametrize(
    ("query", "first_words"),
    [
        ("SELECT * FROM no_such_table", "akhbar sql: Catalog Error: Table with name no_such_table"),
        ("SELECT 'a'::INT", "akhbar sql: Conversion Error: Could not convert string 'a' to INT32"),
        ("SELECT 1; SELECT error('boom')", "akhbar sql: Invalid Input Error: boom"),
    ],
)
def test_errors_are_one_line_on_stderr(
    base, tmp_path, capsys, query: str, first_words: str
) -> None:
    files = Files(tmp_path, base)
    rc, _out, err = _sql(capsys, files, query)
    assert rc == 1
    assert err.startswith(first_words), err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_database_and_missing_file_are_one_line(tmp_path, capsys) -> None:
    rc = main(["sql", "--database", str(tmp_path / "none.duckdb"), "SELECT 1"])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and "no database at" in err
    not_db = tmp_path / "junk.duckdb"
    not_db.write_bytes(b"x" * 5000)
    rc = main(["sql", "--database", str(not_db), "SELECT 1"])
    err = capsys.readouterr().err
    assert rc == 1 and err.count("\n") == 1 and err.startswith(f"akhbar sql: {not_db}: ")
    rc = main(["sql", "--database", str(not_db), "--file", str(tmp_path / "q.sql")])
    err = capsys.readouterr().err
    assert rc == 1 and err.startswith("akhbar sql: cannot read ") and err.count("\n") == 1


# --------------------------------------------------------------------------- interactive


@pytest.fixture
def shell(base, tmp_path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Files]]:
    files = Files(tmp_path, base)
    con = open_readonly(files.analyst)
    yield con, files
    con.close()
    files.assert_untouched()


def _run_shell(con: duckdb.DuckDBPyConnection, text: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = interactive(con, io.StringIO(text), ShellState(), out=out, err=err, prompt=False)
    return rc, out.getvalue(), err.getvalue()


def test_dot_tables_and_schema(shell) -> None:
    con, _ = shell
    rc, out, err = _run_shell(con, ".tables\n.schema dim_source\n.schema v_source_health\n")
    assert rc == 0 and err == ""
    names = out.split("CREATE", 1)[0].split()
    assert {"fact_article", "dim_source", "v_source_health"} <= set(names)
    assert names == sorted(names)
    assert "CREATE TABLE dim_source(" in out and "CREATE VIEW v_source_health" in out
    rc, out, err = _run_shell(con, ".schema nope\n")
    assert rc == 1 and err == "akhbar sql: no such table or view: nope\n"


def test_modes_timer_help_quit(shell) -> None:
    con, _ = shell
    script = (
        ".mode csv\nSELECT 1 AS a, 'ب' AS b;\n"
        ".mode json\nSELECT 1 AS a;\n"
        ".mode line\nSELECT 1 AS a, 2 AS bbb;\n"
        ".mode table\n.timer on\nSELECT 7 AS n;\n.timer off\n"
        ".help\n.quit\nSELECT 'after quit';\n"
    )
    rc, out, err = _run_shell(con, script)
    assert rc == 0 and err == ""
    assert "a,b\r\n1,ب\r\n" in out
    assert '[\n {\n  "a": 1\n }\n]\n' in out
    assert "  a = 1\nbbb = 2\n" in out
    assert "n\n-\n7\n(1 row)\nRun Time: real " in out
    assert ".schema [table]" in out and "after quit" not in out


def test_shell_errors_continue_and_multiline_statements(shell) -> None:
    con, files = shell
    script = (
        "SELECT\n  count(*) AS n\nFROM fact_article\n;\n"
        "SELEC 1;\n"
        f"COPY (SELECT 1) TO '{files.root.as_posix()}/x.csv';\n"
        ".mode yaml\n.frobnicate\n"
        "SELECT 2 AS last"  # no ';' at the end of input: still run
    )
    rc, out, err = _run_shell(con, script)
    assert rc == 1
    lines = err.splitlines()
    assert lines[0].startswith("akhbar sql: Parser Error: syntax error")
    assert lines[1].startswith("akhbar sql: refused: COPY … TO writes files")
    assert lines[2] == "akhbar sql: usage: .mode table|csv|json|line (now table)"
    assert lines[3] == "akhbar sql: unknown command .frobnicate (try .help)"
    assert len(lines) == 4
    assert out.count("(1 row)") == 2 and "last" in out


def test_shell_on_stdin_through_the_real_command(base, tmp_path) -> None:
    files = Files(tmp_path, base)
    proc = subprocess.run(
        [sys.executable, "-m", "akhbar.cli", "sql", "--database", str(files.analyst)],
        input=".mode csv\nSELECT count(*) > 0 AS ok FROM fact_article;\n.quit\n",
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["ok", "True"]
    files.assert_untouched()


# --------------------------------------------------------------------------- other users


def test_health_report_and_digest_use_the_locked_connection(base, tmp_path) -> None:
    from akhbar.ops import health
    from akhbar.ops.digest import build_digest_html

    files = Files(tmp_path, base)
    con = health.open_readonly(files.writer, files.analyst)
    try:
        with pytest.raises(duckdb.Error, match="locked"):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()
    report = health.health_report(files.writer, files.analyst)
    assert report["status"] == "ok" and report["sources"]
    con = open_readonly(files.analyst, extensions=())
    try:
        page = build_digest_html(con, date(2026, 8, 10))
    finally:
        con.close()
    assert page.startswith("<!DOCTYPE html>") and 'dir="rtl"' in page
    files.assert_untouched()
