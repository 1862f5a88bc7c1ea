"""Fetch each new entry's page politely; reuse what this run already archived."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

from akhbar.pipeline import records
from akhbar.pipeline.fetcher import archive_result, run_archive, source_fetcher
from akhbar.pipeline.files import read_rows, write_rows
from akhbar.pipeline.requeue import inbox_rows
from akhbar.pipeline.run import Run
from akhbar.pipeline.sources import Source

log = logging.getLogger(__name__)


def feed_body(entry: dict[str, Any]) -> str | None:
    """The article text a feed carries: its full text, or a summary long enough
    to be the whole (short) article."""
    from akhbar.fetch.pages import MIN_PAGE_BODY_CHARS

    if entry.get("feed_text"):
        return entry["feed_text"]
    summary = entry.get("summary") or ""
    return summary if len(summary.strip()) >= MIN_PAGE_BODY_CHARS else None


def fetch_pages(source: Source, run: Run) -> dict[str, Any]:
    """Fetch the pages of the source's gated entries (and re-queued pages)."""
    from akhbar.fetch.archive import ArchiveIndex

    entries = read_rows(run.path("entries_ok", source.source_id))
    known = {e["article_id"] for e in entries}
    entries.extend(
        r for r in inbox_rows(run, "pages", source.source_id) if r["article_id"] not in known
    )
    cached = ArchiveIndex(run.archive) if run.archive.exists() else None
    reused = 0

    with (
        source_fetcher(run, source) as fetcher,
        run_archive(run, f"pages-{source.source_id}") as archive,
    ):

        def one(entry: dict[str, Any]) -> dict[str, Any]:
            nonlocal reused
            previous = cached.get(entry["url"]) if cached is not None else None
            if previous is not None and previous.status < 500:
                # This run already has a definitive answer for the URL (a page or
                # a 4xx): re-running the day must not fetch it again.
                reused += 1
                archive.write_response(
                    entry["url"], previous.status, previous.headers, previous.body
                )
                return _page_from_archive(run.day, source.source_id, entry, previous)
            result = fetcher.get(entry["url"], kind="page")
            archive_result(archive, result)
            return _page_row(
                run.day,
                source.source_id,
                entry,
                result.final_url,
                result.status,
                result.content_type,
                result.body if result.ok else b"",
                datetime.now(UTC),
                result.elapsed_ms,
                None if result.ok else result.error,
            )

        with ThreadPoolExecutor(max_workers=max(1, min(source.max_concurrency, 8))) as pool:
            rows = list(pool.map(one, entries))

    write_rows(run.path("pages", source.source_id), rows, records.PAGE)
    failed = sum(1 for r in rows if r["error"] and not r["fallback"])
    fallback = sum(1 for r in rows if r["fallback"])
    log.info(
        "fetch %s: pages=%d fetched=%d reused_from_archive=%d failed=%d feed_text=%d",
        source.source_id,
        len(rows),
        len(rows) - reused,
        reused,
        failed,
        fallback,
    )
    # Answers that may differ on a re-run (no answer, 5xx): the source is then redone.
    transient = sum(1 for r in rows if r["http_status"] is None or r["http_status"] >= 500)
    return {
        "pages": len(rows),
        "fetched": len(rows) - reused,
        "reused": reused,
        "failed": failed,
        "feed_text": fallback,
        "transient": transient,
    }


def _page_from_archive(
    day: date, source_id: str, entry: dict[str, Any], previous: Any
) -> dict[str, Any]:
    ok = previous.status == 200
    return _page_row(
        day,
        source_id,
        entry,
        entry["url"],
        previous.status,
        previous.header("content-type"),
        previous.body if ok else b"",
        previous.fetched_at,
        0,
        None if ok else f"http_{previous.status}",
    )


def _page_row(
    day: date,
    source_id: str,
    entry: dict[str, Any],
    final_url: str | None,
    status: int | None,
    ctype: str | None,
    body: bytes,
    fetched_at: datetime,
    elapsed_ms: int,
    error: str | None,
) -> dict[str, Any]:
    return {
        "run_date": day,
        "source_id": source_id,
        "article_id": entry["article_id"],
        "url": entry["url"],
        "final_url": final_url,
        "http_status": status,
        "content_type": ctype,
        "bytes": len(body),
        "fetched_at": fetched_at,
        "duration_ms": elapsed_ms,
        "error": error,
        # The page failed but the entry carries the article's text: extraction
        # falls back to it, so this is not a data problem for the page gate.
        "fallback": bool(error and feed_body(entry)),
        "body": body,
    }
