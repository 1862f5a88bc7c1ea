"""Article body and metadata from an HTML page (trafilatura), or from the feed.

trafilatura does the hard part (boilerplate removal, metadata); this module
decides which text to trust and normalises what it returns: dates become
timezone-aware UTC, the body is cleaned once with
:func:`akhbar.arabic.normalize.clean_text` so every later offset refers to the
stored text.

The page is parsed once. The body comes from one trafilatura pass without its
metadata step; the metadata the pipeline stores (title, canonical URL, author,
image, publication date) is read from the same tree with trafilatura's own
rules, skipping what trafilatura also computes but the pipeline never
uses (site name, categories, tags, licence). The publication date (htmldate,
the most expensive part) is only looked for when :attr:`PageContent.published_at` is
read: the pipeline reads it only when the feed entry has no date.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from akhbar.arabic.normalize import clean_text

log = logging.getLogger(__name__)

MIN_PAGE_BODY_CHARS = 200
# The trafilatura options of the body pass (benchmarks use the same ones for
# their trafilatura baseline).
TRAFILATURA_OPTIONS: dict[str, Any] = {"include_comments": False, "include_tables": False}
# Ask htmldate for the original publication date, with time and offset when the
# page has them. The extensive search (scanning the whole page for date-like
# text) triples extraction time, so it only runs when nothing else dates the
# article: the feed entry's own date is used first.
_DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
_FAST_DATE_PARAMS = {**_DATE_PARAMS, "extensive_search": False}
# trafilatura's Document.clean_and_trim limit for metadata strings.
_META_MAX_CHARS = 10_000

_NOT_LOOKED_UP: Any = object()


class PageContent:
    """What one page gives the pipeline; ``published_at`` is found on first read."""

    __slots__ = ("_date_finder", "_published_at", "author", "canonical_url", "html_lang",
                 "image_url", "text", "title")

    def __init__(
        self,
        title: str | None,
        author: str | None,
        published_at: datetime | None,
        canonical_url: str | None,
        image_url: str | None,
        html_lang: str | None,
        text: str,
        *,
        date_finder: Callable[[], datetime | None] | None = None,
    ) -> None:
        self.title = title
        self.author = author
        self.canonical_url = canonical_url
        self.image_url = image_url
        self.html_lang = html_lang
        self.text = text
        self._published_at = _NOT_LOOKED_UP if date_finder is not None else published_at
        self._date_finder = date_finder

    @property
    def published_at(self) -> datetime | None:
        if self._published_at is _NOT_LOOKED_UP:
            finder, self._date_finder = self._date_finder, None  # drop the page tree
            self._published_at = finder() if finder is not None else None
        return self._published_at

    @property
    def usable(self) -> bool:
        return len(self.text) >= MIN_PAGE_BODY_CHARS

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("title", "author", "canonical_url", "image_url", "html_lang")
        )
        return f"PageContent({fields}, text={len(self.text)} chars)"


def parse_datetime(value: str | None) -> datetime | None:
    """ISO-ish string to an aware UTC datetime (naive values are taken as UTC)."""
    if not value:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _html_lang(html: bytes) -> str | None:
    head = html[:4096].lower()
    marker = head.find(b"<html")
    if marker < 0:
        return None
    tag = head[marker : head.find(b">", marker) + 1]
    pos = tag.find(b"lang=")
    if pos < 0:
        return None
    value = tag[pos + 5 :].strip(b"\"' ").split(b'"')[0].split(b"'")[0].split(b" ")[0]
    return value.decode("ascii", "ignore")[:2] or None


# --------------------------------------------------------------------------- metadata


def _clean_meta(value: str | None) -> str | None:
    """trafilatura's ``Document.clean_and_trim`` for one metadata string."""
    from html import unescape

    from trafilatura.utils import line_processing

    if not isinstance(value, str):
        return None
    if len(value) > _META_MAX_CHARS:
        value = value[: _META_MAX_CHARS - 1] + "…"
    return line_processing(unescape(value)) or None


def _page_metadata(tree: Any, url: str | None) -> Any:
    """The stored fields of trafilatura's ``extract_metadata``, by the same rules
    (meta tags, then JSON-LD, then the page body), from the parsed tree."""
    from trafilatura.metadata import (
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_title,
        extract_url,
    )

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception as exc:  # trafilatura's own guard: bugs in its JSON-LD reader
        log.debug("JSON-LD metadata failed on %s: %s", url, exc)
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.author:
        meta.author = extract_author(tree)
    if not meta.url:
        meta.url = extract_url(tree, url)
    return meta


def _date_finder(tree: Any, url: str | None, extensive: bool) -> Callable[[], datetime | None]:
    """htmldate on the page, run when called (trafilatura's date step, same parameters)."""

    def find() -> datetime | None:
        from htmldate import find_date

        params = _DATE_PARAMS if extensive else _FAST_DATE_PARAMS
        try:
            found = find_date(tree, url=url, **params)
        except Exception as exc:  # htmldate/lxml on hostile markup
            log.warning("htmldate failed on %s: %s", url, exc)
            return None
        return parse_datetime(_clean_meta(found))

    return find


# --------------------------------------------------------------------------- page


def extract_page(
    html: bytes | str, *, url: str | None = None, extensive_dates: bool = True
) -> PageContent:
    """Run trafilatura on one page. Never raises on bad HTML: returns empty text.

    ``extensive_dates=False`` keeps to the page's date metadata (fast); pass it
    when the publication date is known from elsewhere (the feed). Either way the
    date is only looked for if ``published_at`` is read.
    """
    from trafilatura import bare_extraction
    from trafilatura.settings import DEFAULT_CONFIG
    from trafilatura.utils import load_html

    raw = html.encode("utf-8") if isinstance(html, str) else html
    lang = _html_lang(raw)
    try:
        tree = load_html(raw, DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE"))
        doc = None
        if tree is not None:
            # bare_extraction works on its own copy of the tree: ``tree`` stays whole.
            doc = bare_extraction(tree, url=url, with_metadata=False, **TRAFILATURA_OPTIONS)
        meta = _page_metadata(tree, url) if doc is not None else None
    except Exception as exc:  # trafilatura/lxml raise assorted errors on hostile markup
        log.warning("trafilatura failed on %s: %s", url, exc)
        doc = meta = None
    if doc is None or meta is None:
        return PageContent(None, None, None, None, None, lang, "")
    return PageContent(
        title=_clean_meta(meta.title),
        author=_clean_meta(meta.author),
        published_at=None,
        canonical_url=_clean_meta(meta.url),
        image_url=_clean_meta(meta.image),
        html_lang=lang,
        text=clean_text(doc.text or ""),
        date_finder=_date_finder(tree, meta.url, extensive_dates),
    )


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
