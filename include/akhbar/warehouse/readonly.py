"""Read-only DuckDB connections that cannot write anywhere (shell, health page, digest).

``read_only=True`` alone only protects the opened file: ATTACH of another file
(READ_WRITE), ``COPY … TO``, ``EXPORT DATABASE`` and ``INSTALL`` still work.
:func:`open_readonly` therefore loads what its users need first (the ``fts``
extension from its wheel, offline), then turns external access off, disables
extension install/autoload and persistent secrets, and locks the configuration.

Checked with DuckDB 1.5.5 (tests/test_sqlshell.py tries each): after the
lockdown ATTACH, COPY TO/FROM, EXPORT/IMPORT DATABASE, INSTALL, LOAD of a file
or a non-built-in extension, ``read_csv('/etc/passwd')`` and SET of any locked
option all fail inside DuckDB. Two things are not stopped by the settings:
``CALL enable_logging(storage := 'file', …)`` bypasses the configuration lock
(with external access off it writes nothing, but leaves the session unusable),
and temporary tables/macros can be created (in memory). :func:`check_statements`
refuses the first, and refuses every file- or catalogue-moving statement type
by DuckDB's own parse, before anything runs, with one clear message.

A DuckLake warehouse (:func:`open_readonly_lake`) is attached READ_ONLY before
the lockdown. DuckLake reads its Parquet files through DuckDB's file system, so
the lake's data directory is the one ``allowed_directories`` entry (reading it
with ``read_parquet`` is possible, writing to it is refused by
:func:`check_statements` like any COPY); persistent secrets are refused by the
lockdown's file-system rule (``SET allow_persistent_secrets`` cannot be changed
once the attach used the secret manager; CREATE PERSISTENT SECRET then fails on
the secrets directory).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from akhbar.sqlfiles import sql, statements

if TYPE_CHECKING:
    from akhbar.config import LakeTarget, Settings

# Extensions the shell, health page and digest need (loaded before the lock).
READONLY_EXTENSIONS: tuple[str, ...] = ("fts",)

# The lockdown statements, in order (sql/readonly/lockdown.sql: lock_configuration last).
LOCKDOWN: tuple[str, ...] = statements("readonly/lockdown")

# Statement types refused before execution, with the reason shown to the user.
REFUSED_TYPES: dict[str, str] = {
    "ATTACH": "ATTACH opens other database files",
    "DETACH": "DETACH changes the attached databases",
    "COPY": "COPY … TO writes files (and COPY … FROM reads them)",
    "COPY_DATABASE": "COPY FROM DATABASE writes another database",
    "EXPORT": "EXPORT DATABASE writes files",
    "LOAD": "INSTALL/LOAD fetches or loads extensions (the shell's are loaded already)",
    "EXTENSION": "extension statements change the engine",
    "CALL": "CALL runs procedures; use SELECT * FROM <function>(…) for table functions",
    "LOGICAL_PLAN": "logical plan statements are not accepted",
}
# Allowed statement types (anything else, e.g. UPDATE EXTENSIONS, is refused).
ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        "SELECT", "EXPLAIN", "PRAGMA", "SET", "VARIABLE_SET", "TRANSACTION", "PREPARE",
        "EXECUTE", "RELATION", "ANALYZE", "VACUUM",
        # only temporary objects: the read-only database refuses the rest itself
        "CREATE", "CREATE_FUNC", "DROP", "ALTER", "INSERT", "UPDATE", "DELETE", "MERGE_INTO",
    }
)  # fmt: skip
# Functions that change the session's engine state despite the configuration lock.
REFUSED_FUNCTIONS: dict[str, str] = {
    "enable_logging": "enable_logging() redirects the engine log (it bypasses the lock)",
    "disable_logging": "disable_logging() changes the engine log",
}


class ReadOnlyViolation(Exception):
    """A statement the read-only shell does not run; ``str()`` is the reason."""


def open_readonly(
    path: Path | str,
    *,
    extensions: tuple[str, ...] = READONLY_EXTENSIONS,
    config: dict[str, str | int | bool] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only, load ``extensions``, then lock external access down.

    A missing extension wheel is not an error (only search needs ``fts``);
    ``config`` (e.g. ``{"memory_limit": "512MB"}``) applies at connect time,
    since the configuration is locked afterwards.
    """
    con = duckdb.connect(str(path), read_only=True, config=dict(config or {}))
    try:
        _load_extensions(con, extensions)
        for statement in LOCKDOWN:
            con.execute(statement)
    except BaseException:
        con.close()
        raise
    return con


def _load_extensions(con: duckdb.DuckDBPyConnection, extensions: tuple[str, ...]) -> None:
    """Load the shell's extensions before the lockdown; one that is not installed is skipped."""
    from akhbar.warehouse.search import ExtensionMissingError, load_extension

    for name in extensions:
        try:
            load_extension(con, name)
        except ExtensionMissingError:
            continue


def open_readonly_lake(
    target: LakeTarget,
    *,
    extensions: tuple[str, ...] = READONLY_EXTENSIONS,
    config: dict[str, str | int | bool] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Attach a DuckLake warehouse READ_ONLY (as ``lake``, in use), then lock down.

    Queries see the newest snapshot committed when they start; time travel
    (``AT (VERSION => n)``) reaches earlier ones.
    """
    from akhbar.warehouse.lake import attach

    con = duckdb.connect(":memory:", config=dict(config or {}))
    try:
        _load_extensions(con, extensions)
        attach(con, target, read_only=True)
        # (an object-store URL is a prefix here too; that path is not tested offline)
        con.execute(
            sql("readonly/allowed_directories"),
            {"directories": [target.data_path.rstrip("/") + "/"]},
        )
        for statement in LOCKDOWN:
            if "persistent_secrets" not in statement:
                con.execute(statement)
    except BaseException:
        con.close()
        raise
    return con


def _identifier_names(sql: str) -> set[str]:
    """Lower-cased identifiers of ``sql`` by DuckDB's own tokenizer (quotes removed)."""
    tokens = duckdb.tokenize(sql)
    names: set[str] = set()
    for i, (start, kind) in enumerate(tokens):
        if kind != duckdb.token_type.identifier:
            continue
        end = tokens[i + 1][0] if i + 1 < len(tokens) else len(sql)
        text = sql[start:end].strip()
        if text.startswith('"'):
            closing = text.find('"', 1)
            while closing != -1 and text[closing + 1 : closing + 2] == '"':
                closing = text.find('"', closing + 2)
            names.add(text[1 : closing if closing != -1 else None].replace('""', '"').lower())
        else:
            word = "".join(ch for ch in text.split()[0] if ch.isalnum() or ch in "_$")
            names.add(word.lower())
    return names


def check_statements(con: duckdb.DuckDBPyConnection, sql: str) -> list[duckdb.Statement]:
    """Parse ``sql`` with ``con`` and return its statements, or raise ReadOnlyViolation.

    Parsing uses the locked connection itself: ``IMPORT DATABASE`` reads files
    while it is parsed, which the lock stops. Nothing is executed here.
    """
    statements = con.extract_statements(sql)
    for statement in statements:
        kind = statement.type.name
        if kind in REFUSED_TYPES:
            raise ReadOnlyViolation(f"{REFUSED_TYPES[kind]}; the analyst shell is read-only")
        if kind not in ALLOWED_TYPES:  # e.g. UPDATE EXTENSIONS, which has no type name
            words = statement.query.split()[:2]
            raise ReadOnlyViolation(
                f"{' '.join(words).upper()} is not accepted; the analyst shell is read-only"
            )
        for name in sorted(_identifier_names(statement.query) & REFUSED_FUNCTIONS.keys()):
            raise ReadOnlyViolation(f"{REFUSED_FUNCTIONS[name]}; the analyst shell is read-only")
    return statements


def open_warehouse_readonly(
    settings: Settings,
    *,
    extensions: tuple[str, ...] = READONLY_EXTENSIONS,
    config: dict[str, str | int | bool] | None = None,
) -> duckdb.DuckDBPyConnection:
    """The locked-down reader of the configured warehouse, whichever kind it is.

    A lake: attached read-only (the last committed snapshot). A DuckDB file: the
    analyst copy, or the writer's file before the first publish. For the health
    page, digest, reports and state readers, so they need no lake-specific code.
    """
    if settings.lake is not None:
        return open_readonly_lake(settings.lake, extensions=extensions, config=config)
    path = settings.analyst_copy if settings.analyst_copy.exists() else settings.warehouse
    return open_readonly(path, extensions=extensions, config=config)
