"""Quality gates: validate a stage's DataFrame with Great Expectations, split it.

``validate_stage`` returns the rows that passed every row-level rule (``good``),
one quarantine row per failing record (``quarantined``, first failing rule as
``rule``, every failure in ``detail``, the whole record as JSON in ``payload``),
one ``dq_result`` row per expectation, and batch-level failures (an empty run,
a source where most rows fail, a volume collapse) that the caller turns into
:class:`BatchGateError`.

GX is imported lazily (about 6 s) and its context, suites and batch definitions
are built once per process. Every validation is of a pandas DataFrame: GX's SQL
path does not work on DuckDB. Each validation result is also written as JSON
under ``<results_dir>/validations/<run_date>/`` for :func:`akhbar.quality.docs.build_data_docs`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from akhbar.arabic.normalize import arabic_share, clean_text
from akhbar.quality import suites as S
from akhbar.quality.quarantine import QUARANTINE_COLUMNS, row_payload
from akhbar.sqlfiles import sql

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

DQ_COLUMNS = [
    "run_date",
    "stage",
    "suite",
    "expectation",
    "column_name",
    "success",
    "observed_value",
    "unexpected_count",
    "element_count",
]

# Columns each stage's rules read (missing ones are a batch failure and treated as null).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "entries": ("source_id", "entry_id", "url", "title", "published_at"),
    "pages": ("source_id", "article_id", "http_status", "content_type"),
    "articles": ("source_id", "article_id", "title", "body_text", "published_at"),
    "mentions": ("article_id", "mention_idx", "text", "type", "start", "end"),
    "quotes": ("article_id", "quote_idx", "kind", "speaker", "text", "start", "end"),
    "dates": ("article_id", "mention_idx", "text", "start", "end"),
}


@dataclass
class GateResult:
    stage: str
    good: pd.DataFrame
    quarantined: pd.DataFrame
    dq_rows: pd.DataFrame
    batch_failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.batch_failures

    def raise_for_batch(self) -> None:
        """Raise :class:`BatchGateError` when the batch failed."""
        if self.batch_failures:
            raise BatchGateError(self.stage, self.batch_failures)


class BatchGateError(RuntimeError):
    """A batch-level rule failed: nothing of the batch may be loaded."""

    def __init__(self, stage: str, failures: Sequence[str]) -> None:
        self.stage = stage
        self.failures = list(failures)
        lines = "\n".join(f"  - {f}" for f in self.failures)
        super().__init__(f"quality gate '{stage}' failed:\n{lines}")


# --------------------------------------------------------------------------- GX runtime


def _quiet() -> None:
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
def _runtime() -> _Runtime:
    _quiet()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    _quiet()  # again: importing GX may reset its loggers
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    datasource = context.data_sources.add_pandas("akhbar")
    return _Runtime(context, datasource, {}, {})


def warm_up() -> None:
    """Import GX and build its context now (a process that forks task processes
    calls this once, see :mod:`akhbar.pipeline.warm`)."""
    _runtime()


def _suite_for(name: str, rules: Sequence[S.Rule]) -> tuple[Any, Any]:
    """(batch definition, suite) for one suite name, created once per process."""
    rt = _runtime()
    if name not in rt.suites:
        import great_expectations as gx
        import great_expectations.expectations as gxe

        asset = rt.datasource.add_dataframe_asset(name)
        rt.batch_defs[name] = asset.add_batch_definition_whole_dataframe(f"{name}_whole")
        suite = gx.ExpectationSuite(name=f"akhbar_{name}", notes=S.suite_notes(rules))
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
class _Outcome:
    rule: str
    expectation: str
    column: str
    success: bool
    observed: str
    unexpected_count: int
    element_count: int
    unexpected_index: list[int]
    error: str | None = None


def _run_suite(
    name: str,
    rules: Sequence[S.Rule],
    frame: pd.DataFrame,
    *,
    run_date: dt.date,
    results_dir: Path | None,
    source: str | None = None,
) -> list[_Outcome]:
    batch_def, suite = _suite_for(name, rules)
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
            _Outcome(
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


# --------------------------------------------------------------------------- derived checks


def _ts(series: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format" on junk
        return pd.to_datetime(series, utc=True, errors="coerce")


def _str_or_none(v: Any) -> str | None:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _has_text(v: Any) -> bool:
    s = _str_or_none(v)
    return bool(s) and any(ch.isalnum() for ch in clean_text(s))


def _int_or_none(v: Any) -> int | None:
    try:
        if v is None or pd.isna(v):
            return None
        return int(v)
    except (TypeError, ValueError):
        return None


Details = dict[str, list[str]]  # chk column -> per-row detail text


def _first_duplicate_flags(keys: pd.Series) -> tuple[list[bool], list[str]]:
    dup = keys.duplicated(keep="first") & keys.notna()
    ok = [not d for d in dup.tolist()]
    detail = [
        f"duplicate of an earlier row with key {k!r}" if d else ""
        for k, d in zip(keys, dup, strict=True)
    ]
    return ok, detail


def _dates_checks(
    frame: pd.DataFrame, df: pd.DataFrame, now: dt.datetime, details: Details, *, too_old: bool
) -> None:
    pub = _ts(df["published_at"]) if "published_at" in df else pd.Series(pd.NaT, index=df.index)
    limit = pd.Timestamp(now) + pd.Timedelta(days=S.FUTURE_TOLERANCE_DAYS)
    future = (pub > limit).fillna(False).tolist()
    frame["chk_published_in_future"] = [not f for f in future]
    details["chk_published_in_future"] = [
        f"published_at {p.isoformat()} after now+{S.FUTURE_TOLERANCE_DAYS}d ({limit.isoformat()})"
        if f
        else ""
        for p, f in zip(pub, future, strict=True)
    ]
    if too_old:
        floor = pd.Timestamp(dt.datetime(S.MIN_PUBLISHED_YEAR, 1, 1, tzinfo=dt.UTC))
        old = (pub < floor).fillna(False).tolist()
        frame["chk_published_too_old"] = [not o for o in old]
        details["chk_published_too_old"] = [
            f"published_at {p.isoformat()} before {S.MIN_PUBLISHED_YEAR}" if o else ""
            for p, o in zip(pub, old, strict=True)
        ]


def _derive_entries(df: pd.DataFrame, frame: pd.DataFrame, ctx: _Ctx, details: Details) -> None:
    key = df["entry_id"].where(df["entry_id"].notna(), df["url"])
    composite = df["source_id"].astype("string").fillna("") + "\x1f" + key.astype("string")
    composite = composite.where(key.notna(), None)
    frame["chk_duplicate_entry_id"], details["chk_duplicate_entry_id"] = _first_duplicate_flags(
        pd.Series(composite)
    )
    frame["chk_title_missing"] = [_has_text(t) for t in df["title"]]
    details["chk_title_missing"] = [
        "" if ok else f"title {_str_or_none(t)!r} has no letters"
        for t, ok in zip(df["title"], frame["chk_title_missing"], strict=True)
    ]
    raw = df["raw_published"] if "raw_published" in df else pd.Series([None] * len(df))
    pub = _ts(df["published_at"])
    bad = [
        bool(_str_or_none(r) and str(r).strip()) and pd.isna(p)
        for r, p in zip(raw, pub, strict=True)
    ]
    frame["chk_published_unparseable"] = [not b for b in bad]
    details["chk_published_unparseable"] = [
        f"raw_published {_str_or_none(r)!r} not parsed" if b else ""
        for r, b in zip(raw, bad, strict=True)
    ]
    _dates_checks(frame, df, ctx.now, details, too_old=False)


def _derive_pages(df: pd.DataFrame, frame: pd.DataFrame, ctx: _Ctx, details: Details) -> None:
    sizes = []
    bodies = df["body"] if "body" in df else pd.Series([None] * len(df))
    declared = df["bytes"] if "bytes" in df else pd.Series([None] * len(df))
    for body, n in zip(bodies, declared, strict=True):
        if isinstance(body, bytes | bytearray | memoryview):
            sizes.append(len(body))
        else:
            sizes.append(_int_or_none(n) or 0)
    frame["chk_size"] = sizes
    details["chk_size"] = [
        ""
        if S.MIN_PAGE_BYTES <= s <= S.MAX_PAGE_BYTES
        else f"{s} bytes outside [{S.MIN_PAGE_BYTES}, {S.MAX_PAGE_BYTES}]"
        for s in sizes
    ]


def _derive_articles(df: pd.DataFrame, frame: pd.DataFrame, ctx: _Ctx, details: Details) -> None:
    frame["chk_duplicate_article_id"], details["chk_duplicate_article_id"] = _first_duplicate_flags(
        df["article_id"]
    )
    bodies = [_str_or_none(b) or "" for b in df["body_text"]]
    lengths = [len(clean_text(b)) for b in bodies]
    frame["cleaned_body_chars"] = lengths
    details["cleaned_body_chars"] = [
        "" if n >= S.MIN_BODY_CHARS else f"body has {n} chars < {S.MIN_BODY_CHARS}" for n in lengths
    ]
    langs = df["language"] if "language" in df else pd.Series([None] * len(df))
    shares_in = df["arabic_share"] if "arabic_share" in df else pd.Series([None] * len(df))
    ok, det, checked = [], [], []
    for lang, share, body in zip(langs, shares_in, bodies, strict=True):
        code = (_str_or_none(lang) or "").strip().lower().split("-")[0]
        try:
            s = float(share) if not pd.isna(share) else arabic_share(body)
        except (TypeError, ValueError):
            s = arabic_share(body)
        if code and code not in S.ARABIC_LANGUAGES:
            ok.append(True)  # non-Arabic articles are kept, flagged by `language`
            det.append("")
            checked.append(None)  # null: the between expectation skips it
        else:
            checked.append(s)
            ok.append(s >= S.MIN_ARABIC_SHARE)
            det.append(
                ""
                if ok[-1]
                else f"arabic_share {s:.2f} < {S.MIN_ARABIC_SHARE} (language {code or 'unset'})"
            )
    frame["arabic_share_checked"] = checked
    details["arabic_share_checked"] = det
    frame["chk_title_missing"] = [_has_text(t) for t in df["title"]]
    details["chk_title_missing"] = [
        "" if ok else f"title {_str_or_none(t)!r} has no letters"
        for t, ok in zip(df["title"], frame["chk_title_missing"], strict=True)
    ]
    _dates_checks(frame, df, ctx.now, details, too_old=True)


def _derive_spans(
    df: pd.DataFrame, frame: pd.DataFrame, ctx: _Ctx, details: Details, *, match_text: bool
) -> None:
    known, inside, matches = [], [], []
    d_known, d_inside, d_match = [], [], []
    for aid, start, end, text in zip(
        df["article_id"], df["start"], df["end"], df["text"], strict=True
    ):
        s, e = _int_or_none(start), _int_or_none(end)
        body = None if ctx.bodies is None else ctx.bodies.get(_str_or_none(aid) or "")
        is_known = ctx.bodies is None or body is not None
        known.append(is_known)
        d_known.append("" if is_known else f"no body for article_id {aid!r} in this run")
        n = len(body) if body is not None else None
        ok_span = s is not None and e is not None and 0 <= s < e and (n is None or e <= n)
        inside.append(ok_span or not is_known)
        d_inside.append("" if inside[-1] else f"span [{s}, {e}) outside body of {n} chars")
        ok_text = True
        if match_text and body is not None and ok_span:
            ok_text = body[s:e] == (_str_or_none(text) or "")
        matches.append(ok_text)
        d_match.append(
            ""
            if ok_text
            else f"text {_str_or_none(text)!r} != body[{s}:{e}] {body[s:e]!r}"[:300]
            if body
            else ""
        )
    frame["chk_article_unknown"], details["chk_article_unknown"] = known, d_known
    frame["chk_span_outside_body"], details["chk_span_outside_body"] = inside, d_inside
    if match_text:
        frame["chk_span_text_mismatch"], details["chk_span_text_mismatch"] = matches, d_match


def _derive_mentions(df: pd.DataFrame, frame: pd.DataFrame, ctx: _Ctx, details: Details) -> None:
    _derive_spans(df, frame, ctx, details, match_text=True)


def _derive_quotes(df: pd.DataFrame, frame: pd.DataFrame, ctx: _Ctx, details: Details) -> None:
    _derive_spans(df, frame, ctx, details, match_text=False)
    frame["chk_speaker_missing"] = [_has_text(s) for s in df["speaker"]]
    details["chk_speaker_missing"] = [
        "" if ok else "quote has no speaker" for ok in frame["chk_speaker_missing"]
    ]
    frame["chk_quote_text_missing"] = [_has_text(t) for t in df["text"]]
    details["chk_quote_text_missing"] = [
        "" if ok else "quote text empty" for ok in frame["chk_quote_text_missing"]
    ]


def _derive_dates(df: pd.DataFrame, frame: pd.DataFrame, ctx: _Ctx, details: Details) -> None:
    _derive_spans(df, frame, ctx, details, match_text=False)


@dataclass
class _Ctx:
    now: dt.datetime
    bodies: Mapping[str, str] | None


_DERIVE: dict[str, Callable[[pd.DataFrame, pd.DataFrame, _Ctx, Details], None]] = {
    "entries": _derive_entries,
    "pages": _derive_pages,
    "articles": _derive_articles,
    "mentions": _derive_mentions,
    "quotes": _derive_quotes,
    "dates": _derive_dates,
}


# --------------------------------------------------------------------------- stage gate


def _record_keys(stage: str, df: pd.DataFrame) -> list[str]:
    cols = [c for c in S.RECORD_KEY[stage] if c in df.columns]
    keys = []
    for i, row in (
        enumerate(df[cols].itertuples(index=False)) if cols else enumerate([()] * len(df))
    ):
        parts = [_str_or_none(v) for v in row]
        if stage == "entries" and (len(parts) < 2 or parts[1] is None) and "url" in df:
            parts = [parts[0] if parts else None, _str_or_none(df["url"].iat[i])]
        keys.append("|".join(p or "" for p in parts) if any(parts) else f"row{i}")
    return keys


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS})


def _dq_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=DQ_COLUMNS)
    return df.astype({"success": "bool", "unexpected_count": "int64", "element_count": "int64"})


def _single_source(df: pd.DataFrame) -> str | None:
    if "source_id" not in df.columns:
        return None
    found = {s for s in df["source_id"].dropna().astype(str).unique()}
    return found.pop() if len(found) == 1 else None


def _source_ids(df: pd.DataFrame) -> list[str]:
    if "source_id" in df.columns:
        return [_str_or_none(s) or "(none)" for s in df["source_id"]]
    return ["(all sources)"] * len(df)


def _batch_share_failures(
    stage: str,
    sources: list[str],
    primary: dict[int, str],
    rule_desc: dict[str, str],
    passed_elsewhere: Mapping[str, int] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    failures, stats = [], []
    # Rows of the source that legitimately bypassed this gate (e.g. pages whose
    # article falls back to the feed's text) count as good rows of the batch.
    counts: dict[str, int] = {src: n for src, n in (passed_elsewhere or {}).items() if n}
    bad: dict[str, dict[str, int]] = {}
    for i, src in enumerate(sources):
        counts[src] = counts.get(src, 0) + 1
        if i in primary:
            bad.setdefault(src, {})
            bad[src][primary[i]] = bad[src].get(primary[i], 0) + 1
    for src in sorted(counts):
        n, by_rule = counts[src], bad.get(src, {})
        n_bad = sum(by_rule.values())
        share = n_bad / n
        failed = n >= S.MIN_ROWS_FOR_SHARE and share > S.MAX_FAILED_SHARE
        stats.append({"source": src, "n": n, "bad": n_bad, "failed": failed, "share": share})
        if failed:
            rule = max(by_rule, key=lambda r: (by_rule[r], r))
            failures.append(
                f"source {src}: {share:.0%} of {stage} failed ({n_bad}/{n}); dominating rule "
                f"'{rule}' = {rule_desc.get(rule, rule)} ({by_rule[rule]} rows) "
                f"(batch rule: max_failed_share {S.MAX_FAILED_SHARE})"
            )
    total_bad = sum(1 for i in range(len(sources)) if i in primary)
    total = len(sources) + sum((passed_elsewhere or {}).values())
    if (
        not failures
        and len(counts) > 1
        and total >= S.MIN_ROWS_FOR_SHARE
        and total_bad / total > S.MAX_FAILED_SHARE
    ):
        by_rule_all: dict[str, int] = {}
        for r in primary.values():
            by_rule_all[r] = by_rule_all.get(r, 0) + 1
        rule = max(by_rule_all, key=lambda r: (by_rule_all[r], r))
        share = total_bad / total
        failures.append(
            f"all sources ({len(counts)}): {share:.0%} of {stage} failed "
            f"({total_bad}/{total}); dominating rule '{rule}' = "
            f"{rule_desc.get(rule, rule)} ({by_rule_all[rule]} rows) "
            f"(batch rule: max_failed_share {S.MAX_FAILED_SHARE})"
        )
        stats.append({"source": "*", "n": total, "bad": total_bad, "failed": True, "share": share})
    return failures, stats


def _volume_failures(
    stage: str, today: Mapping[str, int], history: pd.DataFrame | None, run_date: dt.date
) -> tuple[list[str], list[tuple[str, int, float, bool]]]:
    """Per source: today's rows vs the trailing-window average of ``history``."""
    if history is None or history.empty:
        return [], []
    missing = {"source_id", "run_date", "n"} - set(history.columns)
    if missing:
        raise ValueError(f"history needs columns source_id, run_date, n; missing {sorted(missing)}")
    h = history.copy()
    h["run_date"] = pd.to_datetime(h["run_date"], errors="coerce").dt.date
    lo = run_date - dt.timedelta(days=S.VOLUME_WINDOW_DAYS)
    h = h[(h["run_date"] >= lo) & (h["run_date"] < run_date)]
    avg = (h.groupby("source_id")["n"].sum() / S.VOLUME_WINDOW_DAYS).to_dict()
    failures, rows = [], []
    for src in sorted(set(avg) | set(today)):
        a = float(avg.get(src, 0.0))
        n = int(today.get(src, 0))
        collapsed = a >= S.VOLUME_MIN_AVG and n < S.VOLUME_MIN_RATIO * a
        rows.append((src, n, a, collapsed))
        if collapsed:
            failures.append(
                f"source {src}: {n} {stage} on {run_date} vs trailing {S.VOLUME_WINDOW_DAYS}-day "
                f"average {a:.1f} (batch rule: volume collapse, min ratio {S.VOLUME_MIN_RATIO})"
            )
    return failures, rows


def validate_stage(
    stage: str,
    df: pd.DataFrame,
    *,
    run_date: dt.date,
    bodies: Mapping[str, str] | None = None,
    history: pd.DataFrame | None = None,
    now: dt.datetime | None = None,
    polled_sources: Sequence[str] | None = None,
    results_dir: Path | None = None,
    passed_elsewhere: Mapping[str, int] | None = None,
    source_id: str | None = None,
) -> GateResult:
    """Validate one stage's batch; see the module docstring.

    ``passed_elsewhere``: per source, rows of this batch that were not given to
    the gate because they legitimately bypass it; they count as good rows in the
    batch-share rule.

    ``polled_sources``: sources whose feed poll succeeded this run; an empty batch
    with any of them is an "empty run" batch failure. ``results_dir``: where the
    GX result JSON goes (default ``<data_dir>/quality``). ``source_id``: the source this
    batch belongs to, for the run name in Data Docs (default: the frame's only source_id).
    """
    if stage not in S.SUITES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(S.STAGES)}")
    now = now or _end_of_day(run_date)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    results_dir = default_results_dir() if results_dir is None else Path(results_dir)
    rules = S.SUITES[stage]
    src = df.reset_index(drop=True)
    batch_failures: list[str] = []
    dq: list[dict[str, Any]] = []
    suite_name = f"akhbar_{stage}"

    def dq_row(
        expectation: str, column: str, success: bool, observed: str, bad: int, n: int
    ) -> None:
        dq.append(
            {
                "run_date": run_date,
                "stage": stage,
                "suite": suite_name,
                "expectation": expectation,
                "column_name": column,
                "success": success,
                "observed_value": observed,
                "unexpected_count": bad,
                "element_count": n,
            }
        )

    missing = [c for c in REQUIRED_COLUMNS[stage] if c not in src.columns]
    if missing:
        batch_failures.append(
            f"{stage}: missing column(s) {', '.join(missing)} (batch rule: schema)"
        )
    dq_row(
        "akhbar_batch_columns_present",
        ",".join(REQUIRED_COLUMNS[stage]),
        not missing,
        f"missing: {missing}" if missing else "all present",
        len(missing),
        len(REQUIRED_COLUMNS[stage]),
    )
    work = src.copy() if missing else src
    for c in missing:
        work[c] = None

    n = len(work)
    polled = sorted(set(polled_sources or []))
    empty_run = n == 0 and bool(polled)
    dq_row(
        "akhbar_batch_not_empty",
        "",
        not empty_run,
        f"{n} rows; polled ok: {len(polled)} sources",
        int(empty_run),
        n,
    )
    if empty_run:
        batch_failures.append(
            f"empty run: 0 {stage} rows although {len(polled)} source(s) were polled successfully "
            f"({', '.join(polled[:10])}) (batch rule: non-empty batch)"
        )

    # Validation frame: the columns rules read plus derived chk_* columns.
    used = sorted({c for r in rules if not r.derived for c in r.columns})
    frame = pd.DataFrame({c: work[c].astype(object).where(work[c].notna(), None) for c in used})
    details: Details = {}
    _DERIVE[stage](work, frame, _Ctx(now=now, bodies=bodies), details)

    failures_by_row: dict[int, list[tuple[str, str]]] = {}
    source = source_id or _single_source(work)
    outcomes = (
        _run_suite(stage, rules, frame, run_date=run_date, results_dir=results_dir, source=source)
        if n
        else []
    )
    rule_desc: dict[str, str] = {}
    for o in outcomes:
        desc = f"{o.expectation}({o.column})"
        rule_desc.setdefault(o.rule, desc)
        observed = o.observed
        if o.column in details and o.unexpected_index:
            example = details[o.column][o.unexpected_index[0]]
            observed = f"{o.unexpected_count}/{o.element_count} unexpected; e.g. {example}"[:500]
        dq_row(o.expectation, o.column, o.success, observed, o.unexpected_count, o.element_count)
        if o.error:
            batch_failures.append(
                f"{stage}: expectation {desc} errored: {o.error} (batch rule: gx error)"
            )
            continue
        for i in o.unexpected_index:
            if o.column in details:
                text = details[o.column][i]
            else:
                text = f"{o.column}={_str_or_none(frame[o.column].iat[i])!r}"[:300]
            failures_by_row.setdefault(i, []).append((o.rule, text))

    order = {r.rule: k for k, r in enumerate(rules)}
    primary: dict[int, str] = {}
    q_rows = []
    if failures_by_row:
        keys = _record_keys(stage, work)
        sources = _source_ids(work) if "source_id" in work else [None] * n
        for i in sorted(failures_by_row):
            fails = sorted(set(failures_by_row[i]), key=lambda f: (order.get(f[0], 99), f[1]))
            primary[i] = fails[0][0]
            q_rows.append(
                {
                    "run_date": run_date,
                    "stage": stage,
                    "source_id": sources[i],
                    "record_key": keys[i],
                    "rule": fails[0][0],
                    "detail": "; ".join(f"{r}: {t}" if t else r for r, t in fails)[:2000],
                    "payload": row_payload(src.iloc[i].to_dict()),
                }
            )
    quarantined = (
        pd.DataFrame(q_rows, columns=QUARANTINE_COLUMNS) if q_rows else _empty_quarantine()
    )
    good = src.drop(index=list(failures_by_row)).reset_index(drop=True) if failures_by_row else src

    sources_all = _source_ids(work)
    share_fail, stats = _batch_share_failures(
        stage, sources_all, primary, rule_desc, passed_elsewhere
    )
    batch_failures.extend(share_fail)
    for st in stats:
        dq_row(
            "akhbar_batch_max_failed_share",
            f"source_id={st['source']}",
            not st["failed"],
            f"{st['share']:.2f} failed (max {S.MAX_FAILED_SHARE})",
            st["bad"],
            st["n"],
        )

    today: dict[str, int] = {}
    for s in sources_all:
        today[s] = today.get(s, 0) + 1
    vol_fail, vol_rows = _volume_failures(stage, today, history, run_date)
    batch_failures.extend(vol_fail)
    for s, cnt, avg, collapsed in vol_rows:
        dq_row(
            "akhbar_batch_volume_vs_trailing_avg",
            f"source_id={s}",
            not collapsed,
            f"{cnt} today vs {avg:.1f} avg/day over {S.VOLUME_WINDOW_DAYS} days",
            int(collapsed),
            cnt,
        )

    return GateResult(
        stage=stage,
        good=good,
        quarantined=quarantined,
        dq_rows=_dq_frame(dq),
        batch_failures=batch_failures,
    )


# --------------------------------------------------------------------------- warehouse gate


def _warehouse_frame(con: duckdb.DuckDBPyConnection, query: str, run_date: dt.date) -> pd.DataFrame:
    return con.execute(query, {"run_date": run_date}).df()


def validate_warehouse(
    con: duckdb.DuckDBPyConnection, *, run_date: dt.date, results_dir: Path | None = None
) -> GateResult:
    """Referential integrity, uniqueness and volume of the loaded run (inside the load txn).

    Every violating row is reported in ``quarantined`` (stage ``warehouse``,
    ``record_key`` = ``<table>:<key>``) for the loader to remove; only a check
    that errored is a batch failure. A volume collapse is logged and recorded
    in ``dq_result``, not failed: the rows themselves are fine.
    ``good`` is the per-source row count table of ``fact_article`` for the run.
    """
    results_dir = default_results_dir() if results_dir is None else Path(results_dir)
    batch_failures: list[str] = []
    dq: list[dict[str, Any]] = []
    q_rows: list[dict[str, Any]] = []
    for check in S.WAREHOUSE_CHECKS:
        frame = _warehouse_frame(con, check.sql, run_date)
        suite = f"akhbar_warehouse_{check.name}"
        outcomes = (
            _run_suite(
                f"warehouse_{check.name}",
                check.rules,
                frame,
                run_date=run_date,
                results_dir=results_dir,
            )
            if len(frame)
            else []
        )
        for o in outcomes:
            dq.append(
                {
                    "run_date": run_date,
                    "stage": "warehouse",
                    "suite": suite,
                    "expectation": o.expectation,
                    "column_name": f"{check.table}.{o.column}",
                    "success": o.success,
                    "observed_value": o.observed,
                    "unexpected_count": o.unexpected_count,
                    "element_count": o.element_count,
                }
            )
            if o.error:
                batch_failures.append(
                    f"warehouse {check.table}: {o.expectation} errored: {o.error}"
                )
                continue
            if o.success:
                continue
            # Row-level: the rows are quarantined (and removed by the loader);
            # the rest of the run still loads.
            for i in o.unexpected_index:
                row = frame.iloc[i].to_dict()
                q_rows.append(
                    {
                        "run_date": run_date,
                        "stage": "warehouse",
                        "source_id": _str_or_none(row.get("source_id")),
                        "record_key": f"{check.table}:{row['record_key']}",
                        "rule": o.rule,
                        "detail": f"{check.table}: {next((r.notes for r in check.rules if r.rule == o.rule), o.rule)}",
                        "payload": row_payload(row),
                    }
                )

    # Volume: fact_article rows per source for run_date vs the trailing window.
    lo = run_date - dt.timedelta(days=S.VOLUME_WINDOW_DAYS)
    hist = con.execute(
        sql("quality/warehouse_volume_history"), {"since": lo, "run_date": run_date}
    ).df()
    enabled = [r[0] for r in con.execute(sql("quality/enabled_sources")).fetchall()]
    hist["run_date"] = pd.to_datetime(hist["run_date"]).dt.date
    today_df = hist[hist["run_date"] == run_date]
    today = {s: 0 for s in enabled} | dict(
        zip(today_df["source_id"], today_df["n"].astype(int), strict=True)
    )
    past = hist[hist["run_date"] < run_date]
    past = past[past["source_id"].isin(set(enabled))] if enabled else past
    vol_fail, vol_rows = _volume_failures("articles", today, past, run_date)
    if vol_rows:
        vframe = pd.DataFrame(
            {
                "record_key": [r[0] for r in vol_rows],
                "source_id": [r[0] for r in vol_rows],
                "n_today": [r[1] for r in vol_rows],
                "avg_trailing": [r[2] for r in vol_rows],
                "chk_volume_collapse": [not r[3] for r in vol_rows],
            }
        )
        for o in _run_suite(
            "warehouse_volume",
            S.WAREHOUSE_VOLUME_RULES,
            vframe,
            run_date=run_date,
            results_dir=results_dir,
        ):
            dq.append(
                {
                    "run_date": run_date,
                    "stage": "warehouse",
                    "suite": "akhbar_warehouse_volume",
                    "expectation": o.expectation,
                    "column_name": f"fact_article.{o.column}",
                    "success": o.success,
                    "observed_value": o.observed,
                    "unexpected_count": o.unexpected_count,
                    "element_count": o.element_count,
                }
            )
        good = vframe.drop(columns=["record_key"])
    else:
        good = pd.DataFrame(columns=["source_id", "n_today", "avg_trailing", "chk_volume_collapse"])
    for message in vol_fail:  # fewer articles than usual is a signal, not bad rows
        log.warning("warehouse fact_article: %s", message)
    quarantined = (
        pd.DataFrame(q_rows, columns=QUARANTINE_COLUMNS) if q_rows else _empty_quarantine()
    )
    return GateResult(
        stage="warehouse",
        good=good,
        quarantined=quarantined,
        dq_rows=_dq_frame(dq),
        batch_failures=batch_failures,
    )
