"""One function per pipeline stage, called the same way by the DAG, the CLI and tests.

Every stage takes a ``run_date`` (the DAG's logical date, ``YYYY-MM-DD``; never
``now()``) and writes Parquet files under ``<data_dir>/staging/<run_date>/``;
it returns a small dict of paths and counts, which is what goes through XCom.

Per-source stages (poll, gate, fetch, extract) touch only their own source's
files, so one broken feed never fails another source. Only :func:`load` opens
the warehouse for writing (DuckDB allows one writer process).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from akhbar import records
from akhbar.config import Settings, load_settings
from akhbar.requeue import finish_requeue, inbox_rows, requeue_files
from akhbar.sources import Source, read_sources
from akhbar.staging import (
    read_rows,
    stage_path,
    write_frame,
    write_json,
    write_rows,
)
from akhbar.state import WarehouseState, backoff_days

log = logging.getLogger(__name__)

# Stage folders a source owns inside a run; a new poll clears them all so a
# retry or re-run never mixes old and new files.
SOURCE_STAGES = (
    "feed_fetch",
    "entries",
    "entries_ok",
    "pages",
    "pages_ok",
    "articles",
    "mentions",
    "quotes",
    "dates",
    "articles_ok",
    "mentions_ok",
    "quotes_ok",
    "dates_ok",
)
SLOW_FEED_MS = 10_000
def _settings(settings: Settings | None) -> Settings:
    return settings or load_settings()


def _day(run_date: str | date) -> date:
    return run_date if isinstance(run_date, date) else date.fromisoformat(str(run_date)[:10])


def run_reference_time(run_date: str | date) -> datetime:
    """End of the logical day: the 'now' that date checks of this run compare with."""
    return datetime.combine(_day(run_date), datetime.min.time(), tzinfo=UTC) + timedelta(days=1)


def _side_path(settings: Settings, run_date: str, kind: str, stage: str, source_id: str) -> Path:
    return settings.run_staging(run_date) / kind / f"{stage}-{source_id}.parquet"


# --------------------------------------------------------------------------- 1. sources


def read_catalogue(run_date: str, settings: Settings | None = None) -> list[dict[str, Any]]:
    """Read the sources catalogue, snapshot it for the run, return the enabled sources."""
    settings = _settings(settings)
    sources = read_sources(settings.sources_file)
    write_json(settings.run_staging(run_date) / "sources.json", [s.to_dict() for s in sources])
    write_json(settings.run_staging(run_date) / "requeue.json", requeue_files(settings))
    log.info("catalogue %s: %d enabled sources", settings.sources_file, len(sources))
    return [s.to_dict() for s in sources]


def _clear_source(settings: Settings, run_date: str, source_id: str) -> None:
    for stage in SOURCE_STAGES:
        stage_path(settings, run_date, stage, source_id).unlink(missing_ok=True)
    for kind in ("quarantine", "dq"):
        for path in (settings.run_staging(run_date) / kind).glob(f"*-{source_id}.parquet"):
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def _fetcher(settings: Settings, source: Source, run_date: str) -> Iterator[Any]:
    """The hardened HTTP client for one source; in archive mode it talks to a
    loopback replay of this source's raw archive for the date, so the same code
    path runs without the network."""
    from akhbar.http import Fetcher

    with contextlib.ExitStack() as stack:
        if settings.from_archive:
            settings = stack.enter_context(_archive_replay(settings, run_date, source.source_id))
        yield stack.enter_context(Fetcher(
            settings,
            min_delay_s=0.0 if settings.from_archive else source.min_delay_s,
            max_concurrency=max(1, source.max_concurrency),
            respect_robots=source.respect_robots,
        ))


@contextlib.contextmanager
def _archive_replay(settings: Settings, run_date: str, source_id: str) -> Iterator[Settings]:
    import tempfile

    from akhbar.replay import ReplayServer

    files = sorted(settings.run_archive(run_date).glob(f"*-{source_id}.warc.gz"))
    if not files:
        raise FileNotFoundError(
            f"archive mode: no raw archive for {source_id} on {run_date} under "
            f"{settings.run_archive(run_date)}"
        )
    with tempfile.TemporaryDirectory(prefix="akhbar-archive-") as tmp:
        # Serve a frozen copy: this run rewrites the date's WARC files as it goes.
        for path in files:
            shutil.copyfile(path, Path(tmp) / path.name)
        with ReplayServer(Path(tmp)) as server:
            yield replace(
                settings,
                replay_url=server.base_url,
                allow_hosts=(*settings.allow_hosts, f"127.0.0.1:{server.port}"),
                min_delay_s=0.0,
            )


def _archive(settings: Settings, run_date: str, name: str):
    from akhbar.archive import WarcArchive

    return WarcArchive(settings.run_archive(run_date) / f"{name}.warc.gz")


def _archive_result(archive: Any, result: Any, body: bytes | None = None) -> None:
    if result.status is None:
        return
    archive.write_response(
        result.final_url or result.url,
        result.status,
        list(result.headers.items()),
        body if body is not None else result.body,
    )


# --------------------------------------------------------------------------- 2. poll


def poll_feed(source: dict[str, Any], run_date: str, settings: Settings | None = None) -> dict:
    """Poll one feed (conditionally), keep entries not loaded by another run date."""
    from akhbar.archive import ArchiveIndex
    from akhbar.dedup import article_id, title_key
    from akhbar.feeds import parse_feed

    settings = _settings(settings)
    src = Source.from_dict(source)
    day = _day(run_date)
    _clear_source(settings, run_date, src.source_id)
    state = WarehouseState(settings)
    etag, last_modified = state.feed_validators(src.source_id)
    fetched_at = datetime.now(UTC)
    fetch_row: dict[str, Any] = {
        "run_date": day,
        "source_id": src.source_id,
        "feed_url": src.feed_url,
        "fetched_at": fetched_at,
        "entries_seen": 0,
        "entries_new": 0,
    }
    entries: list[dict[str, Any]] = []
    streak, last_attempt = state.failure_streak(src.source_id, day)
    wait = backoff_days(streak)
    if wait and last_attempt is not None and (day - last_attempt).days < wait:
        fetch_row.update(status="skipped",
                         error=f"backoff: {streak} failed polls in a row, next poll "
                               f"{last_attempt + timedelta(days=wait)}")
        log.warning("poll %s skipped: %s", src.source_id, fetch_row["error"])
        state.close()
        write_rows(stage_path(settings, run_date, "feed_fetch", src.source_id), [fetch_row],
                   records.FEED_FETCH)
        entries_path = write_rows(stage_path(settings, run_date, "entries", src.source_id),
                                  inbox_rows(settings, run_date, "entries", src.source_id),
                                  records.FEED_ENTRY)
        return {"source": src.to_dict(), "source_id": src.source_id, "status": "skipped",
                "entries": str(entries_path), "entries_seen": 0, "entries_new": 0}
    try:
        with _fetcher(settings, src, run_date) as fetcher, _archive(
            settings, run_date, f"feed-{src.source_id}"
        ) as archive:
            result = fetcher.get(src.feed_url, kind="feed", etag=etag, last_modified=last_modified)
            body = result.body
            status = "ok" if result.ok else "error"
            if result.not_modified:
                # Unchanged: reuse the body we archived when it last changed, so a
                # re-run of the day sees the same entries without downloading them.
                previous = ArchiveIndex(settings.archive_dir).get(src.feed_url, ok_only=True)
                body = previous.body if previous is not None else b""
                status = "not_modified"
                if previous is not None:
                    archive.write_response(
                        src.feed_url, 200, previous.headers, previous.body,
                    )
            else:
                _archive_result(archive, result)
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
                log.warning("feed %s slow: %d ms", src.source_id, result.elapsed_ms)
            if body and status in ("ok", "not_modified"):
                parsed = parse_feed(body, headers=result.headers, base_url=src.feed_url)
                if parsed.rejected_reason:
                    status = "rejected"
                    fetch_row["error"] = parsed.rejected_reason
                else:
                    if parsed.bozo:
                        log.warning("feed %s is bozo (%s); keeping its entries",
                                    src.source_id, parsed.bozo_reason)
                    for entry in parsed.entries:
                        entries.append(
                            {
                                "run_date": day,
                                "source_id": src.source_id,
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
                        )
            fetch_row["status"] = status
    finally:
        fetch_row.setdefault("status", "error")
        fetch_row.setdefault("error", "crashed")

    fetch_row["entries_seen"] = len(entries)
    # New entries only: drop what another logical date already loaded, and
    # titles this source already published in the trailing week.
    seen_ids = state.loaded_elsewhere([e["article_id"] for e in entries if e["article_id"]], day)
    recent = state.recent_titles(src.source_id, day)
    state.close()
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
    fresh.extend(r for r in inbox_rows(settings, run_date, "entries", src.source_id)
                 if r["article_id"] not in seen_in_batch)
    fetch_row["entries_new"] = len(fresh)

    write_rows(stage_path(settings, run_date, "feed_fetch", src.source_id), [fetch_row],
               records.FEED_FETCH)
    entries_path = write_rows(
        stage_path(settings, run_date, "entries", src.source_id), fresh, records.FEED_ENTRY
    )
    log.info(
        "poll %s: status=%s http=%s entries seen=%d new=%d (%s ms)",
        src.source_id, fetch_row["status"], fetch_row.get("http_status"),
        fetch_row["entries_seen"], fetch_row["entries_new"], fetch_row.get("duration_ms"),
    )
    return {
        "source": src.to_dict(),
        "source_id": src.source_id,
        "status": fetch_row["status"],
        "entries": str(entries_path),
        "entries_seen": fetch_row["entries_seen"],
        "entries_new": fetch_row["entries_new"],
    }


# --------------------------------------------------------------------------- 3. gates


def gate(stage: str, source_id: str, run_date: str, settings: Settings | None = None) -> dict:
    """Validate one source's files of a stage; good rows go on, bad rows to quarantine.

    Raises :class:`akhbar.quality.BatchGateError` when the batch as a whole
    fails (most rows bad, an empty batch), after recording quarantine and
    ``dq_result`` rows, so nothing of that batch is loaded but the reason is kept.
    """
    import pandas as pd

    from akhbar.quality import BatchGateError, validate_stage
    from akhbar.staging import read_frame

    settings = _settings(settings)
    day = _day(run_date)
    groups = {
        "entries": [("entries", records.FEED_ENTRY)],
        "pages": [("pages", records.PAGE)],
        "articles": [
            ("articles", records.ARTICLE),
            ("mentions", records.ENTITY_MENTION),
            ("quotes", records.QUOTE),
            ("dates", records.DATE_MENTION),
        ],
    }[stage]
    counts: dict[str, int] = {}
    failures: list[str] = []
    quarantined: list[Any] = []
    dq_frames: list[Any] = []
    bodies: dict[str, str] | None = None
    good_articles: set[str] | None = None
    for name, schema in groups:
        frame = read_frame([stage_path(settings, run_date, name, source_id)], schema)
        bypassed: dict[str, int] = {}
        if name == "pages":
            # Failed fetches whose entry carries the full text are not data
            # problems: extraction falls back to the feed. Validate the rest,
            # counting the fallbacks as good rows of the source's batch.
            fallback = frame["error"].fillna("").str.startswith("fallback:")
            bypassed = {source_id: int(fallback.sum())}
            frame = frame[~fallback]
        if name != "articles" and bodies is not None:
            frame = frame[frame["article_id"].isin(good_articles or set())]
        result = validate_stage(
            name, frame.reset_index(drop=True), run_date=day, bodies=bodies,
            now=run_reference_time(day), results_dir=settings.data_dir / "quality",
            passed_elsewhere=bypassed,
        )
        good = result.good
        if name == "articles":
            bodies = dict(zip(good["article_id"], good["body_text"], strict=False))
            good_articles = set(bodies)
        write_frame(stage_path(settings, run_date, f"{name}_ok", source_id), good, schema)
        quarantined.append(result.quarantined)
        dq_frames.append(result.dq_rows)
        failures.extend(result.batch_failures)
        counts[f"{name}_in"] = len(frame)
        counts[f"{name}_ok"] = len(good)
        counts[f"{name}_quarantined"] = len(result.quarantined)
    if stage == "pages":
        # Pages that fell back to the feed text still flow on to extraction.
        all_pages = read_frame([stage_path(settings, run_date, "pages", source_id)], records.PAGE)
        fallback = all_pages[all_pages["error"].fillna("").str.startswith("fallback:")]
        ok = read_frame([stage_path(settings, run_date, "pages_ok", source_id)], records.PAGE)
        write_frame(stage_path(settings, run_date, "pages_ok", source_id),
                    pd.concat([ok, fallback], ignore_index=True), records.PAGE)
    q = pd.concat(quarantined, ignore_index=True) if quarantined else None
    write_frame(_side_path(settings, run_date, "quarantine", stage, source_id),
                q if q is not None else pd.DataFrame(), records.QUARANTINE)
    dq = pd.concat(dq_frames, ignore_index=True) if dq_frames else None
    write_frame(_side_path(settings, run_date, "dq", stage, source_id),
                dq if dq is not None else pd.DataFrame(), records.DQ_RESULT)
    log.info("gate %s/%s: %s (GX results under %s; Data Docs are rebuilt after the load)",
             stage, source_id, counts, settings.data_dir / "quality")
    if failures:
        for name, _schema in groups:  # nothing of a failed batch goes on
            stage_path(settings, run_date, f"{name}_ok", source_id).unlink(missing_ok=True)
        raise BatchGateError(f"{stage} ({source_id})", failures)
    return {"source_id": source_id, "stage": stage, **counts}


# --------------------------------------------------------------------------- 4. fetch


def fetch_pages(source: dict[str, Any], run_date: str, settings: Settings | None = None) -> dict:
    """Fetch each new entry's page politely; reuse pages this run already archived."""
    from akhbar.archive import ArchiveIndex

    settings = _settings(settings)
    src = Source.from_dict(source)
    day = _day(run_date)
    entries = read_rows(stage_path(settings, run_date, "entries_ok", src.source_id))
    # Re-queued pages are fetched again (their entries come through the entries gate).
    requeued = inbox_rows(settings, run_date, "pages", src.source_id)
    known = {e["article_id"] for e in entries}
    entries.extend(r for r in requeued if r["article_id"] not in known)
    run_archive = settings.run_archive(run_date)
    cached = ArchiveIndex(run_archive) if run_archive.exists() else None
    rows: list[dict[str, Any]] = []
    reused = 0

    with _fetcher(settings, src, run_date) as fetcher, _archive(
        settings, run_date, f"pages-{src.source_id}"
    ) as archive:

        def one(entry: dict[str, Any]) -> dict[str, Any]:
            nonlocal reused
            url = entry["url"]
            previous = cached.get(url) if cached is not None else None
            if previous is not None and previous.status < 500:
                # This run already has a definitive answer for the URL (a page or
                # a 4xx): re-running the day must not fetch it again.
                reused += 1
                archive.write_response(url, previous.status, previous.headers, previous.body)
                ok = previous.status == 200
                status, ctype = previous.status, previous.header("content-type")
                body, fetched_at, elapsed = previous.body if ok else b"", previous.fetched_at, 0
                error = None if ok else f"http_{previous.status}"
                final_url = url
            else:
                result = fetcher.get(url, kind="page")
                _archive_result(archive, result)
                status, ctype, elapsed = result.status, result.content_type, result.elapsed_ms
                body = result.body if result.ok else b""
                error = result.error if not result.ok else None
                fetched_at, final_url = datetime.now(UTC), result.final_url
            if error and feed_body(entry):
                error = f"fallback:{error}"
            return _page_row(day, src.source_id, entry, final_url, status, ctype, body,
                             fetched_at, elapsed, error)

        workers = max(1, min(src.max_concurrency, 8))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(one, entries))

    path = write_rows(stage_path(settings, run_date, "pages", src.source_id), rows, records.PAGE)
    failed = sum(1 for r in rows if r["error"])
    log.info(
        "fetch %s: pages=%d fetched=%d reused_from_archive=%d failed=%d",
        src.source_id, len(rows), len(rows) - reused, reused, failed,
    )
    return {"source": src.to_dict(), "source_id": src.source_id, "pages": str(path),
            "fetched": len(rows) - reused, "reused": reused, "failed": failed}


def _page_row(day: date, source_id: str, entry: dict[str, Any], final_url: str | None,
              status: int | None, ctype: str | None, body: bytes, fetched_at: datetime,
              elapsed_ms: int, error: str | None) -> dict[str, Any]:
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
        "body": body,
    }


# --------------------------------------------------------------------------- 5. extract


def feed_body(entry: dict[str, Any]) -> str | None:
    """The article text a feed carries: its full text, or a summary long enough
    to be the whole (short) article."""
    from akhbar.pages import MIN_PAGE_BODY_CHARS

    if entry.get("feed_text"):
        return entry["feed_text"]
    summary = entry.get("summary") or ""
    return summary if len(summary.strip()) >= MIN_PAGE_BODY_CHARS else None


def build_article(entry: dict[str, Any], page: dict[str, Any] | None, day: date) -> tuple[
    dict[str, Any] | None, Any, str | None
]:
    """Body and metadata for one entry: the page when usable, else the feed's text.

    Returns (article row, analysis, reason-if-no-body).
    """
    from akhbar.arabic.analyze import analyze
    from akhbar.arabic.normalize import arabic_share, clean_text
    from akhbar.dedup import simhash
    from akhbar.pages import content_hash, extract_page

    content = None
    if page is not None and page.get("body") and not page.get("error"):
        content = extract_page(page["body"], url=page.get("final_url") or entry["url"],
                               extensive_dates=entry.get("published_at") is None)
    if content is not None and content.usable:
        body, body_source = content.text, "page"
    elif feed_body(entry):
        body, body_source = clean_text(feed_body(entry) or ""), "feed"
    else:
        reason = (page or {}).get("error") or ("page_text_too_short" if content else "no_page")
        return None, None, reason
    published = entry.get("published_at") or (content.published_at if content else None)
    analysis = analyze(body, published=published)
    dateline = analysis.dateline
    row = {
        "article_id": entry["article_id"],
        "run_date": day,
        "source_id": entry["source_id"],
        "url": entry["url"],
        "canonical_url": (content.canonical_url if content else None) or entry["url"],
        "title": (content.title if content and content.title else None) or entry.get("title"),
        "author": content.author if content else None,
        "published_at": published,
        "fetched_at": (page or {}).get("fetched_at"),
        "language": analysis.language,
        "arabic_share": round(arabic_share(body), 4),
        "body_text": body,
        "body_chars": len(body),
        "body_source": body_source,
        "content_hash": content_hash(body),
        "simhash": simhash(body),
        "image_url": (content.image_url if content else None) or entry.get("image_url"),
        "dateline_place": dateline.place if dateline else None,
        "dateline_source": dateline.source if dateline else None,
        "analysis_skipped": analysis.skipped_reason,
    }
    return row, analysis, None


def extract(source: dict[str, Any], run_date: str, settings: Settings | None = None) -> dict:
    """trafilatura + Arabic extraction for one source's fetched pages."""
    import json

    settings = _settings(settings)
    src = Source.from_dict(source)
    day = _day(run_date)
    entries = {e["article_id"]: e for e in read_rows(
        stage_path(settings, run_date, "entries_ok", src.source_id))}
    pages = {p["article_id"]: p for p in read_rows(
        stage_path(settings, run_date, "pages_ok", src.source_id))}
    for aid, page in pages.items():  # a re-queued page may come without its entry
        entries.setdefault(aid, {"article_id": aid, "source_id": src.source_id,
                                 "url": page["url"], "title": None, "entry_id": aid})
    articles, mentions, quotes, dates, quarantined = [], [], [], [], []
    for aid, entry in entries.items():
        row, analysis, reason = build_article(entry, pages.get(aid), day)
        if row is None:
            quarantined.append({
                "run_date": day, "stage": "extract", "source_id": src.source_id,
                "record_key": aid, "rule": "no_body",
                "detail": f"no usable page text and no feed text ({reason})",
                "payload": json.dumps({k: v for k, v in entry.items()}, default=str,
                                      ensure_ascii=False),
            })
            continue
        articles.append(row)
        for i, ent in enumerate(analysis.entities):
            mentions.append({"article_id": aid, "mention_idx": i, "text": ent.text,
                             "type": ent.type, "start": ent.start, "end": ent.end,
                             "entity_id": ent.entity_id, "method": ent.method})
        for i, q in enumerate(analysis.quotes):
            quotes.append({"article_id": aid, "quote_idx": i, "kind": q.kind,
                           "speaker": q.speaker, "speaker_entity_id": q.speaker_entity_id,
                           "cue": q.cue, "text": q.text, "start": q.start, "end": q.end})
        for i, d in enumerate(analysis.dates):
            dates.append({"article_id": aid, "mention_idx": i, "text": d.text, "value": d.value,
                          "kind": d.kind, "start": d.start, "end": d.end})
    out = {}
    for name, rows, schema in (
        ("articles", articles, records.ARTICLE),
        ("mentions", mentions, records.ENTITY_MENTION),
        ("quotes", quotes, records.QUOTE),
        ("dates", dates, records.DATE_MENTION),
    ):
        out[name] = str(write_rows(stage_path(settings, run_date, name, src.source_id), rows,
                                   schema))
    write_rows(_side_path(settings, run_date, "quarantine", "extract", src.source_id),
               quarantined, records.QUARANTINE)
    skipped = sum(1 for a in articles if a["analysis_skipped"])
    log.info(
        "extract %s: articles=%d (page=%d feed=%d, arabic-skipped=%d) mentions=%d quotes=%d "
        "dates=%d no_body=%d",
        src.source_id, len(articles), sum(a["body_source"] == "page" for a in articles),
        sum(a["body_source"] == "feed" for a in articles), skipped, len(mentions), len(quotes),
        len(dates), len(quarantined),
    )
    return {"source": src.to_dict(), "source_id": src.source_id, **{k: v for k, v in out.items()},
            "n_articles": len(articles), "n_quarantined": len(quarantined)}


# --------------------------------------------------------------------------- 6. load


def load(run_date: str, run_id: str = "manual", settings: Settings | None = None) -> dict:
    """Load the run's validated files into DuckDB in one transaction (see warehouse.load)."""
    from akhbar.warehouse.load import load_run

    settings = _settings(settings)
    counts = load_run(settings, run_date, run_id=run_id)
    counts["requeued_files_done"] = finish_requeue(settings, run_date)
    return counts


# --------------------------------------------------------------------------- 7. summarise


def summarise(run_date: str, settings: Settings | None = None) -> dict:
    """Counts per source for the run, from the warehouse's run table."""
    from akhbar.warehouse.load import run_summary

    return run_summary(_settings(settings), run_date)


def run_all(run_date: str, settings: Settings | None = None, run_id: str = "cli") -> dict:
    """The whole pipeline in one process (CLI and tests without Airflow)."""
    from akhbar.quality import BatchGateError

    settings = _settings(settings)
    for source in read_catalogue(run_date, settings):
        try:
            polled = poll_feed(source, run_date, settings)
            gate("entries", polled["source_id"], run_date, settings)
            fetch_pages(source, run_date, settings)
            gate("pages", polled["source_id"], run_date, settings)
            extract(source, run_date, settings)
            gate("articles", polled["source_id"], run_date, settings)
        except BatchGateError as exc:
            log.error("%s", exc)
    load(run_date, run_id=run_id, settings=settings)
    refresh_search_index(settings)
    return summarise(run_date, settings)


def refresh_search_index(settings: Settings | None = None) -> dict[str, int]:
    """Full-text index + analyst copy (the maintenance DAG runs it after each load)."""
    from akhbar.warehouse.load import refresh_search_index as refresh

    return refresh(_settings(settings))


def clear_run_staging(run_date: str, settings: Settings | None = None) -> None:
    settings = _settings(settings)
    shutil.rmtree(settings.run_staging(run_date), ignore_errors=True)


def staged_files(settings: Settings, run_date: str, stage: str) -> list[Path]:
    folder = settings.run_staging(run_date) / stage
    return sorted(folder.glob("*.parquet")) if folder.exists() else []
