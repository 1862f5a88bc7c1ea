"""GX Data Docs (static HTML) from the validation results the gates saved.

Gates run in separate task processes, so each writes its GX validation result
as JSON under ``<results_dir>/validations/<run_date>/<suite>.json``. This
module loads them into an ephemeral GX context whose Data Docs site writes to
``<results_dir>/data_docs/`` and renders the site.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)

SITE_NAME = "akhbar_local"


def build_data_docs(results_dir: Path) -> Path:
    """Render every saved validation result; return ``<results_dir>/data_docs/index.html``."""
    from akhbar.quality.gate import _quiet, _runtime

    _quiet()
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    results_dir = Path(results_dir)
    site_dir = results_dir / "data_docs"
    site_dir.mkdir(parents=True, exist_ok=True)
    ctx = _runtime().context
    site_config = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(site_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    sites = ctx.list_data_docs_sites()
    if SITE_NAME in sites:
        ctx.update_data_docs_site(SITE_NAME, site_config)
    else:
        ctx.add_data_docs_site(SITE_NAME, site_config)

    schema = ExpectationSuiteValidationResultSchema()
    store = ctx.validation_results_store
    for old_key in list(store.list_keys()):  # the cached context may hold another dir's results
        store.remove_key(old_key)
    loaded = 0
    for path in sorted((results_dir / "validations").glob("*/*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            result: ExpectationSuiteValidationResult = schema.load(data)
        except Exception as exc:  # a broken file must not stop the rest of the site
            log.warning("skipping unreadable validation result %s: %s", path, exc)
            continue
        run_date = path.parent.name
        suite_name = result.suite_name or path.stem
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
            run_id=RunIdentifier(run_name=run_date, run_time=f"{run_date}T00:00:00+00:00"),
            batch_identifier=path.stem,
        )
        store.set(key, result)
        loaded += 1
    ctx.build_data_docs(site_names=[SITE_NAME])
    index = site_dir / "index.html"
    if not index.exists():
        raise RuntimeError(f"GX Data Docs did not write {index}")
    log.info("data docs: %d validation results rendered into %s", loaded, index)
    return index
