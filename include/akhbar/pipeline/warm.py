"""Imports a task process would otherwise pay for at every start.

Great Expectations (and building its context), pandas, pyarrow, DuckDB and
trafilatura cost 5-15 s to import on two busy cores. A long-lived process that
forks task processes (the LocalExecutor's workers, a Celery worker) calls
:func:`preload` once; every task forked from it starts with them in memory,
shared copy-on-write.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


def preload() -> float:
    """Import the pipeline's heavy modules; returns the seconds it took."""
    started = time.perf_counter()
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    import trafilatura  # noqa: F401

    from akhbar.pipeline import ingest  # noqa: F401
    from akhbar.quality import gate

    gate.warm_up()
    seconds = time.perf_counter() - started
    log.info("preloaded the pipeline's modules in %.1f s", seconds)
    return seconds
