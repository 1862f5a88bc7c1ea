"""Airflow 3 UI plugin: the Akhbar pipeline-health page.

Mounts a small FastAPI app under ``/akhbar`` on the API server (``fastapi_apps``)
and adds a navigation entry for it (``external_views``). The app reads the
warehouse read-only through :mod:`akhbar.ops.health`; duckdb is imported inside the
handlers so loading this plugin in the scheduler or a worker stays cheap.
"""

from __future__ import annotations

import html
from typing import Any

from airflow.plugins_manager import AirflowPlugin
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

URL_PREFIX = "/akhbar"

STATUS_COLOURS = {
    "ok": "#1a7f37",
    "not modified (304)": "#57606a",
    "slow": "#9a6700",
    "failing": "#cf222e",
    "dead": "#82071e",
    "skipped": "#57606a",
    "never polled": "#57606a",
}

SOURCE_COLUMNS = [
    ("source_id", "Source"),
    ("name", "Name"),
    ("last_poll_display", "Last poll (local time)"),
    ("status", "Status"),
    ("http_status", "HTTP"),
    ("duration_ms", "ms"),
    ("articles_display", "Articles (last run)"),
    ("quarantined", "Quarantined (last run)"),
    ("dq", "Quality"),
]

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans Arabic",sans-serif;margin:1.5rem;color:#1f2328}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;font-size:0.9rem}
th,td{border:1px solid #d0d7de;padding:0.3rem 0.6rem;text-align:start;vertical-align:top}
th{background:#f6f8fa}
td{unicode-bidi:plaintext}
.num{text-align:end;font-variant-numeric:tabular-nums}
.status{font-weight:600}
.muted{color:#57606a}
"""


def _settings() -> Any:
    from akhbar.config import load_settings

    return load_settings()


def _report(limit: int = 7) -> dict[str, Any]:
    from akhbar.ops.health import health_report

    s = _settings()
    return health_report(s.warehouse, s.analyst_copy, limit=limit, lake=s.lake)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return '<td class="muted">–</td>'
    text = html.escape(str(value))
    if key == "status":
        colour = STATUS_COLOURS.get(str(value), "#1f2328")
        return f'<td class="status" style="color:{colour}">{text}</td>'
    if isinstance(value, int | float):
        return f'<td class="num">{text}</td>'
    return f'<td dir="auto"><bdi>{text}</bdi></td>'


def _when(local: str | None, ago: str | None) -> str | None:
    return f"{local} · {ago}" if local and ago else local


def _source_row(row: dict[str, Any]) -> dict[str, Any]:
    """Display fields: the poll time with its age, and the article count with its label."""
    n = row.get("new_articles") or 0
    return {
        **row,
        "last_poll_display": _when(row.get("last_poll_local"), row.get("last_poll_age")),
        "articles_display": f"{n} {row.get('new_label', 'new')}",
    }


def _overview(report: dict[str, Any]) -> list[str]:
    runs = report["runs"]
    if not runs:
        return []
    last = runs[0]
    by_status: dict[str, int] = {}
    for row in report["sources"]:
        by_status[row["status"]] = by_status.get(row["status"], 0) + 1
    items = [
        ("Last run", f"{last['run_date']} ({last['run_id']})"),
        ("Started", last.get("started_local")),
        ("Loaded", _when(last.get("loaded_local"), last.get("loaded_age"))),
        ("Duration", last.get("duration")),
        ("Sources", ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))),
        ("Quality checks", f"{last['dq_passed']} passed, {last['dq_failed']} failed"),
    ]
    parts = ['<h2>Overview</h2><table class="overview"><tbody>']
    for label, value in items:
        parts.append(f"<tr><th>{html.escape(label)}</th>{_cell('overview', value)}</tr>")
    parts.append("</tbody></table>")
    return parts


def _runs_table(runs: list[dict[str, Any]]) -> list[str]:
    metrics = sorted({m for run in runs for m in run["counts"]})
    parts = ["<h2>Runs</h2><table><thead><tr><th>Run date</th><th>Run id</th>"]
    parts.append("<th>Started</th><th>Loaded</th><th>Duration</th><th>DQ pass/fail</th>")
    parts += [f"<th>{html.escape(m)}</th>" for m in metrics]
    parts.append("</tr></thead><tbody>")
    for run in runs:
        parts.append(
            "<tr>"
            + _cell("run_date", run["run_date"])
            + _cell("run_id", run["run_id"])
            + _cell("started", run.get("started_local"))
            + _cell("loaded", run.get("loaded_local"))
            + _cell("duration", run.get("duration"))
            + _cell("dq", f"{run['dq_passed']}/{run['dq_failed']}")
            + "".join(_cell(m, run["counts"].get(m)) for m in metrics)
            + "</tr>"
        )
    parts.append("</tbody></table>")
    return parts


def _per_source_table(per_source: dict[str, dict[str, int]]) -> list[str]:
    """Last run's counts per source; the run-total ('*') rows are not among them."""
    if not per_source:
        return []
    metrics = sorted({m for counts in per_source.values() for m in counts})
    parts = ["<h2>Last run per source</h2><table><thead><tr><th>Source</th>"]
    parts += [f"<th>{html.escape(m)}</th>" for m in metrics]
    parts.append("</tr></thead><tbody>")
    for source_id in sorted(per_source):
        counts = per_source[source_id]
        parts.append(
            "<tr>"
            + _cell("source_id", source_id)
            + "".join(_cell(m, counts.get(m)) for m in metrics)
            + "</tr>"
        )
    parts.append("</tbody></table>")
    return parts


def render_page(report: dict[str, Any]) -> str:
    """The health page as one HTML document (no external assets, safe for RTL names)."""
    parts = [
        '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8">',
        "<title>Akhbar pipeline health</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Akhbar pipeline health</h1>",
    ]
    if report["status"] == "no_runs":
        parts.append(
            "<p><strong>No runs yet.</strong> The warehouse has not been loaded; "
            "trigger the <code>akhbar_daily</code> DAG and refresh this page.</p>"
        )
    else:
        parts.append(
            f'<p class="muted">Read from <code>{html.escape(str(report["database"]))}</code>. '
            "Times are the server's local time. A source whose feed answered "
            "<em>not modified (304)</em> has not changed since its last poll; its entries "
            "that were never loaded before are counted as <em>not yet loaded</em>.</p>"
        )
        parts += _overview(report)
        parts.append("<h2>Sources</h2><table><thead><tr>")
        parts += [f"<th>{html.escape(label)}</th>" for _, label in SOURCE_COLUMNS]
        parts.append("</tr></thead><tbody>")
        for row in map(_source_row, report["sources"]):
            parts.append(
                "<tr>" + "".join(_cell(k, row.get(k)) for k, _ in SOURCE_COLUMNS) + "</tr>"
            )
        parts.append("</tbody></table>")
        parts += _runs_table(report["runs"])
        parts += _per_source_table(report.get("per_source") or {})
    parts.append("</body></html>")
    return "".join(parts)


def create_app() -> FastAPI:
    """The FastAPI sub-application mounted at :data:`URL_PREFIX`."""
    app = FastAPI(title="Akhbar pipeline health", docs_url=None, redoc_url=None)

    @app.get("/", response_class=HTMLResponse)
    def page(limit: int = 7) -> HTMLResponse:
        return HTMLResponse(render_page(_report(limit)))

    @app.get("/api/health")
    def api_health(limit: int = 7) -> JSONResponse:
        return JSONResponse(_report(limit))

    return app


class AkhbarHealthPlugin(AirflowPlugin):
    """Registers the health app and its menu entry."""

    name = "akhbar_health"
    fastapi_apps = [  # noqa: RUF012 - AirflowPlugin declares these as class attributes
        {"app": create_app(), "url_prefix": URL_PREFIX, "name": "Akhbar pipeline health"}
    ]
    external_views = [  # noqa: RUF012
        {
            "name": "Akhbar health",
            "href": f"{URL_PREFIX}/",
            "destination": "nav",
            "category": "browse",
            "url_route": "akhbar-health",
        }
    ]
