"""``akhbar sql``: a read-only query runner and tiny shell on the analyst copy."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import duckdb


def open_readonly(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=True)
    try:  # search macros need the fts extension; it loads offline from its wheel
        from akhbar.warehouse.search import load_extension

        load_extension(con, "fts")
    except Exception:
        pass
    return con


def _emit(rel: duckdb.DuckDBPyConnection, fmt: str) -> None:
    if rel.description is None:
        return
    headers = [d[0] for d in rel.description]
    rows = rel.fetchall()
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(headers)
        writer.writerows(rows)
    elif fmt == "json":
        print(json.dumps([dict(zip(headers, r, strict=True)) for r in rows],
                         ensure_ascii=False, default=str, indent=1))
    else:
        from akhbar.report import _table

        print(_table(headers, rows))
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def run_sql(path: Path, query: str | None, *, fmt: str = "table") -> int:
    if not path.exists():
        print(f"no database at {path}: run the pipeline first (make run)", file=sys.stderr)
        return 1
    con = open_readonly(path)
    try:
        if query:
            _emit(con.execute(query), fmt)
            return 0
        print(f"akhbar sql: {path} (read-only). End statements with ';', Ctrl-D to quit.")
        buffer = ""
        for line in sys.stdin:
            buffer += line
            if buffer.strip().endswith(";"):
                try:
                    _emit(con.execute(buffer), fmt)
                except duckdb.Error as exc:
                    print(f"error: {exc}")
                buffer = ""
        return 0
    finally:
        con.close()
