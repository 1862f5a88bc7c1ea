"""What a run landed, printed for people (``make run``, ``akhbar summary``)."""

from __future__ import annotations

from akhbar.config import Settings
from akhbar.sqlfiles import sql


def _table(headers: list[str], rows: list[tuple]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out)


def print_landed(settings: Settings, run_date: str | None, *, example_query: str) -> int:
    from akhbar.warehouse.readonly import open_warehouse_readonly

    path = settings.analyst_copy if settings.analyst_copy.exists() else settings.warehouse
    if settings.lake is None and not path.exists():
        print(f"no warehouse at {settings.warehouse}: run the pipeline first")
        return 1
    con = open_warehouse_readonly(settings, extensions=())
    try:
        if run_date is None:
            row = con.execute(sql("reports/latest_article_run_date")).fetchone()
            run_date = str(row[0]) if row and row[0] else None
        rel = con.execute(sql("reports/landed_per_source"), {"run_date": run_date})
        headers = [d[0] for d in rel.description]
        rows = rel.fetchall()
        total = con.execute(sql("reports/warehouse_totals")).fetchone()
        quarantined = con.execute(
            sql("reports/quarantined_rules"), {"run_date": run_date}
        ).fetchall()
    finally:
        con.close()
    print(f"\nWhat landed for run {run_date} (warehouse {settings.warehouse}):\n")
    print(_table(headers, rows))
    print(f"\nwarehouse total: {total[0]} articles from {total[1]} sources")
    if quarantined:
        print(f"\nquarantined rows (akhbar quarantine --date {run_date} lists them):")
        print(_table(["stage", "rule", "rows"], quarantined))
    print(f"\nAnalysts open the read-only copy: {settings.analyst_copy}")
    print(
        "Paste this query into  .venv/bin/akhbar sql  (a read-only shell; or pass it as\n"
        "an argument), or into any DuckDB client opening that file read-only:\n"
    )
    print(example_query)
    return 0
