"""The week report: per day what landed, the biggest cross-outlet stories, the speakers
quoted by most outlets (``akhbar week`` / ``akhbar week-report``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from akhbar.sqlfiles import sql

if TYPE_CHECKING:
    import duckdb


def _query(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]
) -> tuple[list[str], list[tuple]]:
    rel = con.execute(sql(f"reports/{name}"), params)
    return [d[0] for d in rel.description], rel.fetchall()


def week_tables(
    warehouse_path: Path, days: Sequence[date], *, top: int = 10
) -> dict[str, tuple[list[str], list[tuple]]]:
    """The three week reports as (headers, rows): ``per_day``, ``top_stories``,
    ``top_speakers``. The warehouse is opened read-only."""
    import duckdb

    path = Path(warehouse_path)
    if not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}: run the week first")
    params: dict[str, object] = {"days": sorted(set(days))}
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            "per_day": _query(con, "week_per_day", params),
            "top_stories": _query(con, "week_top_stories", {**params, "limit": top}),
            "top_speakers": _query(con, "week_top_speakers", {**params, "limit": top}),
        }
    finally:
        con.close()


def week_report(warehouse_path: Path, days: Sequence[date], *, top: int = 10) -> str:
    """Printable report: per day, the biggest cross-outlet stories, the speakers
    quoted by most outlets."""
    from akhbar.ops.report import _table  # the project's one plain-text table layout

    days = sorted(set(days))
    tables = week_tables(warehouse_path, days, top=top)
    headers, rows = tables["per_day"]
    # Outlets do not add up over days: the total row leaves them out.
    totals = tuple(
        "total" if h == "run_date" else "" if h == "outlets" else sum(r[i] for r in rows)
        for i, h in enumerate(headers)
    )
    out = [
        f"Week {days[0]}..{days[-1]} (warehouse {warehouse_path})",
        "",
        _table(headers, [*rows, totals]),
        "",
    ]
    out.append(f"Biggest cross-outlet stories (top {top}):")
    _, story_rows = tables["top_stories"]
    if not story_rows:
        out.append("  (no story spans two outlets)")
    last = None
    for rank, cluster, outlets, articles, first_day, _sid, outlet, title, _ in story_rows:
        if cluster != last:
            out.append(
                f"{rank:>3}. {outlets} outlets, {articles} articles, from {first_day}  [{cluster}]"
            )
            last = cluster
        out.append(f"       {outlet}: {title or '(untitled)'}")
    out += ["", f"Speakers quoted by most outlets (top {top}):"]
    headers, speaker_rows = tables["top_speakers"]
    out.append(_table(headers, speaker_rows) if speaker_rows else "  (no attributed quotes)")
    return "\n".join(out) + "\n"
