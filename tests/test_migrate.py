import duckdb
import pytest

from akhbar.warehouse.migrate import apply_migrations, current_version, migration_files

EXPECTED_TABLES = {
    "dim_source",
    "dim_entity",
    "dim_date",
    "fact_feed_fetch",
    "fact_article",
    "fact_entity_mention",
    "fact_quote",
    "fact_date_mention",
    "fact_story_cluster",
    "quarantine",
    "dq_result",
    "pipeline_run",
    "schema_version",
}


def test_migrations_apply_once_and_record_version(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    applied = apply_migrations(con)
    assert applied and applied[0].startswith("001_")
    assert apply_migrations(con) == []
    assert current_version(con) == migration_files()[-1][0]
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    }
    assert tables >= EXPECTED_TABLES


def test_bad_migration_rolls_back(tmp_path):
    sql = tmp_path / "sql"
    (sql / "migrations").mkdir(parents=True)
    (sql / "views").mkdir()
    (sql / "migrations" / "001_ok.sql").write_text("CREATE TABLE a (x INT);")
    (sql / "migrations" / "002_bad.sql").write_text("CREATE TABLE b (x INT); SELECT * FROM nope;")
    con = duckdb.connect()
    with pytest.raises(duckdb.Error):
        apply_migrations(con, sql)
    assert current_version(con) == 1
    assert (
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'b'"
        ).fetchone()[0]
        == 0
    )


def test_migration_names_are_checked(tmp_path):
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "1_x.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="001_name"):
        migration_files(tmp_path)
