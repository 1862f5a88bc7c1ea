"""Data-quality gates (Great Expectations 1.x), quarantine and Data Docs.

Importing this package is cheap: great_expectations is imported only when a
gate first runs (its import takes several seconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from akhbar.quality.gate import validate_stage
from akhbar.quality.quarantine import format_table, list_rows, quarantine_id, requeue
from akhbar.quality.result import BatchGateError, GateResult
from akhbar.quality.warehouse_gate import validate_warehouse

if TYPE_CHECKING:
    from pathlib import Path


def build_data_docs(results_dir: Path) -> Path:
    """See :func:`akhbar.quality.docs.build_data_docs`."""
    from akhbar.quality.docs import build_data_docs as _build

    return _build(results_dir)


__all__ = [
    "BatchGateError",
    "GateResult",
    "build_data_docs",
    "format_table",
    "list_rows",
    "quarantine_id",
    "requeue",
    "validate_stage",
    "validate_warehouse",
]
