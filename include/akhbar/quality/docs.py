"""GX Data Docs (static HTML) from the validation results the gates saved.

Gates run in separate task processes, so each writes its GX validation result
as JSON under ``<results_dir>/validations/<run_date>/<suite>[__<source>].json``.
This module registers every suite (so the expectation pages exist even though
no gate ran in this process), loads the results into an ephemeral GX context
whose Data Docs site writes to ``<results_dir>/data_docs/``, renders the site,
and then makes it work offline: GX's pages pull bootstrap, jQuery and
bootstrap-table from CDNs (GX ships none of them), so every remote
``<link>``/``<script>`` is removed and ``index.html`` is replaced by a static
page of plain tables (suites, validation runs) that needs no JavaScript.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

log = logging.getLogger(__name__)

SITE_NAME = "akhbar_local"
OFFLINE_CSS = "static/styles/akhbar_offline.css"
_GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"

# <link ... href="https://..."> and <script src="https://..."></script> (GX templates)
_REMOTE_TAG = re.compile(
    r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>|"
    r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>",
    re.IGNORECASE,
)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans Arabic",sans-serif;margin:1.5rem;color:#1f2328}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;font-size:0.9rem}
th,td{border:1px solid #d0d7de;padding:0.3rem 0.6rem;text-align:start;vertical-align:top}
th{background:#f6f8fa}
.num{text-align:end;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
.collapse:not(.show){display:block}
nav.sticky-top{height:auto!important;display:flex;align-items:center;gap:1rem;position:static}
.breadcrumb{display:flex!important;list-style:none;gap:0.4rem;margin:0;padding:0}
.breadcrumb-item+.breadcrumb-item::before{content:"/ "}
footer{display:none}
"""


@dataclass
class _Run:
    """One validation result shown in the index."""

    run_name: str
    run_date: str
    suite: str
    asset: str
    success: bool
    evaluated: int
    failed: int
    href: str


def _register_suites() -> list[str]:
    """Add every stage and warehouse suite to the cached GX context; return their names."""
    from akhbar.quality import suites
    from akhbar.quality.gx import suite_for

    names = []
    for stage, rules in suites.SUITES.items():
        suite_for(stage, rules)
        names.append(f"akhbar_{stage}")
    for check in suites.WAREHOUSE_CHECKS:
        suite_for(f"warehouse_{check.name}", check.rules)
        names.append(f"akhbar_warehouse_{check.name}")
    suite_for("warehouse_volume", suites.WAREHOUSE_VOLUME_RULES)
    names.append("akhbar_warehouse_volume")
    return names


def _configure_site(ctx: Any, site_dir: Path) -> None:
    site_config = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(site_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    if SITE_NAME in ctx.list_data_docs_sites():
        ctx.update_data_docs_site(SITE_NAME, site_config)
    else:
        ctx.add_data_docs_site(SITE_NAME, site_config)


def _run_identity(data: dict[str, Any], path: Path) -> tuple[str, str]:
    """(run name, run time) of a saved result: ``<run_date> <source>`` when the gate named it."""
    run_date = path.parent.name
    run_id = (data.get("meta") or {}).get("run_id")
    if isinstance(run_id, dict) and run_id.get("run_name"):
        return str(run_id["run_name"]), str(run_id.get("run_time") or f"{run_date}T00:00:00+00:00")
    source = path.stem.split("__", 1)[1] if "__" in path.stem else "all sources"
    return f"{run_date} {source}", f"{run_date}T00:00:00+00:00"


def _load_results(ctx: Any, results_dir: Path, site_dir: Path) -> list[_Run]:
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    schema = ExpectationSuiteValidationResultSchema()
    store = ctx.validation_results_store
    for old_key in list(store.list_keys()):  # the cached context may hold another dir's results
        store.remove_key(old_key)
    runs: list[_Run] = []
    for path in sorted((results_dir / "validations").glob("*/*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            run_name, run_time = _run_identity(data, path)
            asset = path.stem.split("__", 1)[0]
            meta = data.setdefault("meta", {})
            meta["run_id"] = {"run_name": run_name, "run_time": run_time}
            spec = meta.get("batch_spec") if isinstance(meta.get("batch_spec"), dict) else {}
            meta["batch_spec"] = {"data_asset_name": asset, **spec}
            result = schema.load(data)
        except Exception as exc:  # a broken file must not stop the rest of the site
            log.warning("skipping unreadable validation result %s: %s", path, exc)
            continue
        suite_name = result.suite_name or f"akhbar_{asset}"
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
            run_id=RunIdentifier(run_name=run_name, run_time=run_time),
            batch_identifier=path.stem,
        )
        store.set(key, result)
        stats = result.statistics or {}
        parts = ["validations", *[str(p) for p in key.to_tuple()]]
        runs.append(
            _Run(
                run_name=run_name,
                run_date=path.parent.name,
                suite=suite_name,
                asset=meta["batch_spec"]["data_asset_name"],
                success=bool(result.success),
                evaluated=int(stats.get("evaluated_expectations") or 0),
                failed=int(stats.get("unsuccessful_expectations") or 0),
                href="/".join(quote(p) for p in parts) + ".html",
            )
        )
    return runs


def _offline(site_dir: Path) -> None:
    """Drop remote CSS/JS from every GX page and link the local stylesheet instead."""
    css = site_dir / OFFLINE_CSS
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(_CSS, encoding="utf-8")
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rel = "../" * (len(page.relative_to(site_dir).parts) - 1)
        local = f'<link rel="stylesheet" href="{rel}{OFFLINE_CSS}">'
        stripped, n = _REMOTE_TAG.subn("", text)
        stripped = stripped.replace(_GX_ASSETS, f"{rel}static/images/")  # GX ships the logos
        if n:
            stripped = stripped.replace("</head>", f"{local}</head>", 1)
        if stripped != text:
            page.write_text(stripped, encoding="utf-8")


def _index_html(suites: list[tuple[str, int, bool]], runs: list[_Run]) -> str:
    esc = html.escape
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        "<title>Akhbar data quality</title>",
        f'<link rel="stylesheet" href="{OFFLINE_CSS}"></head><body>',
        "<h1>Akhbar data quality (Great Expectations Data Docs)</h1>",
        f"<p>Built {esc(dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC'))}. "
        "Every page here works offline.</p>",
        '<h2>Validation runs</h2><table id="validations"><thead><tr><th>Run</th>'
        "<th>Suite</th><th>Data asset</th><th>Status</th><th>Expectations</th>"
        "<th>Failed</th></tr></thead><tbody>",
    ]
    for r in sorted(runs, key=lambda r: (r.run_date, r.run_name, r.suite), reverse=True):
        status = '<td class="ok">passed</td>' if r.success else '<td class="fail">failed</td>'
        parts.append(
            f'<tr><td><a href="{esc(r.href)}">{esc(r.run_name)}</a></td><td>{esc(r.suite)}</td>'
            f"<td>{esc(r.asset)}</td>{status}<td class=num>{r.evaluated}</td>"
            f"<td class=num>{r.failed}</td></tr>"
        )
    parts.append(
        '</tbody></table><h2>Expectation suites</h2><table id="suites"><thead><tr>'
        "<th>Suite</th><th>Expectations</th></tr></thead><tbody>"
    )
    for name, n, exists in suites:
        cell = f'<a href="expectations/{esc(name)}.html">{esc(name)}</a>' if exists else esc(name)
        parts.append(f"<tr><td>{cell}</td><td class=num>{n}</td></tr>")
    parts.append("</tbody></table></body></html>")
    return "".join(parts)


def build_data_docs(results_dir: Path) -> Path:
    """Render every saved validation result; return ``<results_dir>/data_docs/index.html``."""
    from akhbar.quality.gx import quiet, runtime

    quiet()
    results_dir = Path(results_dir)
    site_dir = results_dir / "data_docs"
    site_dir.mkdir(parents=True, exist_ok=True)
    gx_runtime = runtime()
    ctx = gx_runtime.context
    _configure_site(ctx, site_dir)
    names = _register_suites()
    runs = _load_results(ctx, results_dir, site_dir)
    ctx.build_data_docs(site_names=[SITE_NAME])
    _offline(site_dir)
    counts = {s.name: len(s.expectations) for s in gx_runtime.suites.values()}
    suites = [
        (n, counts.get(n, 0), (site_dir / "expectations" / f"{n}.html").is_file()) for n in names
    ]
    index = site_dir / "index.html"
    index.write_text(_index_html(suites, runs), encoding="utf-8")
    missing = [r.href for r in runs if not (site_dir / unquote(r.href)).is_file()]
    if missing:
        log.warning("data docs: %d validation pages missing, e.g. %s", len(missing), missing[0])
    log.info("data docs: %d suites, %d validation results in %s", len(suites), len(runs), index)
    return index
