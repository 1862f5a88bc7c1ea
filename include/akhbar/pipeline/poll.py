"""Poll one source's feed (conditionally) and keep the entries no other date loaded."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from akhbar.pipeline import records
from akhbar.pipeline.fetcher import archive_result, run_archive, source_fetcher
from akhbar.pipeline.files import write_rows
from akhbar.pipeline.requeue import inbox_rows
from akhbar.pipeline.run import Run
from akhbar.pipeline.sources import Source
from akhbar.pipeline.state import WarehouseState, backoff_days

log = logging.getLogger(__name__)

SLOW_FEED_MS = 10_000


@dataclass
class Polled:
    """One poll of a source's feed, before anything is written to staging."""

    fetch_row: dict[str, Any]
    #: New entries (what no other date loaded, plus re-queued rows).
    entries: list[dict[str, Any]]
    #: Feed items set aside (None: the feed was not parsed).
    quarantine: list[dict[str, Any]] | None


def poll_feed(source: Source, run: Run) -> dict[str, Any]:
    """Poll the feed, write the source's ``feed_fetch`` row and new ``entries``.

    Overwrites only its own files; :func:`akhbar.pipeline.ingest.ingest_source`
    decides whether the source's later files are redone or kept."""
    polled = poll_entries(source, run)
    fetch_row = polled.fetch_row
    if polled.quarantine is not None:
        write_rows(
            run.side_path("quarantine", "poll", source.source_id),
            polled.quarantine,
            records.QUARANTINE,
        )
    write_rows(run.path("feed_fetch", source.source_id), [fetch_row], records.FEED_FETCH)
    write_rows(run.path("entries", source.source_id), polled.entries, records.FEED_ENTRY)
    log.info(
        "poll %s: status=%s http=%s entries seen=%d new=%d (%s ms)",
        source.source_id,
        fetch_row["status"],
        fetch_row.get("http_status"),
        fetch_row["entries_seen"],
        fetch_row["entries_new"],
        fetch_row.get("duration_ms"),
    )
    return {
        "status": fetch_row["status"],
        "entries_seen": fetch_row["entries_seen"],
        "entries_new": fetch_row["entries_new"],
    }


def poll_entries(source: Source, run: Run) -> Polled:
    """The conditional poll and the new entries, in memory (only the raw WARC
    archive is written): what :func:`poll_feed` writes, and what a re-run's
    no-change check fingerprints without building a single Arrow array."""
    feed_url = source.feed_url_for(run.date_str)
    fetch_row: dict[str, Any] = {
        "run_date": run.day,
        "source_id": source.source_id,
        "feed_url": feed_url,
        "fetched_at": datetime.now(UTC),
        "entries_seen": 0,
        "entries_new": 0,
    }
    quarantine: list[dict[str, Any]] | None = None
    with WarehouseState(run.settings) as state:
        etag, last_modified = state.feed_validators(source.source_id)
        streak, last_attempt = state.failure_streak(source.source_id, run.day)
        wait = backoff_days(streak)
        if wait and last_attempt is not None and (run.day - last_attempt).days < wait:
            fetch_row.update(
                status="skipped",
                error=f"backoff: {streak} failed polls in a row, next poll "
                f"{last_attempt + timedelta(days=wait)}",
            )
            log.warning("poll %s skipped: %s", source.source_id, fetch_row["error"])
            entries: list[dict[str, Any]] = []
        else:
            entries, quarantine = _poll(source, run, feed_url, fetch_row, etag, last_modified)
        fetch_row["entries_seen"] = len(entries)
        fresh = _new_entries(source, run, entries, state)
    fetch_row["entries_new"] = len(fresh)
    return Polled(fetch_row, fresh, quarantine)


def _poll(
    source: Source,
    run: Run,
    feed_url: str,
    fetch_row: dict[str, Any],
    etag: str | None,
    last_modified: str | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    """One conditional GET; fills ``fetch_row``, returns the parsed entries and the
    items set aside (None when nothing was parsed)."""
    from akhbar.pipeline.feed_cache import parse_cached

    entries: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] | None = None
    try:
        with (
            source_fetcher(run, source) as fetcher,
            run_archive(run, f"feed-{source.source_id}") as archive,
        ):
            result = fetcher.get(feed_url, kind="feed", etag=etag, last_modified=last_modified)
            body, status = result.body, ("ok" if result.ok else "error")
            headers: dict[str, str] = dict(result.headers)
            if result.not_modified:
                # Unchanged: reuse the body archived when it last changed (parsed
                # with its own headers), so a re-run of the day sees the same
                # entries without downloading them.
                previous = _previous_feed(run, source.source_id, feed_url)
                body = previous.body if previous is not None else b""
                headers = dict(previous.headers) if previous is not None else {}
                status = "not_modified"
                if previous is not None:
                    archive.write_response(feed_url, 200, previous.headers, previous.body)
            else:
                archive_result(archive, result)
            fetch_row.update(
                http_status=result.status,
                bytes=len(result.body),
                duration_ms=result.elapsed_ms,
                error=result.error if not result.not_modified else None,
                etag=result.headers.get("etag") or (etag if result.not_modified else None),
                last_modified=result.headers.get("last-modified")
                or (last_modified if result.not_modified else None),
            )
            if status == "ok" and result.elapsed_ms > SLOW_FEED_MS:
                log.warning("feed %s slow: %d ms", source.source_id, result.elapsed_ms)
            if body and status in ("ok", "not_modified"):
                parsed = parse_cached(run, source.source_id, body, headers, feed_url)
                if parsed.rejected_reason:
                    status = "rejected"
                    fetch_row["error"] = parsed.rejected_reason
                else:
                    if parsed.bozo:
                        log.warning(
                            "feed %s is bozo (%s); keeping its entries",
                            source.source_id,
                            parsed.bozo_reason,
                        )
                    entries = [_entry_row(run, source, e) for e in parsed.entries]
                    quarantine = _bad_entry_rows(run, source, parsed)
            fetch_row["status"] = status
    finally:
        fetch_row.setdefault("status", "error")
        fetch_row.setdefault("error", "crashed")
    return entries, quarantine


def _previous_feed(run: Run, source_id: str, feed_url: str) -> Any:
    """The feed's latest archived 200 response, looked up in this source's feed
    archives (one small file a date); the whole archive only when they lack it."""
    from akhbar.fetch.archive import ArchiveIndex

    root = run.settings.archive_dir
    own = sorted(root.glob(f"*/feed-{source_id}.warc.gz"))
    previous = ArchiveIndex(own).get(feed_url, ok_only=True) if own else None
    if previous is None:
        previous = ArchiveIndex(root).get(feed_url, ok_only=True)
    return previous


def _entry_row(run: Run, source: Source, entry: Any) -> dict[str, Any]:
    from akhbar.fetch.dedup import article_id

    return {
        "run_date": run.day,
        "source_id": source.source_id,
        "article_id": article_id(entry.url) if entry.url else None,
        "entry_id": entry.entry_id,
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "feed_text": entry.feed_text,
        "published_at": entry.published_at,
        "raw_published": entry.raw_published,
        "image_url": entry.image_url,
    }


def _bad_entry_rows(run: Run, source: Source, parsed: Any) -> list[dict[str, Any]]:
    """Quarantine rows for the items the parser had to repair or drop, with their reason."""
    import json

    bad = parsed.bad_entries
    rows = [
        {
            "run_date": run.day,
            "stage": "entries",
            "source_id": source.source_id,
            "record_key": item.key,
            "rule": item.rule,
            "detail": item.detail,
            "payload": json.dumps(
                {"key": item.key, "url": item.url, "title": item.title, "detail": item.detail},
                ensure_ascii=False,
            ),
        }
        for item in bad
    ]
    if rows:
        log.warning(
            "poll %s: %d feed item(s) set aside: %s",
            source.source_id,
            len(rows),
            ", ".join(sorted({r["rule"] for r in rows})),
        )
    return rows


def _new_entries(
    source: Source, run: Run, entries: list[dict[str, Any]], state: WarehouseState
) -> list[dict[str, Any]]:
    """Drop what another logical date already loaded, repeats within the feed, and
    titles this source already published in the trailing week; add re-queued rows."""
    from akhbar.fetch.dedup import title_key

    seen_ids = state.loaded_elsewhere(
        [e["article_id"] for e in entries if e["article_id"]], run.day
    )
    recent = state.recent_titles(source.source_id, run.day)
    fresh, seen_in_batch = [], set()
    for entry in entries:
        aid = entry["article_id"]
        if aid in seen_ids or (aid and aid in seen_in_batch):
            continue
        if entry["title"] and recent.get(title_key(entry["title"]), aid) != aid:
            continue
        if aid:
            seen_in_batch.add(aid)
        fresh.append(entry)
    fresh.extend(
        r
        for r in inbox_rows(run, "entries", source.source_id)
        if r["article_id"] not in seen_in_batch
    )
    return fresh
