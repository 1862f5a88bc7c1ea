"""``akhbar sql``: a read-only query runner and small shell on the analyst copy.

The connection comes from :func:`akhbar.warehouse.readonly.open_readonly`
(external access off, configuration locked) and every statement is checked by
:func:`~akhbar.warehouse.readonly.check_statements` before anything runs. Errors
are one line on stderr: ``akhbar sql: <DuckDB's first line>`` (exit 1) or
``akhbar sql: refused: <reason>`` (exit 2); never a traceback.

With a DuckLake warehouse the shell attaches the lake read-only instead
(:func:`~akhbar.warehouse.readonly.open_readonly_lake`): it sees the last
committed snapshot, and ``AT (VERSION => n)`` reaches earlier ones.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

from akhbar import sqlfiles
from akhbar.config import LakeTarget
from akhbar.warehouse.readonly import (
    ReadOnlyViolation,
    check_statements,
    open_readonly,
    open_readonly_lake,
)

FORMATS = ("table", "csv", "json", "line")
EXIT_ERROR = 1
EXIT_REFUSED = 2
# Value conversion on fetch can fail outside DuckDB's own exception types.
QUERY_ERRORS = (duckdb.Error, ValueError, OverflowError, UnicodeError)

HELP = """\
.tables              list tables and views
.schema [table]      CREATE statements (all, or of one table/view)
.mode MODE           output: table, csv, json or line
.timer on|off        print the run time of each statement
.help                this text
.quit / .exit        leave (Ctrl-D works too)
End SQL statements with ';'. The analyst copy is read-only."""


def error_line(exc: BaseException) -> str:
    """The first non-empty line of an error, as DuckDB words it."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass
class ShellState:
    mode: str = "table"
    timer: bool = False


# --------------------------------------------------------------------------- output


def _plural(n: int) -> str:
    return f"({n} row{'s' if n != 1 else ''})"


def emit(headers: list[str], rows: list[tuple], fmt: str, out: TextIO) -> None:
    """Write one result in ``fmt`` (table, csv, json, line)."""
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
    elif fmt == "json":
        doc = [dict(zip(headers, r, strict=True)) for r in rows]
        out.write(json.dumps(doc, ensure_ascii=False, default=str, indent=1) + "\n")
    elif fmt == "line":
        width = max((len(h) for h in headers), default=0)
        blocks = [
            "\n".join(
                f"{h.rjust(width)} = {'' if v is None else v}"
                for h, v in zip(headers, r, strict=True)
            )
            for r in rows
        ]
        out.write("\n\n".join(blocks) + ("\n" if blocks else ""))
    else:
        from akhbar.ops.report import _table

        out.write(_table(headers, rows) + "\n" + _plural(len(rows)) + "\n")


def run_statements(
    con: duckdb.DuckDBPyConnection, sql: str, state: ShellState, out: TextIO
) -> None:
    """Check all statements of ``sql`` first, then run them in order, printing results."""
    for statement in check_statements(con, sql):
        start = time.perf_counter()
        cursor = con.execute(statement.query)
        if cursor.description is not None:
            headers = [d[0] for d in cursor.description]
            emit(headers, cursor.fetchall(), state.mode, out)
        if state.timer:
            out.write(f"Run Time: real {time.perf_counter() - start:.3f} s\n")


# --------------------------------------------------------------------------- dot commands


def _tables(
    con: duckdb.DuckDBPyConnection, args: list[str], state: ShellState, out: TextIO
) -> None:
    rows = con.execute(sqlfiles.sql("sqlshell/tables")).fetchall()
    out.write("".join(f"{name}\n" for (name,) in rows))


def _schema(
    con: duckdb.DuckDBPyConnection, args: list[str], state: ShellState, out: TextIO
) -> None:
    wanted = args[0] if args else None
    rows = con.execute(sqlfiles.sql("sqlshell/schema"), {"name": wanted}).fetchall()
    if wanted and not rows:
        raise LookupError(f"no such table or view: {wanted}")
    out.write("".join(f"{ddl.rstrip().rstrip(';')};\n" for _, ddl in rows))


def _mode(con: duckdb.DuckDBPyConnection, args: list[str], state: ShellState, out: TextIO) -> None:
    if len(args) != 1 or args[0] not in FORMATS:
        raise LookupError(f"usage: .mode {'|'.join(FORMATS)} (now {state.mode})")
    state.mode = args[0]


def _timer(con: duckdb.DuckDBPyConnection, args: list[str], state: ShellState, out: TextIO) -> None:
    if len(args) != 1 or args[0] not in ("on", "off"):
        raise LookupError(f"usage: .timer on|off (now {'on' if state.timer else 'off'})")
    state.timer = args[0] == "on"


def _help(con: duckdb.DuckDBPyConnection, args: list[str], state: ShellState, out: TextIO) -> None:
    out.write(HELP + "\n")


DotCommand = Callable[[duckdb.DuckDBPyConnection, list[str], ShellState, TextIO], None]
DOT_COMMANDS: dict[str, DotCommand] = {
    ".tables": _tables, ".schema": _schema, ".mode": _mode, ".timer": _timer, ".help": _help,
}  # fmt: skip


# --------------------------------------------------------------------------- shell


def _report(exc: BaseException, err: TextIO) -> None:
    prefix = "refused: " if isinstance(exc, ReadOnlyViolation) else ""
    err.write(f"akhbar sql: {prefix}{error_line(exc)}\n")


def interactive(
    con: duckdb.DuckDBPyConnection,
    lines: Iterable[str],
    state: ShellState,
    *,
    out: TextIO,
    err: TextIO,
    prompt: bool,
) -> int:
    """Read statements and dot commands; returns 1 if any statement failed."""
    failed = False
    buffer = ""
    if prompt:
        out.write("akhbar> ")
        out.flush()
    for line in lines:
        stripped = line.strip()
        if not buffer and stripped.startswith("."):
            name, *args = stripped.split()
            if name in (".quit", ".exit"):
                break
            command = DOT_COMMANDS.get(name)
            try:
                if command is None:
                    raise LookupError(f"unknown command {name} (try .help)")
                command(con, args, state, out)
            except (LookupError, *QUERY_ERRORS) as exc:
                failed = True
                err.write(f"akhbar sql: {error_line(exc)}\n")
        elif stripped or buffer:
            buffer += line
            if not buffer.rstrip().endswith(";"):
                if prompt:
                    out.write("   ...> ")
                    out.flush()
                continue
            try:
                run_statements(con, buffer, state, out)
            except (ReadOnlyViolation, *QUERY_ERRORS) as exc:
                failed = True
                _report(exc, err)
            buffer = ""
        if prompt:
            out.write("akhbar> ")
            out.flush()
    if buffer.strip():  # a last statement without ';'
        try:
            run_statements(con, buffer, state, out)
        except (ReadOnlyViolation, *QUERY_ERRORS) as exc:
            failed = True
            _report(exc, err)
    return EXIT_ERROR if failed else 0


def _open(path: Path | LakeTarget) -> duckdb.DuckDBPyConnection | None:
    """The locked-down connection, or None after one line on stderr."""
    from akhbar.warehouse.lake import LakeError

    if isinstance(path, LakeTarget):
        try:
            return open_readonly_lake(path)
        except (LakeError, duckdb.Error) as exc:
            print(f"akhbar sql: {error_line(exc)}", file=sys.stderr)
            return None
    if not path.exists():
        print(f"akhbar sql: no database at {path}: run the pipeline first (make run)",
              file=sys.stderr)  # fmt: skip
        return None
    try:
        return open_readonly(path)
    except duckdb.Error as exc:
        print(f"akhbar sql: {path}: {error_line(exc)}", file=sys.stderr)
        return None


def run_sql(path: Path | LakeTarget, query: str | None, *, fmt: str = "table") -> int:
    """``akhbar sql``: run ``query`` (or a shell on stdin) against ``path``; the exit code.

    ``path`` is a DuckDB file or a DuckLake target (attached read-only).
    """
    con = _open(path)
    if con is None:
        return EXIT_ERROR
    label = path.display if isinstance(path, LakeTarget) else str(path)
    state = ShellState(mode=fmt)
    try:
        if query is not None:
            run_statements(con, query, state, sys.stdout)
            return 0
        tty = sys.stdin.isatty()
        if tty:
            print(f"akhbar sql: {label} (read-only). End statements with ';', .help for commands.")
        return interactive(con, sys.stdin, state, out=sys.stdout, err=sys.stderr, prompt=tty)
    except ReadOnlyViolation as exc:
        _report(exc, sys.stderr)
        return EXIT_REFUSED
    except QUERY_ERRORS as exc:
        _report(exc, sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `akhbar sql … | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 0
    finally:
        con.close()
