"""Body and metadata (trafilatura), then Arabic extraction, for one source's pages."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

from akhbar.pipeline import records
from akhbar.pipeline.fetch import feed_body
from akhbar.pipeline.files import read_rows, write_rows
from akhbar.pipeline.run import Run
from akhbar.pipeline.sources import Source

log = logging.getLogger(__name__)


def build_article(
    entry: dict[str, Any], page: dict[str, Any] | None, day: date
) -> tuple[dict[str, Any] | None, Any, str | None]:
    """Body and metadata for one entry: the page when usable, else the feed's text.

    Returns (article row, analysis, reason-if-no-body).
    """
    from akhbar.arabic.analyze import analyze
    from akhbar.arabic.normalize import arabic_share, clean_text
    from akhbar.fetch.dedup import simhash
    from akhbar.fetch.pages import content_hash, extract_page

    content = None
    if page is not None and page.get("body") and not page.get("error"):
        content = extract_page(
            page["body"],
            url=page.get("final_url") or entry["url"],
            extensive_dates=entry.get("published_at") is None,
        )
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


def analysis_rows(article_id: str, analysis: Any) -> dict[str, list[dict[str, Any]]]:
    """The mention, quote and date rows of one article's analysis."""
    return {
        "mentions": [
            {
                "article_id": article_id,
                "mention_idx": i,
                "text": e.text,
                "type": e.type,
                "start": e.start,
                "end": e.end,
                "entity_id": e.entity_id,
                "method": e.method,
            }
            for i, e in enumerate(analysis.entities)
        ],
        "quotes": [
            {
                "article_id": article_id,
                "quote_idx": i,
                "kind": q.kind,
                "speaker": q.speaker,
                "speaker_entity_id": q.speaker_entity_id,
                "speaker_kind": q.speaker_kind,
                "cue": q.cue,
                "text": q.text,
                "start": q.start,
                "end": q.end,
            }
            for i, q in enumerate(analysis.quotes)
        ],
        "dates": [
            {
                "article_id": article_id,
                "mention_idx": i,
                "text": d.text,
                "value": d.value,
                "kind": d.kind,
                "start": d.start,
                "end": d.end,
            }
            for i, d in enumerate(analysis.dates)
        ],
    }


def _quarantine_row(
    run: Run, source_id: str, article_id: str, entry: dict[str, Any], rule: str, detail: str
) -> dict[str, Any]:
    return {
        "run_date": run.day,
        "stage": "extract",
        "source_id": source_id,
        "record_key": article_id,
        "rule": rule,
        "detail": detail,
        "payload": json.dumps(entry, default=str, ensure_ascii=False),
    }


OUTPUTS = (
    ("articles", records.ARTICLE),
    ("mentions", records.ENTITY_MENTION),
    ("quotes", records.QUOTE),
    ("dates", records.DATE_MENTION),
)


def extract(source: Source, run: Run) -> dict[str, int]:
    """trafilatura + Arabic extraction for one source's gated pages."""
    sid = source.source_id
    entries = {e["article_id"]: e for e in read_rows(run.path("entries_ok", sid))}
    pages = {p["article_id"]: p for p in read_rows(run.path("pages_ok", sid))}
    for aid, page in pages.items():  # a re-queued page may come without its entry
        entries.setdefault(
            aid,
            {
                "article_id": aid,
                "source_id": sid,
                "url": page["url"],
                "title": None,
                "entry_id": aid,
            },
        )
    out: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in OUTPUTS}
    quarantined = []
    for aid, entry in entries.items():
        try:
            row, analysis, reason = build_article(entry, pages.get(aid), run.day)
        except Exception as exc:
            log.exception("extract %s: article %s failed", sid, aid)
            quarantined.append(
                _quarantine_row(
                    run, sid, aid, entry, "extract_error", f"{type(exc).__name__}: {exc}"
                )
            )
            continue
        if row is None:
            quarantined.append(
                _quarantine_row(
                    run,
                    sid,
                    aid,
                    entry,
                    "no_body",
                    f"no usable page text and no feed text ({reason})",
                )
            )
            continue
        out["articles"].append(row)
        for name, rows in analysis_rows(aid, analysis).items():
            out[name].extend(rows)
    for name, schema in OUTPUTS:
        write_rows(run.path(name, sid), out[name], schema)
    write_rows(run.side_path("quarantine", "extract", sid), quarantined, records.QUARANTINE)
    articles = out["articles"]
    counts = {
        "articles": len(articles),
        "from_page": sum(a["body_source"] == "page" for a in articles),
        "from_feed": sum(a["body_source"] == "feed" for a in articles),
        "arabic_skipped": sum(1 for a in articles if a["analysis_skipped"]),
        "mentions": len(out["mentions"]),
        "quotes": len(out["quotes"]),
        "dates": len(out["dates"]),
        "no_body": len(quarantined),
    }
    log.info("extract %s: %s", sid, " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts
