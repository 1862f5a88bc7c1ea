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
