"""Great Expectations at run time: one ephemeral context per process, suites built
once, a pandas frame validated against a suite, the result saved as JSON.

GX is imported lazily (about 6 s). Every validation is of a pandas DataFrame: GX's
SQL path does not work on DuckDB. Each result is also written as JSON under
``<results_dir>/validations/<run_date>/`` for :func:`akhbar.quality.docs.build_data_docs`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from akhbar.quality import suites

log = logging.getLogger(__name__)


def quiet() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    for name in _GX_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


# GX loggers that log routine INFO lines; ``data_context.types.base`` sets its own level to
# INFO at import and logs "Created temporary directory ... for ephemeral docs site" for
# every ephemeral context, so it is named explicitly (a parent's level does not override it).
_GX_LOGGERS = (
    "great_expectations",
    "great_expectations.core",
    "great_expectations.datasource",
    "great_expectations.data_context.types.base",
)


@dataclass
class _Runtime:
    context: Any
    datasource: Any
    batch_defs: dict[str, Any]
    suites: dict[str, Any]


@functools.lru_cache(maxsize=1)
def runtime() -> _Runtime:
    quiet()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    quiet()  # again: importing GX may reset its loggers
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    datasource = context.data_sources.add_pandas("akhbar")
    return _Runtime(context, datasource, {}, {})


def warm_up() -> None:
    """Import GX and build its context now (a process that forks task processes
    calls this once, see :mod:`akhbar.pipeline.warm`)."""
    runtime()


def suite_for(name: str, rules: Sequence[suites.Rule]) -> tuple[Any, Any]:
    """(batch definition, suite) for one suite name, created once per process."""
    rt = runtime()
    if name not in rt.suites:
        import great_expectations as gx
        import great_expectations.expectations as gxe

        asset = rt.datasource.add_dataframe_asset(name)
        rt.batch_defs[name] = asset.add_batch_definition_whole_dataframe(f"{name}_whole")
        suite = gx.ExpectationSuite(name=f"akhbar_{name}", notes=suites.suite_notes(rules))
        for r in rules:
            cls = getattr(gxe, r.expectation)
            extra: dict[str, Any] = {"column": r.column} if r.column else {}
            if r.description:
                extra["description"] = r.description
            suite.add_expectation(cls(meta={"rule": r.rule, "notes": r.notes}, **extra, **r.kwargs))
        rt.suites[name] = rt.context.suites.add(suite)
    return rt.batch_defs[name], rt.suites[name]


def _columns_of(kwargs: Mapping[str, Any]) -> str:
    """The column(s) an expectation reads, for dq_result.column_name."""
    if kwargs.get("column"):
        return str(kwargs["column"])
    if kwargs.get("column_list"):
        return ",".join(kwargs["column_list"])
    return ",".join(str(kwargs[k]) for k in ("column_A", "column_B") if kwargs.get(k))


def _index_list(raw: Sequence[Any]) -> list[int]:
    """GX's unexpected_index_list: ints for column maps, dicts for multi-column ones."""
    out = []
    for item in raw:
        if isinstance(item, Mapping):
            item = item.get("index", next(iter(item.values()), None))
        if item is not None:
            out.append(int(item))
    return out


@dataclass
class Outcome:
    rule: str
    expectation: str
    column: str
    success: bool
    observed: str
    unexpected_count: int
    element_count: int
    unexpected_index: list[int]
    error: str | None = None


def run_suite(
    name: str,
    rules: Sequence[suites.Rule],
    frame: pd.DataFrame,
    *,
    run_date: dt.date,
    results_dir: Path | None,
    source: str | None = None,
) -> list[Outcome]:
    batch_def, suite = suite_for(name, rules)
    batch = batch_def.get_batch(batch_parameters={"dataframe": frame})
    res = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    if results_dir is not None:
        _persist(res, name, run_date, results_dir, source=source)
    outcomes = []
    for er in res.results:
        cfg = er.expectation_config
        result = er.result or {}
        exc = er.exception_info or {}
        error = None
        if isinstance(exc, dict) and exc.get("raised_exception"):
            error = str(exc.get("exception_message"))
        idx = _index_list(result.get("unexpected_index_list") or [])
        unexpected = int(result.get("unexpected_count") or 0)
        element = int(result.get("element_count") or len(frame))
        if "observed_value" in result:
            observed = str(result["observed_value"])
        elif error:
            observed = f"error: {error}"[:500]
        else:
            sample = result.get("partial_unexpected_list") or []
            observed = f"{unexpected}/{element} unexpected"
            if sample:
                observed += f"; e.g. {[str(v)[:60] for v in sample[:3]]}"
        outcomes.append(
            Outcome(
                rule=(cfg.meta or {}).get("rule", cfg.type),
                expectation=cfg.type,
                column=_columns_of(cfg.kwargs),
                success=bool(er.success),
                observed=observed,
                unexpected_count=unexpected,
                element_count=element,
                unexpected_index=idx,
                error=error,
            )
        )
    return outcomes


def default_results_dir() -> Path:
    """Where validation results (and Data Docs) live: ``<data_dir>/quality``."""
    from akhbar.config import load_settings

    return load_settings().data_dir / "quality"


def result_file(results_dir: Path, run_date: dt.date, name: str, source: str | None) -> Path:
    """``validations/<run_date>/<suite>[__<source>].json``: one file per gate call, so the
    mapped per-source gates of one stage do not overwrite each other."""
    stem = f"{name}__{source}" if source else name
    return Path(results_dir) / "validations" / run_date.isoformat() / f"{stem}.json"


def _persist(
    res: Any, name: str, run_date: dt.date, results_dir: Path, *, source: str | None = None
) -> None:
    """Write the GX validation result as JSON (full unexpected lists stripped).

    The run is named ``<run_date> <source>`` and the data asset is the suite's stage, so the
    Data Docs show both instead of GX's "__none__" / "None" for in-memory batches.
    """
    try:
        data = res.to_json_dict()
        for r in data.get("results", []):
            for key in ("unexpected_list", "unexpected_index_list", "unexpected_index_query"):
                (r.get("result") or {}).pop(key, None)
        meta = data.setdefault("meta", {})
        meta["run_id"] = {
            "run_name": f"{run_date.isoformat()} {source or 'all sources'}",
            "run_time": dt.datetime.now(dt.UTC).isoformat(),
        }
        spec = meta.get("batch_spec") if isinstance(meta.get("batch_spec"), dict) else {}
        meta["batch_spec"] = {**spec, "data_asset_name": name, "datasource": "akhbar"}
        meta["akhbar_source"] = source
        target = result_file(results_dir, run_date, name, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:  # docs are a by-product; never fail the gate on them
        log.warning("could not persist validation result %s: %s", name, exc)
