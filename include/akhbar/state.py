"""What earlier runs left behind, as the per-source stages need it.

Mapped tasks must not open the warehouse itself (the loader may hold its write
lock), so state is read from the analyst copy, which the load replaces
atomically: always a consistent picture of the last successful run.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from akhbar.config import Settings

log = logging.getLogger(__name__)

# A feed that keeps failing is polled less often: after BACKOFF_AFTER failures in
# a row, wait 2**(streak - BACKOFF_AFTER) days (at most BACKOFF_MAX_DAYS) between polls.
BACKOFF_AFTER = 3
BACKOFF_MAX_DAYS = 7


def backoff_days(streak: int) -> int:
    if streak < BACKOFF_AFTER:
        return 0
    return min(2 ** (streak - BACKOFF_AFTER), BACKOFF_MAX_DAYS)


class WarehouseState:
    """Feed validators, failure streaks, loaded ids and recent titles from the analyst copy."""

    def __init__(self, settings: Settings):
        self.path = settings.analyst_copy
        self._con = None
        if self.path.exists():
            import duckdb

            try:
                self._con = duckdb.connect(str(self.path), read_only=True)
            except duckdb.Error as exc:  # unreadable copy: behave as a first run
                log.warning("cannot read analyst copy %s: %s", self.path, exc)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def feed_validators(self, source_id: str) -> tuple[str | None, str | None]:
        if self._con is None:
            return None, None
        row = self._con.execute(
            "SELECT etag, last_modified FROM fact_feed_fetch WHERE source_id = ? "
            "AND status IN ('ok', 'not_modified') AND (etag IS NOT NULL OR last_modified IS NOT NULL) "
            "ORDER BY fetched_at DESC LIMIT 1",
            [source_id],
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def failure_streak(self, source_id: str, run_date: date) -> tuple[int, date | None]:
        """Consecutive failed polls before ``run_date`` (skipped polls don't count)
        and the date of the last real attempt."""
        if self._con is None:
            return 0, None
        rows = self._con.execute(
            "SELECT run_date, status FROM fact_feed_fetch WHERE source_id = ? AND run_date < ? "
            "AND status <> 'skipped' ORDER BY run_date DESC LIMIT 32",
            [source_id, run_date],
        ).fetchall()
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
        rows = self._con.execute(
            "SELECT article_id FROM fact_article WHERE run_date <> ? "
            "AND article_id IN (SELECT unnest(?::VARCHAR[]))",
            [run_date, article_ids],
        ).fetchall()
        return {r[0] for r in rows}

    def recent_titles(self, source_id: str, run_date: date, days: int = 7) -> dict[str, str]:
        """title_key -> article_id of the source's articles in the trailing days."""
        if self._con is None:
            return {}
        from akhbar.dedup import title_key

        rows = self._con.execute(
            "SELECT article_id, title FROM fact_article WHERE source_id = ? "
            "AND run_date < ? AND run_date >= ? AND title IS NOT NULL",
            [source_id, run_date, run_date - timedelta(days=days)],
        ).fetchall()
        return {title_key(title): aid for aid, title in rows}
