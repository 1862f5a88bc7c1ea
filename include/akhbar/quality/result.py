"""What a gate returns: good rows, quarantine rows, ``dq_result`` rows and batch failures.

The column lists are the staging schemas' (:mod:`akhbar.pipeline.records`), so the
gates, the staging Parquet and the loader agree on one definition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from akhbar.pipeline.records import DQ_RESULT
from akhbar.quality.gx import Outcome
from akhbar.quality.quarantine import QUARANTINE_COLUMNS

DQ_COLUMNS: list[str] = list(DQ_RESULT.names)


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


@dataclass
class DqLog:
    """The ``dq_result`` rows of one gate call: one per expectation, GX's or a batch rule's."""

    run_date: dt.date
    stage: str
    suite: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        expectation: str,
        column: str,
        success: bool,
        observed: str,
        unexpected: int,
        elements: int,
        *,
        suite: str | None = None,
    ) -> None:
        self.rows.append(
            {
                "run_date": self.run_date,
                "stage": self.stage,
                "suite": suite or self.suite,
                "expectation": expectation,
                "column_name": column,
                "success": success,
                "observed_value": observed,
                "unexpected_count": unexpected,
                "element_count": elements,
            }
        )

    def add_outcome(
        self, outcome: Outcome, *, column: str, observed: str, suite: str | None = None
    ) -> None:
        """One GX expectation's result (``column``/``observed`` as the caller words them)."""
        self.add(
            outcome.expectation,
            column,
            outcome.success,
            observed,
            outcome.unexpected_count,
            outcome.element_count,
            suite=suite,
        )

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=DQ_COLUMNS)
        return df.astype({"success": "bool", "unexpected_count": "int64", "element_count": "int64"})


def quarantine_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Quarantine rows as a frame with the quarantine columns (typed empty when none)."""
    if rows:
        return pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)
    return pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS})
