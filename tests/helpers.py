"""Helpers shared by tests (importable as ``helpers``; conftest.py only holds fixtures)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SNAPSHOT = REPO / "snapshot" / "warc"
SNAPSHOT_SOURCES = REPO / "snapshot" / "sources.csv"


def make_settings(root: Path, replay_server, **overrides):
    """Settings for a pipeline run into ``root`` against the replayed snapshot."""
    from akhbar.config import load_settings

    base = load_settings()
    settings = replace(
        base,
        data_dir=root / "data",
        warehouse=root / "data" / "akhbar.duckdb",
        sources_file=SNAPSHOT_SOURCES,
        replay_url=replay_server.base_url,
        allow_hosts=(f"127.0.0.1:{replay_server.port}",),
        min_delay_s=0.0,
    )
    return replace(settings, **overrides)


def settings_env(settings) -> dict[str, str]:
    """The AKHBAR_* environment that makes load_settings() return ``settings``."""
    return {
        "AKHBAR_DATA_DIR": str(settings.data_dir),
        "AKHBAR_WAREHOUSE": str(settings.warehouse),
        "AKHBAR_SOURCES": str(settings.sources_file),
        "AKHBAR_REPLAY_URL": settings.replay_url or "",
        "AKHBAR_ALLOW_HOSTS": ",".join(settings.allow_hosts),
        "AKHBAR_MIN_DELAY_S": str(settings.min_delay_s),
    }


SNAPSHOT_RUN_DATE = "2026-11-27"


def cpu_seconds(fn, *args, repeat: int = 3, **kwargs) -> float:
    """Best-of-``repeat`` CPU time of this thread for ``fn(*args, **kwargs)``.

    Thread time (not process time: background threads of earlier tests do not count),
    garbage collection paused (a full collection of a big test-session heap is not the
    cost of the code under test), best of a few runs (a preempted run is not either).
    Used by scaling checks; speed targets themselves live in ``make bench``."""
    import gc
    import time

    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.thread_time()
            fn(*args, **kwargs)
            best = min(best, time.thread_time() - t0)
        finally:
            gc.enable()
    return best
