"""Batch rules: a whole batch fails when most of a source's rows fail, or when a
source's volume collapses against its trailing average."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from akhbar.quality import suites


def share_failures(
    stage: str,
    sources: list[str],
    primary: dict[int, str],
    rule_desc: dict[str, str],
    passed_elsewhere: Mapping[str, int] | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Per source (and over all sources), whether more than ``MAX_FAILED_SHARE`` of the
    rows failed; ``primary`` maps a failed row's index to its first failing rule."""
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
        failed = n >= suites.MIN_ROWS_FOR_SHARE and share > suites.MAX_FAILED_SHARE
        stats.append({"source": src, "n": n, "bad": n_bad, "failed": failed, "share": share})
        if failed:
            rule = max(by_rule, key=lambda r: (by_rule[r], r))
            failures.append(
                f"source {src}: {share:.0%} of {stage} failed ({n_bad}/{n}); dominating rule "
                f"'{rule}' = {rule_desc.get(rule, rule)} ({by_rule[rule]} rows) "
                f"(batch rule: max_failed_share {suites.MAX_FAILED_SHARE})"
            )
    total_bad = sum(1 for i in range(len(sources)) if i in primary)
    total = len(sources) + sum((passed_elsewhere or {}).values())
    if (
        not failures
        and len(counts) > 1
        and total >= suites.MIN_ROWS_FOR_SHARE
        and total_bad / total > suites.MAX_FAILED_SHARE
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
            f"(batch rule: max_failed_share {suites.MAX_FAILED_SHARE})"
        )
        stats.append({"source": "*", "n": total, "bad": total_bad, "failed": True, "share": share})
    return failures, stats


def volume_failures(
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
    lo = run_date - dt.timedelta(days=suites.VOLUME_WINDOW_DAYS)
    h = h[(h["run_date"] >= lo) & (h["run_date"] < run_date)]
    avg = (h.groupby("source_id")["n"].sum() / suites.VOLUME_WINDOW_DAYS).to_dict()
    failures, rows = [], []
    for src in sorted(set(avg) | set(today)):
        a = float(avg.get(src, 0.0))
        n = int(today.get(src, 0))
        collapsed = a >= suites.VOLUME_MIN_AVG and n < suites.VOLUME_MIN_RATIO * a
        rows.append((src, n, a, collapsed))
        if collapsed:
            failures.append(
                f"source {src}: {n} {stage} on {run_date} vs trailing {suites.VOLUME_WINDOW_DAYS}-day "
                f"average {a:.1f} (batch rule: volume collapse, min ratio {suites.VOLUME_MIN_RATIO})"
            )
    return failures, rows
