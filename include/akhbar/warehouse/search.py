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


class ExtensionMissingError(RuntimeError):
    """The DuckDB extension wheel is not installed in this environment."""


ARTICLE_DOC = "search_article_doc"
QUOTE_DOC = "search_quote_doc"

# Tokens: runs of letters/digits (Arabic included); the extension's default
# ``ignore`` pattern is ASCII-oriented, so it is spelled out here.
_FTS_OPTIONS = "stemmer = 'arabic', stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1"

_ARTICLE_DOC_SQL = f"""
CREATE OR REPLACE TABLE {ARTICLE_DOC} AS
SELECT article_id,
       ar_fold(coalesce(title, '') || ' ' || coalesce(body_text, '')) AS doc
FROM fact_article
QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY run_date DESC) = 1
"""

_QUOTE_DOC_SQL = f"""
CREATE OR REPLACE TABLE {QUOTE_DOC} AS
SELECT article_id || '#' || CAST(quote_idx AS VARCHAR) AS quote_key,
       article_id,
       quote_idx,
       ar_fold(coalesce(speaker, '') || ' ' || text) AS doc
FROM fact_quote
QUALIFY row_number() OVER (PARTITION BY article_id, quote_idx ORDER BY run_date DESC) = 1
"""

_RANKED_MACROS_SQL = f"""
CREATE OR REPLACE MACRO search_articles(q, max_hits := 100) AS TABLE
WITH scored AS (
    SELECT d.article_id,
           fts_main_{ARTICLE_DOC}.match_bm25(d.article_id, ar_fold(q)) AS score
    FROM {ARTICLE_DOC} d
),
best AS (
    -- snippets are the costly part: make them for the best max_hits only
    SELECT * FROM scored WHERE score IS NOT NULL ORDER BY score DESC LIMIT max_hits
),
hits AS (
    SELECT a.article_id, a.source_id, a.title, a.published_at, a.body_text, s.score,
           ar_fold(a.body_text) AS fb, ar_query_terms(q) AS terms
    FROM best s
    JOIN fact_article a USING (article_id)
    QUALIFY row_number() OVER (PARTITION BY a.article_id ORDER BY a.run_date DESC) = 1
),
located AS (SELECT *, ar_first_hit_folded(fb, terms) AS pos FROM hits)
SELECT article_id, source_id, title, published_at, score,
       ar_snippet_at(body_text, pos) AS snippet
FROM located
ORDER BY score DESC, published_at DESC NULLS LAST, article_id;

CREATE OR REPLACE MACRO search_quotes(q, max_hits := 100) AS TABLE
WITH hits AS (
    SELECT d.article_id, d.quote_idx,
           fts_main_{QUOTE_DOC}.match_bm25(d.quote_key, ar_fold(q)) AS score
    FROM {QUOTE_DOC} d
),
best AS (SELECT * FROM hits WHERE score IS NOT NULL ORDER BY score DESC LIMIT max_hits)
SELECT s.article_id, s.quote_idx, a.source_id, a.published_at, s.kind, s.speaker, s.cue,
       s.text, h.score
FROM best h
JOIN (SELECT * FROM fact_quote
      QUALIFY row_number() OVER (PARTITION BY article_id, quote_idx ORDER BY run_date DESC) = 1) s
    USING (article_id, quote_idx)
LEFT JOIN (SELECT DISTINCT ON (article_id) article_id, source_id, published_at
           FROM fact_article) a USING (article_id)
ORDER BY h.score DESC, a.published_at DESC NULLS LAST, s.article_id, s.quote_idx;
"""


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
    row = con.execute(
        "SELECT loaded FROM duckdb_extensions() WHERE extension_name = ?", [name]
    ).fetchone()
    if not (row and row[0]):
        con.execute(f"LOAD '{path.as_posix()}'")
    return path


def build_search_index(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """(Re)build the article and quote full-text indexes; returns documents indexed.

    Needs the warehouse schema and views (``ar_fold``) to exist, i.e.
    ``apply_migrations`` has run. Rebuilds from scratch (fts indexes are not
    incremental); about a second per 10k articles.
    """
    load_extension(con, "fts")
    con.execute(_ARTICLE_DOC_SQL)
    con.execute(_QUOTE_DOC_SQL)
    con.execute(f"PRAGMA create_fts_index('{ARTICLE_DOC}', 'article_id', 'doc', {_FTS_OPTIONS})")
    con.execute(f"PRAGMA create_fts_index('{QUOTE_DOC}', 'quote_key', 'doc', {_FTS_OPTIONS})")
    con.execute(_RANKED_MACROS_SQL)
    counts = {}
    for table in (ARTICLE_DOC, QUOTE_DOC):
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ?", [f"fts_main_{ARTICLE_DOC}"]
    ).fetchone()
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


def search_articles(
    con: duckdb.DuckDBPyConnection, query: str, limit: int = 20
) -> list[dict[str, object]]:
    """Python convenience over the ``search_articles(q)`` macro."""
    cur = con.execute("SELECT * FROM search_articles(?) LIMIT ?", [query, limit])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def search_quotes(
    con: duckdb.DuckDBPyConnection, query: str, limit: int = 20
) -> list[dict[str, object]]:
    """Python convenience over the ``search_quotes(q)`` macro."""
    cur = con.execute("SELECT * FROM search_quotes(?) LIMIT ?", [query, limit])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
