"""A run's gated staging files as the ``stg_*`` relations the load SQL reads.

DuckDB scans the Parquet itself (a lazy relation registered as a temporary
view), so a date's files are never held in Python memory.
"""

from __future__ import annotations

import csv
from typing import Any

import duckdb
import pyarrow as pa
from duckdb import ColumnExpression, ConstantExpression, FunctionExpression

from akhbar.config import Settings
from akhbar.pipeline import records
from akhbar.pipeline.files import read_json
from akhbar.pipeline.run import Run

#: Staging views the load SQL reads: view -> (stage files, contract, add file_source).
STAGED: dict[str, tuple[str, pa.Schema, bool]] = {
    "stg_feed_fetch": ("feed_fetch", records.FEED_FETCH, False),
    "stg_articles_all": ("articles_ok", records.ARTICLE, True),
    "stg_mentions_all": ("mentions_ok", records.ENTITY_MENTION, True),
    "stg_quotes_all": ("quotes_ok", records.QUOTE, True),
    "stg_dates_all": ("dates_ok", records.DATE_MENTION, True),
    "stg_quarantine": ("quarantine", records.QUARANTINE, False),
    "stg_dq": ("dq", records.DQ_RESULT, False),
}
ENTITY_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("type", pa.string()),
        ("name_ar", pa.string()),
        ("name_en", pa.string()),
        ("wikidata_id", pa.string()),
    ]
)
_FILE_STEM = r"([^/]+)\.parquet$"


def register_run(con: duckdb.DuckDBPyConnection, run: Run) -> None:
    """Every ``stg_*`` relation of ``run``: staged files, sources, loaded sources, gazetteer."""
    register_staged(con, run)
    con.register("stg_sources", sources_table(run))
    con.register(
        "stg_loaded_sources",
        pa.table({"source_id": pa.array(run.loaded_sources(), pa.string())}),
    )
    con.register("stg_entities", entities_table(run.settings))


def register_staged(con: duckdb.DuckDBPyConnection, run: Run) -> None:
    """Each staging view reads its files directly: the contract's columns, plus
    ``file_source`` (the file's stem) where the load needs to know the file."""
    for view, (stage, schema, with_source) in STAGED.items():
        files = run.files(stage)
        if not files:
            table = schema.empty_table()
            if with_source:
                table = table.append_column("file_source", pa.array([], pa.string()))
            con.register(view, table)
            continue
        columns = [ColumnExpression(name) for name in schema.names]
        if with_source:
            stem = FunctionExpression(
                "regexp_extract",
                ColumnExpression("filename"),
                ConstantExpression(_FILE_STEM),
                ConstantExpression(1),
            )
            columns.append(stem.alias("file_source"))
        scan = con.read_parquet([str(p) for p in files], filename=True, union_by_name=True)
        con.register(view, scan.select(*columns))


def sources_table(run: Run) -> pa.Table:
    rows = read_json(run.sources_json) if run.sources_json.exists() else []
    names = records.SOURCE.names
    return pa.Table.from_pylist([{c: r.get(c) for c in names} for r in rows], schema=records.SOURCE)


def entities_table(settings: Settings) -> pa.Table:
    """The gazetteer seed's entities, first row per ``entity_id``."""
    path = settings.seeds_dir / "gazetteer.csv"
    if not path.exists():
        return ENTITY_SCHEMA.empty_table()
    seen: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("entity_id"):
                seen.setdefault(
                    row["entity_id"], {k: (row.get(k) or None) for k in ENTITY_SCHEMA.names}
                )
    return pa.Table.from_pylist(list(seen.values()), schema=ENTITY_SCHEMA)
