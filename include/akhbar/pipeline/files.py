"""Reading and writing staging files (Parquet, JSON), always atomically.

A file is written to a temporary name and renamed, so a crashed task never
leaves a half file that the next stage (or a retry) would read. Where each file
lives is :class:`akhbar.pipeline.run.Run`'s business.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq


def write_rows(path: Path, rows: Sequence[dict[str, Any]], schema: pa.Schema) -> Path:
    """Write ``rows`` (dicts keyed by column) with ``schema``; atomic rename."""
    columns = {name: [row.get(name) for row in rows] for name in schema.names}
    table = pa.Table.from_pydict(columns, schema=schema)
    return write_table(path, table)


def write_table(path: Path, table: pa.Table) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return path


def write_frame(path: Path, frame: Any, schema: pa.Schema) -> Path:
    """Write a pandas DataFrame with the contract ``schema`` (extra columns dropped)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    arrays = []
    for field in schema:
        if field.name in table.column_names:
            arrays.append(table[field.name].cast(field.type))
        else:
            arrays.append(pa.nulls(table.num_rows, field.type))
    return write_table(path, pa.Table.from_arrays(arrays, schema=schema))


def read_rows(path: Path | str) -> list[dict[str, Any]]:
    path = Path(path)
    if not path.exists():
        return []
    return pq.read_table(path).to_pylist()


def read_frame(paths: Iterable[Path | str], schema: pa.Schema) -> Any:
    """Concatenate existing files into one DataFrame with the contract columns."""
    tables = [pq.read_table(p).cast(schema) for p in paths if Path(p).exists()]
    table = pa.concat_tables(tables) if tables else schema.empty_table()
    return table.to_pandas(types_mapper=None)


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_json(path: Path | str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))
