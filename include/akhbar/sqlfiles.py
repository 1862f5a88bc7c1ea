"""SQL lives in ``sql/``; Python code reads statements from there by name."""

from __future__ import annotations

import functools

from akhbar.config import REPO_ROOT

SQL_DIR = REPO_ROOT / "sql"


@functools.cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql`` (comment lines kept; DuckDB ignores them)."""
    path = SQL_DIR / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no SQL file {path}") from None


def split_statements(text: str) -> list[str]:
    """The statements of a SQL file's text: ``--`` comment lines dropped, split at ``;``.

    (The files hold no ``;`` inside literals; DuckDB's own parser would need a
    connection.)
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [stmt.strip() for stmt in body.split(";") if stmt.strip()]


def statements(name: str) -> tuple[str, ...]:
    """The statements of ``sql/<name>.sql`` one by one."""
    return tuple(split_statements(sql(name)))
