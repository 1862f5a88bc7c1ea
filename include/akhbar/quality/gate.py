"""Stage gates: validate a stage's DataFrame with Great Expectations, split it.

``validate_stage`` returns the rows that passed every row-level rule (``good``),
one quarantine row per failing record (``quarantined``, first failing rule as
``rule``, every failure in ``detail``, the whole record as JSON in ``payload``),
one ``dq_result`` row per expectation, and batch-level failures (an empty run,
a source where most rows fail, a volume collapse) that the caller turns into
:class:`BatchGateError`.

The steps live in their own modules: :mod:`~akhbar.quality.derive` (derived
``chk_*`` columns), :mod:`~akhbar.quality.gx` (running a suite),
:mod:`~akhbar.quality.batch_rules` and :mod:`~akhbar.quality.result`. The
warehouse gate is :mod:`~akhbar.quality.warehouse_gate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from akhbar.quality import suites
from akhbar.quality.batch_rules import share_failures, volume_failures
from akhbar.quality.derive import Details, str_or_none, validation_frame
from akhbar.quality.gx import Outcome, default_results_dir, run_suite, warm_up
from akhbar.quality.quarantine import row_payload
from akhbar.quality.result import (
    DQ_COLUMNS,
    BatchGateError,
    DqLog,
    GateResult,
    quarantine_frame,
)
from akhbar.quality.warehouse_gate import validate_warehouse

__all__ = [
    "DQ_COLUMNS",
    "REQUIRED_COLUMNS",
    "BatchGateError",
    "GateResult",
    "validate_stage",
    "validate_warehouse",
    "warm_up",
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
class _RowFailures:
    """Per row index, the (rule, detail) pairs that failed; per rule, how it reads."""

    by_row: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    rule_desc: dict[str, str] = field(default_factory=dict)


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
    if stage not in suites.SUITES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {', '.join(suites.STAGES)}")
    now = now or _end_of_day(run_date)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    results_dir = default_results_dir() if results_dir is None else Path(results_dir)
    rules = suites.SUITES[stage]
    src = df.reset_index(drop=True)
    dq = DqLog(run_date, stage, f"akhbar_{stage}")
    batch_failures: list[str] = []

    work = _with_required_columns(stage, src, dq, batch_failures)
    _check_not_empty(stage, len(work), polled_sources, dq, batch_failures)
    frame, details = validation_frame(stage, rules, work, now=now, bodies=bodies)
    outcomes = (
        run_suite(
            stage,
            rules,
            frame,
            run_date=run_date,
            results_dir=results_dir,
            source=source_id or _single_source(work),
        )
        if len(work)
        else []
    )
    failed = _row_failures(stage, outcomes, frame, details, dq, batch_failures)
    primary, q_rows = _quarantine_rows(stage, run_date, rules, src, work, failed)
    good = src.drop(index=list(failed.by_row)).reset_index(drop=True) if failed.by_row else src

    sources_all = _source_ids(work)
    _check_share(stage, sources_all, primary, failed, passed_elsewhere, dq, batch_failures)
    _check_volume(stage, sources_all, history, run_date, dq, batch_failures)
    return GateResult(
        stage=stage,
        good=good,
        quarantined=quarantine_frame(q_rows),
        dq_rows=dq.frame(),
        batch_failures=batch_failures,
    )


def _with_required_columns(
    stage: str, src: pd.DataFrame, dq: DqLog, batch_failures: list[str]
) -> pd.DataFrame:
    """The batch with every column the rules read (a missing one fails the batch, as null)."""
    required = REQUIRED_COLUMNS[stage]
    missing = [c for c in required if c not in src.columns]
    if missing:
        batch_failures.append(
            f"{stage}: missing column(s) {', '.join(missing)} (batch rule: schema)"
        )
    dq.add(
        "akhbar_batch_columns_present",
        ",".join(required),
        not missing,
        f"missing: {missing}" if missing else "all present",
        len(missing),
        len(required),
    )
    work = src.copy() if missing else src
    for c in missing:
        work[c] = None
    return work


def _check_not_empty(
    stage: str,
    n: int,
    polled_sources: Sequence[str] | None,
    dq: DqLog,
    batch_failures: list[str],
) -> None:
    """An empty batch although some source was polled fine is an "empty run"."""
    polled = sorted(set(polled_sources or []))
    empty_run = n == 0 and bool(polled)
    dq.add(
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


def _row_failures(
    stage: str,
    outcomes: list[Outcome],
    frame: pd.DataFrame,
    details: Details,
    dq: DqLog,
    batch_failures: list[str],
) -> _RowFailures:
    """Record each expectation in ``dq``; collect, per failing row, its rules and why."""
    failed = _RowFailures()
    for o in outcomes:
        desc = f"{o.expectation}({o.column})"
        failed.rule_desc.setdefault(o.rule, desc)
        observed = o.observed
        if o.column in details and o.unexpected_index:
            example = details[o.column][o.unexpected_index[0]]
            observed = f"{o.unexpected_count}/{o.element_count} unexpected; e.g. {example}"[:500]
        dq.add_outcome(o, column=o.column, observed=observed)
        if o.error:
            batch_failures.append(
                f"{stage}: expectation {desc} errored: {o.error} (batch rule: gx error)"
            )
            continue
        for i in o.unexpected_index:
            if o.column in details:
                text = details[o.column][i]
            else:
                text = f"{o.column}={str_or_none(frame[o.column].iat[i])!r}"[:300]
            failed.by_row.setdefault(i, []).append((o.rule, text))
    return failed


def _quarantine_rows(
    stage: str,
    run_date: dt.date,
    rules: Sequence[suites.Rule],
    src: pd.DataFrame,
    work: pd.DataFrame,
    failed: _RowFailures,
) -> tuple[dict[int, str], list[dict[str, Any]]]:
    """One quarantine row per failing record; the first failing rule (suite order) is
    its ``rule``. Also returns, per failing row index, that primary rule."""
    order = {r.rule: k for k, r in enumerate(rules)}
    primary: dict[int, str] = {}
    q_rows: list[dict[str, Any]] = []
    if not failed.by_row:
        return primary, q_rows
    keys = _record_keys(stage, work)
    sources = _source_ids(work) if "source_id" in work else [None] * len(work)
    for i in sorted(failed.by_row):
        fails = sorted(set(failed.by_row[i]), key=lambda f: (order.get(f[0], 99), f[1]))
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
    return primary, q_rows


def _check_share(
    stage: str,
    sources_all: list[str],
    primary: dict[int, str],
    failed: _RowFailures,
    passed_elsewhere: Mapping[str, int] | None,
    dq: DqLog,
    batch_failures: list[str],
) -> None:
    share_fail, stats = share_failures(
        stage, sources_all, primary, failed.rule_desc, passed_elsewhere
    )
    batch_failures.extend(share_fail)
    for st in stats:
        dq.add(
            "akhbar_batch_max_failed_share",
            f"source_id={st['source']}",
            not st["failed"],
            f"{st['share']:.2f} failed (max {suites.MAX_FAILED_SHARE})",
            st["bad"],
            st["n"],
        )


def _check_volume(
    stage: str,
    sources_all: list[str],
    history: pd.DataFrame | None,
    run_date: dt.date,
    dq: DqLog,
    batch_failures: list[str],
) -> None:
    today: dict[str, int] = {}
    for s in sources_all:
        today[s] = today.get(s, 0) + 1
    vol_fail, vol_rows = volume_failures(stage, today, history, run_date)
    batch_failures.extend(vol_fail)
    for s, cnt, avg, collapsed in vol_rows:
        dq.add(
            "akhbar_batch_volume_vs_trailing_avg",
            f"source_id={s}",
            not collapsed,
            f"{cnt} today vs {avg:.1f} avg/day over {suites.VOLUME_WINDOW_DAYS} days",
            int(collapsed),
            cnt,
        )


def _record_keys(stage: str, df: pd.DataFrame) -> list[str]:
    cols = [c for c in suites.RECORD_KEY[stage] if c in df.columns]
    keys = []
    for i, row in (
        enumerate(df[cols].itertuples(index=False)) if cols else enumerate([()] * len(df))
    ):
        parts = [str_or_none(v) for v in row]
        if stage == "entries" and (len(parts) < 2 or parts[1] is None) and "url" in df:
            parts = [parts[0] if parts else None, str_or_none(df["url"].iat[i])]
        keys.append("|".join(p or "" for p in parts) if any(parts) else f"row{i}")
    return keys


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def _single_source(df: pd.DataFrame) -> str | None:
    if "source_id" not in df.columns:
        return None
    found = {s for s in df["source_id"].dropna().astype(str).unique()}
    return found.pop() if len(found) == 1 else None


def _source_ids(df: pd.DataFrame) -> list[str]:
    if "source_id" in df.columns:
        return [str_or_none(s) or "(none)" for s in df["source_id"]]
    return ["(all sources)"] * len(df)
