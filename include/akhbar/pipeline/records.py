"""Column contracts of the staging Parquet files that stages hand to each other.

Each stage writes one Parquet file per source under
``<data_dir>/staging/<run_date>/<stage>/<source_id>.parquet`` and passes only
paths through XCom. The loader and the quality suites read these same schemas,
so a column added here is added everywhere.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

FEED_FETCH = pa.schema(
    [
        ("run_date", pa.date32()),
        ("source_id", pa.string()),
        ("feed_url", pa.string()),
        ("fetched_at", TS),
        ("status", pa.string()),  # ok | not_modified | error | skipped
        ("http_status", pa.int32()),
        ("bytes", pa.int64()),
        ("duration_ms", pa.int64()),
        ("entries_seen", pa.int32()),
        ("entries_new", pa.int32()),
        ("error", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
    ]
)

FEED_ENTRY = pa.schema(
    [
        ("run_date", pa.date32()),
        ("source_id", pa.string()),
        ("article_id", pa.string()),
        ("entry_id", pa.string()),
        ("url", pa.string()),
        ("title", pa.string()),
        ("summary", pa.string()),
        ("feed_text", pa.string()),  # full text carried by the feed, if any
        ("published_at", TS),
        ("raw_published", pa.string()),
        ("image_url", pa.string()),
    ]
)

PAGE = pa.schema(
    [
        ("run_date", pa.date32()),
        ("source_id", pa.string()),
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("http_status", pa.int32()),
        ("content_type", pa.string()),
        ("bytes", pa.int64()),
        ("fetched_at", TS),
        ("duration_ms", pa.int64()),
        ("error", pa.string()),
        ("fallback", pa.bool_()),  # failed, but the entry's own text stands in for the page
        ("body", pa.binary()),
    ]
)

ARTICLE = pa.schema(
    [
        ("article_id", pa.string()),
        ("run_date", pa.date32()),
        ("source_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("published_at", TS),
        ("fetched_at", TS),
        ("language", pa.string()),
        ("arabic_share", pa.float64()),
        ("body_text", pa.string()),
        ("body_chars", pa.int32()),
        ("body_source", pa.string()),  # page | feed
        ("content_hash", pa.string()),
        ("simhash", pa.int64()),
        ("image_url", pa.string()),
        ("dateline_place", pa.string()),
        ("dateline_source", pa.string()),
        ("analysis_skipped", pa.string()),  # reason when Arabic extraction was skipped
    ]
)

ENTITY_MENTION = pa.schema(
    [
        ("article_id", pa.string()),
        ("mention_idx", pa.int32()),
        ("text", pa.string()),
        ("type", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("entity_id", pa.string()),
        ("method", pa.string()),
    ]
)

QUOTE = pa.schema(
    [
        ("article_id", pa.string()),
        ("quote_idx", pa.int32()),
        ("kind", pa.string()),  # direct | indirect
        ("speaker", pa.string()),
        ("speaker_entity_id", pa.string()),
        ("cue", pa.string()),
        ("text", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("speaker_kind", pa.string()),  # person | organisation | role | anonymous
    ]
)

DATE_MENTION = pa.schema(
    [
        ("article_id", pa.string()),
        ("mention_idx", pa.int32()),
        ("text", pa.string()),
        ("value", pa.date32()),
        ("kind", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)

QUARANTINE = pa.schema(
    [
        ("run_date", pa.date32()),
        ("stage", pa.string()),
        ("source_id", pa.string()),
        ("record_key", pa.string()),
        ("rule", pa.string()),
        ("detail", pa.string()),
        ("payload", pa.string()),  # JSON of the row, so it can be re-queued
    ]
)

DQ_RESULT = pa.schema(
    [
        ("run_date", pa.date32()),
        ("stage", pa.string()),
        ("suite", pa.string()),
        ("expectation", pa.string()),
        ("column_name", pa.string()),
        ("success", pa.bool_()),
        ("observed_value", pa.string()),
        ("unexpected_count", pa.int64()),
        ("element_count", pa.int64()),
    ]
)

# The run's snapshot of the sources catalogue (``staging/<date>/sources.json``).
SOURCE = pa.schema(
    [
        ("source_id", pa.string()),
        ("name", pa.string()),
        ("country", pa.string()),
        ("feed_url", pa.string()),
        ("site_url", pa.string()),
        ("language", pa.string()),
        ("enabled", pa.bool_()),
        ("min_delay_s", pa.float64()),
        ("max_concurrency", pa.int32()),
        ("respect_robots", pa.bool_()),
        ("notes", pa.string()),
    ]
)

STAGE_SCHEMAS: dict[str, pa.Schema] = {
    "feed_fetch": FEED_FETCH,
    "entries": FEED_ENTRY,
    "extract": FEED_ENTRY,  # extraction quarantines the entry it could not turn into an article
    "pages": PAGE,
    "articles": ARTICLE,
    "mentions": ENTITY_MENTION,
    "quotes": QUOTE,
    "dates": DATE_MENTION,
    "quarantine": QUARANTINE,
    "dq": DQ_RESULT,
}
