"""What earlier runs left behind, as the per-source steps need it.

State is read from the writer's warehouse whenever it can be opened (a
read-only connection held for milliseconds), so a crash between a load's
COMMIT and the publishing of the analyst copy cannot make a later run believe
that committed articles are new. When the loader holds the file lock, the
analyst copy (replaced atomically after each load) is the fallback; the load
itself never moves an article already loaded under another date, whatever the
state said.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from typing import Any

from akhbar.config import Settings
from akhbar.sqlfiles import sql

log = logging.getLogger(__name__)

# A feed that keeps failing is polled less often: after BACKOFF_AFTER failures in
# a row, wait 2**(streak - BACKOFF_AFTER) days (at most BACKOFF_MAX_DAYS) between polls.
BACKOFF_AFTER = 3
BACKOFF_MAX_DAYS = 7


def backoff_days(streak: int) -> int:
    if streak < BACKOFF_AFTER:
        return 0
    return min(2 ** (streak - BACKOFF_AFTER), BACKOFF_MAX_DAYS)


def _open(settings: Settings) -> Any:
    import duckdb

    if settings.lake is not None:  # a lake's last committed snapshot is the state
        from akhbar.warehouse.lake import LakeError
        from akhbar.warehouse.readonly import open_warehouse_readonly

        try:
            return open_warehouse_readonly(settings, extensions=())
        except (duckdb.Error, LakeError) as exc:  # e.g. no load has created the lake yet
            log.info("state: cannot attach the lake (%s)", str(exc).splitlines()[0])
            return None

    for path, what in ((settings.warehouse, "warehouse"), (settings.analyst_copy, "analyst copy")):
        if not path.exists():
            continue
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:  # locked by the loader, or unreadable
            log.info("state: cannot open the %s %s (%s)", what, path, str(exc).splitlines()[0])
    return None


_PARAM = re.compile(r"\$([A-Za-z_]\w*)")


def literal(value: Any) -> str:
    """A DuckDB SQL literal for a date, integer, string, None or list of them."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        raise TypeError("literal(): a datetime needs an explicit time zone type")
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise TypeError(f"literal(): unsupported {type(value).__name__}")


def bound(text: str, params: dict[str, Any]) -> str:
    """``text`` with its ``$name`` parameters written in as SQL literals.

    DuckDB's Python client imports pandas the first time it binds a parameter
    (0.4 s with bytecode caches, over 1 s without). These state queries are all
    that a same-day re-run with nothing new asks the warehouse, and their values
    are dates, ids and lists of ids, so they are written in instead.
    """
    return "\n".join(
        line
        if line.lstrip().startswith("--")
        else _PARAM.sub(lambda m: literal(params[m.group(1)]), line)
        for line in text.splitlines()
    )


class WarehouseState:
    """Feed validators, failure streaks, loaded ids and recent titles."""

    def __init__(self, settings: Settings):
        self._con = _open(settings)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> WarehouseState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, name: str, **params: Any) -> Any:
        return self._con.execute(bound(sql(name), params))

    def feed_validators(self, source_id: str) -> tuple[str | None, str | None]:
        if self._con is None:
            return None, None
        row = self._query("state/feed_validators", source_id=source_id).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def failure_streak(self, source_id: str, run_date: date) -> tuple[int, date | None]:
        """Consecutive failed polls before ``run_date`` (skipped polls don't count)
        and the date of the last real attempt."""
        if self._con is None:
            return 0, None
        rows = self._query("state/recent_polls", source_id=source_id, run_date=run_date).fetchall()
        streak = 0
        for _, status in rows:
            if status not in ("error", "rejected"):
                break
            streak += 1
        return streak, (rows[0][0] if rows else None)

    def loaded_elsewhere(self, article_ids: list[str], run_date: date) -> set[str]:
        """Ids already loaded by a run of another logical date."""
        if self._con is None or not article_ids:
            return set()
        rows = self._query(
            "state/loaded_elsewhere", run_date=run_date, article_ids=article_ids
        ).fetchall()
        return {r[0] for r in rows}

    def committed_load(self, run_date: date) -> tuple[str, str] | None:
        """(fingerprint, run id) of the date's last committed load, if any."""
        if self._con is None:
            return None
        row = self._query("state/load_fingerprint", run_date=run_date).fetchone()
        return (str(row[0]), str(row[1])) if row and row[0] else None

    def clusters_pending(self, run_date: date) -> int:
        """Loaded articles of the date still waiting for their story cluster."""
        if self._con is None:
            return 0
        return int(self._query("clusters/pending", run_date=run_date).fetchone()[0])

    def recent_titles(self, source_id: str, run_date: date, days: int = 7) -> dict[str, str]:
        """title_key -> article_id of the source's articles in the trailing days."""
        if self._con is None:
            return {}
        from akhbar.fetch.dedup import title_key

        rows = self._query(
            "state/recent_titles",
            source_id=source_id,
            run_date=run_date,
            since=run_date - timedelta(days=days),
        ).fetchall()
        return {title_key(title): aid for aid, title in rows}
