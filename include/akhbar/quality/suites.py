"""Expectation definitions per stage, as data.

Each :class:`Rule` names one quarantine reason code and the Great Expectations
expectation that detects it. A rule is a native GX expectation wherever one fits
(not-null, regex, in-set, between, unique, compound-columns-unique, column pair
equality). Only checks no expectation can state (a span inside another row's
article body, "first occurrence kept" duplicates, text with a letter after Arabic
cleaning, a date against the run's clock) are a *derived* boolean column
``chk_<rule>`` (True = row is fine) that :mod:`akhbar.quality.gate` computes before
validation, checked with ``expect_column_values_to_be_in_set([True])``; those carry
a ``description`` so Data Docs say what the rule checks instead of "values must
belong to this set: True". Every expectation's ``meta`` holds its rule code and notes,
and each suite's ``notes`` list the rules. Order matters: a row failing several
rules is quarantined once, under the first rule it fails (all failures go in ``detail``).

Nothing here imports great_expectations; the GX objects are built lazily.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from akhbar.sqlfiles import sql

STAGES: tuple[str, ...] = ("entries", "pages", "articles", "mentions", "quotes", "dates")

ENTITY_TYPES: tuple[str, ...] = ("PER", "LOC", "ORG", "MISC")
QUOTE_KINDS: tuple[str, ...] = ("direct", "indirect")
ARABIC_LANGUAGES: tuple[str, ...] = ("ar",)  # plus missing/empty language = assumed Arabic

# Thresholds (one place, so the docs and the tests quote the same numbers).
FUTURE_TOLERANCE_DAYS = 1
MIN_PUBLISHED_YEAR = 1990
MIN_BODY_CHARS = 200
MIN_ARABIC_SHARE = 0.5
MIN_PAGE_BYTES = 200
MAX_PAGE_BYTES = 5_000_000  # same as config.Settings.max_page_bytes
PAGE_CONTENT_TYPES = r"(?i)^\s*(?:text/html|application/xhtml\+xml)\b"
ABSOLUTE_HTTP_URL = r"(?i)^https?://[^/\s?#]+"

# Batch rules.
MAX_FAILED_SHARE = 0.5  # more than this share of one source's rows failing fails the batch
MIN_ROWS_FOR_SHARE = 3  # ... when the source has at least this many rows in the batch
VOLUME_WINDOW_DAYS = 7
VOLUME_MIN_AVG = 5.0  # trailing average below this is "trivial": no collapse rule
VOLUME_MIN_RATIO = 0.2  # today < 20 % of the trailing average = collapse


@dataclass(frozen=True)
class Rule:
    """One row-level check: reason code -> GX expectation."""

    rule: str
    expectation: str  # GX expectation class name
    column: str  # "" for multi-column expectations (their columns are in kwargs)
    kwargs: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    description: str = ""  # shown in Data Docs instead of GX's generated sentence
    computed: bool = False  # the gate computes the column (a measure, not a chk_ flag)

    @property
    def derived(self) -> bool:
        return self.computed or self.column.startswith("chk_")

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the expectation reads."""
        if self.column:
            return (self.column,)
        pair = tuple(self.kwargs[k] for k in ("column_A", "column_B") if k in self.kwargs)
        return tuple(self.kwargs.get("column_list", ())) + pair

    def describe(self) -> str:
        """Short human form, e.g. ``expect_column_values_to_not_be_null(title)``."""
        return f"{snake(self.expectation)}({', '.join(self.columns)})"


def snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _chk(rule: str, notes: str) -> Rule:
    """A derived check: ``chk_<rule>`` is True for a good row; the docs show ``notes``."""
    return Rule(
        rule,
        "ExpectColumnValuesToBeInSet",
        f"chk_{rule}",
        {"value_set": [True]},
        notes,
        description=f"Rule {rule}: {notes} (derived column chk_{rule} must be True).",
    )


def suite_notes(rules: list[Rule]) -> list[str]:
    """Markdown notes of a suite: one line per rule, in quarantine priority order."""
    lines = ["Rules, in the order a failing row is attributed to them:"]
    seen: set[str] = set()
    for r in rules:
        if r.rule in seen:
            continue
        seen.add(r.rule)
        lines.append(f"* **{r.rule}**: {r.notes or r.describe()}")
    return ["\n".join(lines)]


SUITES: dict[str, list[Rule]] = {
    "entries": [
        Rule("url_missing", "ExpectColumnValuesToNotBeNull", "url", notes="entry has no link"),
        Rule(
            "url_not_absolute",
            "ExpectColumnValuesToMatchRegex",
            "url",
            {"regex": ABSOLUTE_HTTP_URL},
            "link must be an absolute http(s) URL",
        ),
        _chk("duplicate_entry_id", "entry id (url when missing) unique per source; first kept"),
        _chk("title_missing", "title has at least one letter or digit after cleaning"),
        _chk("published_unparseable", "raw_published given but no published_at parsed"),
        _chk("published_in_future", f"published_at <= now + {FUTURE_TOLERANCE_DAYS} day"),
    ],
    "pages": [
        Rule(
            "fetch_failed",
            "ExpectColumnValuesToBeNull",
            "error",
            notes="the fetcher's reason code (timeout, too_large, address_refused, ...)",
        ),
        Rule(
            "http_status_not_200",
            "ExpectColumnValuesToBeInSet",
            "http_status",
            {"value_set": [200]},
            "only 200 responses are extracted",
        ),
        Rule(
            "http_status_not_200",
            "ExpectColumnValuesToNotBeNull",
            "http_status",
            notes="no HTTP status (fetch error)",
        ),
        Rule(
            "content_type_not_html",
            "ExpectColumnValuesToMatchRegex",
            "content_type",
            {"regex": PAGE_CONTENT_TYPES},
            "text/html or application/xhtml+xml",
        ),
        Rule(
            "content_type_not_html",
            "ExpectColumnValuesToNotBeNull",
            "content_type",
            notes="content type missing",
        ),
        Rule(
            "page_size_out_of_range",
            "ExpectColumnValuesToBeBetween",
            "chk_size",
            {"min_value": MIN_PAGE_BYTES, "max_value": MAX_PAGE_BYTES},
            f"body bytes in [{MIN_PAGE_BYTES}, {MAX_PAGE_BYTES}]",
        ),
    ],
    "articles": [
        _chk("duplicate_article_id", "article_id unique in the batch; first kept"),
        Rule(
            "body_too_short",
            "ExpectColumnValuesToBeBetween",
            "cleaned_body_chars",
            {"min_value": MIN_BODY_CHARS},
            f"cleaned body has >= {MIN_BODY_CHARS} characters",
            computed=True,
        ),
        Rule(
            "not_arabic",
            "ExpectColumnValuesToBeBetween",
            "arabic_share_checked",
            {"min_value": MIN_ARABIC_SHARE},
            f"arabic_share >= {MIN_ARABIC_SHARE} unless `language` says non-Arabic "
            "(those are kept, flagged by language; their value here is null, so not checked)",
            computed=True,
        ),
        _chk("title_missing", "title has at least one letter or digit after cleaning"),
        _chk("published_too_old", f"published_at (when known) not before {MIN_PUBLISHED_YEAR}"),
        _chk("published_in_future", f"published_at <= now + {FUTURE_TOLERANCE_DAYS} day"),
    ],
    "mentions": [
        _chk("article_unknown", "article_id has a body in this run"),
        _chk("span_outside_body", "0 <= start < end <= len(body)"),
        _chk("span_text_mismatch", "text == body[start:end]"),
        Rule(
            "type_not_allowed",
            "ExpectColumnValuesToBeInSet",
            "type",
            {"value_set": list(ENTITY_TYPES)},
            f"entity type is one of {', '.join(ENTITY_TYPES)}",
        ),
        Rule("type_not_allowed", "ExpectColumnValuesToNotBeNull", "type", notes="type missing"),
    ],
    "quotes": [
        _chk("article_unknown", "article_id has a body in this run"),
        _chk("span_outside_body", "0 <= start < end <= len(body)"),
        Rule(
            "quote_kind_not_allowed",
            "ExpectColumnValuesToBeInSet",
            "kind",
            {"value_set": list(QUOTE_KINDS)},
            f"quote kind is one of {', '.join(QUOTE_KINDS)}",
        ),
        Rule(
            "quote_kind_not_allowed", "ExpectColumnValuesToNotBeNull", "kind", notes="kind missing"
        ),
        _chk("speaker_missing", "quote has a speaker"),
        _chk("quote_text_missing", "quote text present"),
    ],
    "dates": [
        _chk("article_unknown", "article_id has a body in this run"),
        _chk("span_outside_body", "0 <= start < end <= len(body)"),
    ],
}

# Columns that identify a record (quarantine.record_key) per stage.
RECORD_KEY: dict[str, tuple[str, ...]] = {
    "entries": ("source_id", "entry_id"),
    "pages": ("article_id",),
    "articles": ("article_id",),
    "mentions": ("article_id", "mention_idx"),
    "quotes": ("article_id", "quote_idx"),
    "dates": ("article_id", "mention_idx"),
}

# Staging schema name in records.STAGE_SCHEMAS per gate stage.
STAGE_SCHEMA: dict[str, str] = {s: s for s in STAGES}


# --------------------------------------------------------------------------- warehouse
# Each check reads the run's rows of one fact table (``?`` = run_date) into a
# DataFrame with a ``record_key`` column and the LEFT JOINed dimension keys, which a
# GX suite then validates with native expectations (not-null, unique, pair equality). Each query reads only the run's rows, so the check
# costs the day's volume, not the warehouse's: article_id uniqueness counts this
# run's ids across the whole table (an id loaded on an earlier date is a
# duplicate too); child rows' keys start with their article_id, whose earlier
# copies the load deletes, so counting within the run is enough for them.


@dataclass(frozen=True)
class WarehouseCheck:
    name: str
    table: str
    sql: str
    rules: list[Rule]


def _known(rule: str, column: str, dim: str, notes: str) -> Rule:
    """``column`` has a row in ``dim`` (the query's LEFT JOIN leaves ``<dim>_id`` null)."""
    return Rule(
        rule,
        "ExpectColumnValuesToNotBeNull",
        column,
        notes=notes,
        description=f"Rule {rule}: {notes.replace(' not in ', ' must be in ')} "
        f"({column}, from a LEFT JOIN, is never null).",
    )


def _unique(rule: str, columns: list[str], notes: str) -> Rule:
    if len(columns) == 1:
        return Rule(rule, "ExpectColumnValuesToBeUnique", columns[0], notes=notes)
    return Rule(rule, "ExpectCompoundColumnsToBeUnique", "", {"column_list": columns}, notes)


def _entity_known(column: str, notes: str) -> Rule:
    return Rule(
        "entity_unknown",
        "ExpectColumnPairValuesToBeEqual",
        "",
        {
            "column_A": column,
            "column_B": "dim_entity_id",
            "ignore_row_if": "both_values_are_missing",
        },
        notes,
        description=f"Rule entity_unknown: a non-null {column} must have a row in dim_entity "
        f"({column} equals dim_entity_id from a LEFT JOIN).",
    )


def _orphan_article() -> Rule:
    return _known(
        "orphan_article", "fact_article_id", "fact_article", "article_id not in fact_article"
    )


def _source_known() -> Rule:
    return _known("source_unknown", "dim_source_id", "dim_source", "source_id not in dim_source")


def _natural_key(columns: list[str]) -> Rule:
    """``columns`` unique within the run's frame (the run date is fixed per frame)."""
    return _unique("duplicate_key", columns, f"natural key ({', '.join(columns)}) not unique")


WAREHOUSE_CHECKS: list[WarehouseCheck] = [
    WarehouseCheck(
        "feed_fetch",
        "fact_feed_fetch",
        sql("quality/warehouse_feed_fetch"),
        [
            _source_known(),
            # one run_date per frame: (run_date, source_id) unique == source_id unique
            _unique("duplicate_key", ["source_id"], "natural key (run_date, source_id) not unique"),
        ],
    ),
    WarehouseCheck(
        "article",
        "fact_article",
        sql("quality/warehouse_article"),
        [
            _source_known(),
            # derived: an id loaded on an earlier date is a duplicate too, and the frame
            # holds only this run's rows, so a unique-in-frame expectation cannot see it
            _chk("duplicate_article_id", "article_id not unique in fact_article"),
        ],
    ),
    WarehouseCheck(
        "entity_mention",
        "fact_entity_mention",
        sql("quality/warehouse_entity_mention"),
        [
            _orphan_article(),
            _entity_known("entity_id", "entity_id not in dim_entity"),
            _natural_key(["article_id", "mention_idx"]),
        ],
    ),
    WarehouseCheck(
        "quote",
        "fact_quote",
        sql("quality/warehouse_quote"),
        [
            _orphan_article(),
            _entity_known("speaker_entity_id", "speaker_entity_id not in dim_entity"),
            _natural_key(["article_id", "quote_idx"]),
        ],
    ),
    WarehouseCheck(
        "date_mention",
        "fact_date_mention",
        sql("quality/warehouse_date_mention"),
        [
            _orphan_article(),
            _natural_key(["article_id", "mention_idx"]),
        ],
    ),
    WarehouseCheck(
        "story_cluster",
        "fact_story_cluster",
        sql("quality/warehouse_story_cluster"),
        [
            _source_known(),
            _orphan_article(),
            _natural_key(["cluster_id", "article_id"]),
        ],
    ),
]

WAREHOUSE_VOLUME_RULES: list[Rule] = [
    _chk(
        "volume_collapse",
        f"articles per source today >= {VOLUME_MIN_RATIO:.0%} of the trailing "
        f"{VOLUME_WINDOW_DAYS}-day average (when that average >= {VOLUME_MIN_AVG})",
    ),
]
