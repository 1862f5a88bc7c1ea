"""The quarantine table: rows a gate held back, listed and re-queued by the CLI.

A quarantined row keeps its whole original record as JSON (``payload``), so
nothing a gate rejects is lost: ``requeue`` turns the payloads back into a
Parquet file with the stage's staging schema in ``<inbox>/<stage>/``, which the
next run's stage merges in, and stamps ``requeued_at``.

Payload encoding: timestamps/dates as ISO 8601 strings, bytes columns as base64
(listed under the ``"_base64"`` key); a bytes value above
:data:`MAX_PAYLOAD_BYTES` is dropped and named under ``"_dropped"``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from akhbar.pipeline.records import QUARANTINE
from akhbar.sqlfiles import sql
from akhbar.warehouse.lake import serialized_write

if TYPE_CHECKING:
    import duckdb

MAX_PAYLOAD_BYTES = 6_000_000  # raw bytes kept per bytes column (pages are capped at 5 MB)

#: The staging quarantine schema's columns, in order.
QUARANTINE_COLUMNS: list[str] = list(QUARANTINE.names)


def quarantine_id(run_date: dt.date | str, stage: str, record_key: str | None, rule: str) -> str:
    """Stable id: sha1 of ``run_date|stage|record_key|rule`` (hex, 20 chars)."""
    day = run_date.isoformat() if isinstance(run_date, dt.date) else str(run_date)
    raw = "|".join([day, stage, record_key or "", rule])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item") and not isinstance(value, bytes | str):  # numpy scalar
        try:
            return _jsonable(value.item())
        except (ValueError, TypeError):
            pass
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def row_payload(row: Mapping[str, Any]) -> str:
    """JSON of one record (see module docstring for bytes and dates)."""
    out: dict[str, Any] = {}
    b64: list[str] = []
    dropped: dict[str, str] = {}
    for key, value in row.items():
        if isinstance(value, bytes | bytearray | memoryview):
            raw = bytes(value)
            if len(raw) > MAX_PAYLOAD_BYTES:
                dropped[str(key)] = f"{len(raw)} bytes > {MAX_PAYLOAD_BYTES}"
                out[str(key)] = None
            else:
                out[str(key)] = base64.b64encode(raw).decode("ascii")
                b64.append(str(key))
        else:
            out[str(key)] = _jsonable(value)
    if b64:
        out["_base64"] = b64
    if dropped:
        out["_dropped"] = dropped
    return json.dumps(out, ensure_ascii=False, sort_keys=False)


def payload_row(payload: str) -> dict[str, Any]:
    """Inverse of :func:`row_payload` (bytes decoded; dates stay ISO strings)."""
    data = json.loads(payload)
    for key in data.pop("_base64", []):
        if data.get(key) is not None:
            data[key] = base64.b64decode(data[key])
    data.pop("_dropped", None)
    return data


def list_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    run_date: dt.date | None = None,
    stage: str | None = None,
    source_id: str | None = None,
    include_requeued: bool = False,
) -> pd.DataFrame:
    """Quarantined rows (newest first), without the payload column."""
    params = {
        "run_date": run_date,
        "stage": stage,
        "source_id": source_id,
        "include_requeued": include_requeued,
    }
    return con.execute(sql("quarantine/list"), params).df()


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    quarantined: pd.DataFrame,
    *,
    quarantined_at: dt.datetime,
) -> int:
    """Insert a gate's ``quarantined`` frame; rows already present (same id) are kept.

    Works on a DuckLake too (no primary key there: the SQL skips present ids, and the
    insert is serialized with the other lake writers, a commit conflict re-running it).
    """
    if quarantined.empty:
        return 0
    df = quarantined[QUARANTINE_COLUMNS].copy()
    df.insert(
        0,
        "quarantine_id",
        [
            quarantine_id(r.run_date, r.stage, r.record_key, r.rule)
            for r in df.itertuples(index=False)
        ],
    )
    df["quarantined_at"] = quarantined_at
    df = df.drop_duplicates("quarantine_id")
    con.register("_akhbar_q_new", df)
    try:
        inserted = serialized_write(
            con,
            lambda: con.execute(sql("quarantine/insert")).fetchone()[0],
            what="quarantine insert",
            step="quarantine",
        )
    finally:
        con.unregister("_akhbar_q_new")
    return int(inserted)


def _to_stage_table(stage: str, rows: list[dict[str, Any]]) -> Any:
    """Rows -> pyarrow Table with the stage's staging schema (unknown columns dropped)."""
    import pyarrow as pa

    from akhbar.pipeline import records

    schema = records.STAGE_SCHEMAS.get(stage)
    df = pd.DataFrame(rows)
    if schema is None:
        return pa.Table.from_pandas(df, preserve_index=False)
    arrays = []
    for f in schema:
        values = df[f.name].tolist() if f.name in df.columns else [None] * len(df)
        values = [None if _is_missing(v) else v for v in values]
        if pa.types.is_timestamp(f.type):
            values = [None if v is None else pd.Timestamp(v).to_pydatetime() for v in values]
        elif pa.types.is_date(f.type):
            values = [None if v is None else pd.Timestamp(v).date() for v in values]
        arrays.append(pa.array(values, type=f.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _is_missing(value: Any) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def requeue(
    con: duckdb.DuckDBPyConnection,
    quarantine_ids: Sequence[str] | None = None,
    *,
    stage: str | None = None,
    run_date: dt.date | None = None,
    inbox: Path,
) -> int:
    """Write the payloads of the selected, not yet re-queued rows to ``inbox/<stage>/``.

    Selection: ``quarantine_ids`` and/or ``stage``/``run_date`` filters (at least
    one is required, so a bare call cannot re-queue everything by accident).
    One Parquet file per stage (staging schema of that stage). Sets
    ``requeued_at``. Returns the number of rows re-queued.
    """
    if quarantine_ids is None and stage is None and run_date is None:
        raise ValueError("requeue needs quarantine_ids, stage or run_date")
    ids = None if quarantine_ids is None else list(quarantine_ids)
    sel = con.execute(
        sql("quarantine/payloads"), {"run_date": run_date, "stage": stage, "ids": ids}
    ).fetchall()
    if not sel:
        return 0
    import pyarrow.parquet as pq

    by_stage: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for qid, stg, payload in sel:
        if payload is None:
            continue
        by_stage.setdefault(stg, []).append((qid, payload_row(payload)))
    done: list[str] = []
    for stg, items in by_stage.items():
        ids = [qid for qid, _ in items]
        digest = hashlib.sha1("|".join(ids).encode()).hexdigest()[:12]
        out_dir = Path(inbox) / stg
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out_dir / f".requeue-{digest}.parquet.tmp"
        pq.write_table(_to_stage_table(stg, [row for _, row in items]), tmp)
        tmp.replace(out_dir / f"requeue-{digest}.parquet")
        done.extend(ids)
    if done:
        serialized_write(
            con,
            lambda: con.execute(sql("quarantine/mark_requeued"), {"ids": done}),
            what="quarantine requeue",
            step="quarantine requeue",
        )
    return len(done)


def format_table(df: pd.DataFrame, *, max_width: int = 60) -> str:
    """Plain-text table for the CLI (long cells cut with an ellipsis)."""
    if df.empty:
        return "(no quarantined rows)"
    cols = [c for c in df.columns if c != "payload"]

    def cell(v: Any) -> str:
        s = "" if _is_missing(v) else str(v)
        s = s.replace("\n", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    rows = [[cell(v) for v in rec] for rec in df[cols].itertuples(index=False)]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, sep, *body, f"({len(rows)} row(s))"])
