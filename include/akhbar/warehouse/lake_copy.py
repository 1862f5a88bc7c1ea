"""``akhbar lake migrate``: a single-file warehouse into a DuckLake, every row.

The lake gets the schema from the same migrations; then, in ONE lake
transaction, every table of the file's ``main`` schema that the lake also has
is copied column by column (columns matched by name, so a file one migration
behind still copies). Row counts are compared before COMMIT: a mismatch rolls
everything back. Tables holding rows already are refused unless ``replace``.
Not copied: ``schema_version`` and ``writer_token`` (the lake keeps its own)
and the full-text index tables (DuckLake has no fts index; search scans).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

import duckdb

from akhbar.config import LakeTarget
from akhbar.sqlfiles import sql
from akhbar.warehouse import lake as lakes

log = logging.getLogger(__name__)

SOURCE_ALIAS = "akhbar_file"
NOT_COPIED = frozenset({"schema_version", "writer_token"})


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, list[str]]:
    rows = con.execute(sql("lake/table_columns"), {"database": database}).fetchall()
    return {name: list(columns) for name, columns in rows}


def _count(con: duckdb.DuckDBPyConnection, qualified: str) -> int:
    """Rows of ``qualified`` (``alias.main.table``, a table both catalogs list)."""
    return int(con.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0])


def copy_into_lake(source: Path, target: LakeTarget, *, replace: bool = False) -> dict[str, Any]:
    """Copy ``source`` (a DuckDB warehouse file) into ``target``; returns rows per table."""
    from akhbar.warehouse.migrate import apply_migrations

    if not Path(source).is_file():
        raise FileNotFoundError(f"no DuckDB warehouse at {source}")
    con = lakes.open_lake(target)
    try:
        apply_migrations(con)
        con.execute(f"ATTACH '{lakes.quote(str(source))}' AS {SOURCE_ALIAS} (READ_ONLY)")
        plan, skipped = _plan(con)
        busy = [t for t in plan if _count(con, f"{lakes.LAKE_ALIAS}.main.{t}")]
        if busy and not replace:
            raise lakes.LakeError(
                f"the lake already holds rows in {', '.join(busy)}; pass --replace to "
                "overwrite them with the file's rows"
            )
        copied = _copy(con, plan, source)
        snap = lakes.snapshot_id(con)
    finally:
        con.close()
    log.info("copied %s into %s (snapshot %s)", source, target.display, snap)
    return {"tables": copied, "skipped": skipped, "snapshot_id": snap, "rows": sum(copied.values())}


def _plan(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, list[str]], list[str]]:
    """Table -> columns the file and the lake share; and the file's tables left out."""
    mine = _tables(con, lakes.LAKE_ALIAS)
    theirs = _tables(con, SOURCE_ALIAS)
    plan = {
        table: [c for c in mine[table] if c in set(columns)]
        for table, columns in theirs.items()
        if table in mine and table not in NOT_COPIED
    }
    skipped = sorted(t for t in theirs if t not in plan and t not in NOT_COPIED)
    return plan, skipped


def _copy(
    con: duckdb.DuckDBPyConnection, plan: dict[str, list[str]], source: Path
) -> dict[str, int]:
    """Every table of ``plan`` replaced in one lake transaction, counts compared.

    The statements name tables and columns, so they are built here: every name
    comes from ``plan`` (both catalogs' own listings) and is used quoted.
    """
    copied: dict[str, int] = {}
    con.begin()
    try:
        for table, columns in plan.items():
            cols = ", ".join(f'"{c}"' for c in columns)
            con.execute(f"DELETE FROM {lakes.LAKE_ALIAS}.main.{table}")
            con.execute(
                f"INSERT INTO {lakes.LAKE_ALIAS}.main.{table} ({cols}) "
                f"SELECT {cols} FROM {SOURCE_ALIAS}.main.{table}"
            )
            want = _count(con, f"{SOURCE_ALIAS}.main.{table}")
            got = _count(con, f"{lakes.LAKE_ALIAS}.main.{table}")
            if want != got:
                raise lakes.LakeError(f"{table}: {got} rows in the lake, {want} in the file")
            copied[table] = got
        con.execute(
            sql("lake/set_commit_message"),
            {
                "lake_alias": lakes.LAKE_ALIAS,
                "commit_author": lakes.COMMIT_AUTHOR,
                "commit_message": f"migrate from {source.name}",
                "commit_extra": None,
            },
        )
        con.commit()
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise
    return copied


def list_snapshots(target: LakeTarget, *, limit: int = 20) -> list[dict[str, Any]]:
    """The lake's newest snapshots: id, time, message, run (for AT (VERSION => id))."""
    con = lakes.open_lake(target, read_only=True)
    try:
        cur = con.execute(
            sql("lake/snapshots"), {"lake_alias": lakes.LAKE_ALIAS, "max_rows": limit}
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
