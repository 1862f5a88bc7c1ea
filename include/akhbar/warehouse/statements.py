"""The load's SQL files as (file, statement) pairs, run with their parameters.

Also the one place transaction control is spelled: :func:`transaction` (the
connection's own begin/commit/rollback, no SQL strings).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from akhbar.sqlfiles import split_statements
from akhbar.warehouse import lake as lakes

#: Files of ``sql/load`` that record feed polls and quarantine also when the
#: run's facts must not be loaded (with ``sql/load/record_only``).
RECORD_ONLY_FILES = ("080_feed_fetch.sql", "090_quarantine.sql")
_PARAM = re.compile(r"\$([a-z_]+)")


def load_statements(
    sql_dir: Path, *, record_only: bool = False, folder: str | None = None
) -> list[tuple[str, str]]:
    """(file name, statement) pairs from ``sql/load`` (or a sub-folder) in order.

    ``record_only``: just the statements that record feed polls, quarantine and
    ``dq_result`` (used when the run's facts must not be loaded).
    """
    load_dir = sql_dir / "load"
    if folder:
        paths = sorted((load_dir / folder).glob("*.sql"))
    elif record_only:
        paths = sorted((load_dir / "record_only").glob("*.sql")) + [
            load_dir / name for name in RECORD_ONLY_FILES
        ]
    else:
        paths = sorted(load_dir.glob("*.sql"))
    return [
        (path.name, stmt)
        for path in paths
        for stmt in split_statements(path.read_text(encoding="utf-8"))
    ]


def execute_statements(
    con: duckdb.DuckDBPyConnection, statements: list[tuple[str, str]], params: dict[str, Any]
) -> None:
    """Run each statement with the ``$name`` parameters it uses (adapted on a lake,
    where the commit message parameters are added)."""
    if lakes.is_lake(con):
        params = {**params, **lakes.commit_params(con, params)}
    for name, stmt in lakes.adapt_statements(con, statements, params):
        used = {k: params[k] for k in set(_PARAM.findall(stmt)) if k in params}
        try:
            con.execute(stmt, used) if used else con.execute(stmt)
        except duckdb.Error as exc:
            raise RuntimeError(f"load statement in {name} failed: {exc}") from exc


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    con.commit()
