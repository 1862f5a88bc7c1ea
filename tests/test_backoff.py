"""A feed that keeps failing is polled less often, and the skip is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from akhbar.pipeline.files import read_rows
from akhbar.pipeline.poll import poll_feed
from akhbar.pipeline.run import Run
from akhbar.pipeline.state import backoff_days
from akhbar.warehouse.migrate import apply_migrations
from helpers import make_settings


@pytest.mark.parametrize(("streak", "days"), [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (9, 7)])
def test_backoff_schedule(streak, days):
    assert backoff_days(streak) == days


def _history(settings, statuses: list[str], last: date) -> None:
    con = duckdb.connect(str(settings.analyst_copy))
    apply_migrations(con)
    for i, status in enumerate(reversed(statuses)):
        con.execute(
            "INSERT INTO fact_feed_fetch (run_date, source_id, feed_url, status, error) "
            "VALUES (?, 'alalam', 'x', ?, ?)",
            [last - timedelta(days=i), status, None if status == "ok" else "timeout"],
        )
    con.close()


def test_failing_feed_is_skipped_then_polled_again(replay_server, tmp_path):
    from akhbar.pipeline.sources import read_sources
    from helpers import SNAPSHOT_SOURCES

    source = next(s for s in read_sources(SNAPSHOT_SOURCES) if s.source_id == "alalam")
    settings = make_settings(tmp_path, replay_server)
    settings.analyst_copy.parent.mkdir(parents=True)
    _history(settings, ["ok", "error", "error", "error", "error", "error"], date(2026, 11, 26))

    run = Run.of("2026-11-27", settings)
    out = poll_feed(source, run)  # streak 5: wait 4 days
    (row,) = read_rows(run.path("feed_fetch", "alalam"))
    assert out["status"] == row["status"] == "skipped"
    assert "5 failed polls" in row["error"] and "2026-11-30" in row["error"]

    out = poll_feed(source, Run.of("2026-11-30", settings))  # the wait is over
    assert out["status"] == "ok" and out["entries_new"] == 1
