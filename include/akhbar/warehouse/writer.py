"""The single writer of the warehouse file: who holds it, and waiting for it.

DuckDB allows one writing process per file. Every writer (the load, the
search-index refresh, ``akhbar run``) first takes an advisory lock on
``<warehouse>.writer.lock`` and records who it is there, so a second writer
finds out before doing any expensive work, waits for its turn and can say
clearly what holds the warehouse instead of failing at the end with DuckDB's
``Could not set lock`` traceback.

A DuckLake warehouse (``settings.lake``) has no such limit: its writers commit
concurrently and a conflicting commit is retried (akhbar.warehouse.lake), so
:func:`writer_lock` takes no lock for it and the ``duckdb_writer`` pool may
have several slots.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from akhbar.config import Settings

log = logging.getLogger(__name__)


_held: dict[Path, int] = {}  # lock files this process holds -> nesting depth


class WarehouseBusyError(RuntimeError):
    """Another writer held the warehouse for longer than we were willing to wait."""


def lock_path(settings: Settings) -> Path:
    return settings.warehouse.with_name(settings.warehouse.name + ".writer.lock")


def holder(settings: Settings) -> str:
    """Who holds (or last held) the writer lock, in words."""
    try:
        info = json.loads(lock_path(settings).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "unknown process"
    return (
        f"pid {info.get('pid')} ({info.get('purpose')}, since {info.get('since')})"
        if info
        else "unknown process"
    )


@contextlib.contextmanager
def writer_lock(
    settings: Settings, purpose: str, *, wait_s: float = 3600.0, poll_s: float = 0.5
) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to ``wait_s`` for it (re-entrant).

    A no-op on a DuckLake warehouse, which orders concurrent commits itself.
    """
    if settings.lake is not None:
        log.debug("%s: DuckLake warehouse, no writer lock", purpose)
        yield
        return
    path = lock_path(settings)
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"the warehouse {settings.warehouse} is held by {holder(settings)}; "
                        f"gave up after {wait_s:.0f} s"
                    ) from None
                if not announced:
                    log.warning(
                        "waiting for the warehouse writer lock held by %s", holder(settings)
                    )
                    announced = True
                time.sleep(poll_s)
        info = {
            "pid": os.getpid(),
            "purpose": purpose,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
    finally:
        os.close(fd)  # closing releases the flock
