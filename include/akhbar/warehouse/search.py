"""Arabic full-text search over the warehouse with DuckDB's ``fts`` extension.

The extension is loaded offline from its PyPI wheel (``duckdb-extension-fts``),
never downloaded. :func:`build_search_index` indexes a *folded* copy of each
article (title + body) and each quote (speaker + text) with the Arabic Snowball
stemmer, then replaces the ``search_articles(q)`` / ``search_quotes(q)`` table
macros (fallback scans defined in ``sql/views/090_search.sql``) with BM25-ranked
versions. Queries are folded by the same ``ar_fold`` macro, so hamza forms,
harakat, tatweel, ى/ي and ة/ه do not matter.

``PRAGMA create_fts_index`` works inside an open transaction in DuckDB 1.5.5
(tests/test_search.py checks it), so the loader may call
:func:`build_search_index` just before COMMIT of the load transaction, which
keeps data and index consistent; calling it right after COMMIT works as well.

A database holding the index needs the extension loaded to *query* it (the
BM25 macro calls the extension's ``stem``); :func:`open_analyst` does that for
the read-only analyst copy.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

from akhbar.sqlfiles import sql

# The index tables (sql/search/*.sql spell these names).
ARTICLE_DOC = "search_article_doc"
QUOTE_DOC = "search_quote_doc"


class ExtensionMissingError(RuntimeError):
    """The DuckDB extension wheel is not installed in this environment."""


def extension_path(name: str) -> Path:
    """Path of ``<name>.duckdb_extension`` shipped in the ``duckdb-extension-<name>`` wheel."""
    module = f"duckdb_extension_{name}"
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionMissingError(
            f"DuckDB extension {name!r} is not installed: pip install "
            f"'duckdb-extension-{name}=={duckdb.__version__}' (no network download is attempted)"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    wanted = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if wanted.is_file():
        return wanted
    found = sorted((root / "extensions").glob(f"*/{name}.duckdb_extension"))
    versions = ", ".join(p.parent.name for p in found) or "none"
    raise ExtensionMissingError(
        f"{module} has no build for duckdb v{duckdb.__version__} (has: {versions}); "
        f"install duckdb-extension-{name}=={duckdb.__version__}"
    )


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> Path:
    """LOAD a DuckDB extension from its PyPI wheel (offline). Returns the file loaded."""
    path = extension_path(name)
    row = con.execute(sql("search/extension_loaded"), {"name": name}).fetchone()
    if not (row and row[0]):
        con.load_extension(path.as_posix())  # LOAD of the wheel's file, never a download
    return path


def build_search_index(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)build the article and quote full-text indexes; returns documents indexed.

    Needs the warehouse schema and views (``ar_fold``) to exist, i.e.
    ``apply_migrations`` has run. Rebuilds from scratch (fts indexes are not
    incremental); about a second per 10k articles.
    """
    load_extension(con, "fts")
    for name in ("article_docs", "quote_docs", "article_index", "quote_index", "ranked_macros"):
        con.execute(sql(f"search/{name}"))
    counts = _dict_rows(con.execute(sql("search/doc_counts")))[0]
    return {table: int(n) for table, n in counts.items()}


def has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(sql("search/has_index")).fetchone()
    return bool(row and row[0])


def open_analyst(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open a warehouse (the analyst copy) read-only with ``fts`` loaded so search works."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        load_extension(con, "fts")
    except ExtensionMissingError:
        if has_search_index(con):
            con.close()
            raise
    return con


def _dict_rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def search_articles(
    con: duckdb.DuckDBPyConnection, query: str, limit: int = 20
) -> list[dict[str, object]]:
    """Python convenience over the ``search_articles(q)`` macro."""
    return _dict_rows(con.execute(sql("search/articles"), {"query": query, "max_rows": limit}))


def search_quotes(
    con: duckdb.DuckDBPyConnection, query: str, limit: int = 20
) -> list[dict[str, object]]:
    """Python convenience over the ``search_quotes(q)`` macro."""
    return _dict_rows(con.execute(sql("search/quotes"), {"query": query, "max_rows": limit}))
