"""Article body and metadata from an HTML page (trafilatura), or from the feed.

trafilatura does the hard part (boilerplate removal, metadata); this module
decides which text to trust and normalises what it returns: dates become
timezone-aware UTC, the body is cleaned once with
:func:`akhbar.arabic.normalize.clean_text` so every later offset refers to the
stored text.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from akhbar.arabic.normalize import clean_text

log = logging.getLogger(__name__)

MIN_PAGE_BODY_CHARS = 200
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


@dataclass
class PageContent:
    title: str | None
    author: str | None
    published_at: datetime | None
    canonical_url: str | None
    image_url: str | None
    html_lang: str | None
    text: str

    @property
    def usable(self) -> bool:
        return len(self.text) >= MIN_PAGE_BODY_CHARS


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


def extract_page(
    html: bytes | str, *, url: str | None = None, extensive_dates: bool = True
) -> PageContent:
    """Run trafilatura on one page. Never raises on bad HTML: returns empty text.

    ``extensive_dates=False`` keeps to the page's date metadata (fast); pass it
    when the publication date is known from elsewhere (the feed).
    """
    from trafilatura import bare_extraction

    raw = html.encode("utf-8") if isinstance(html, str) else html
    try:
        doc = bare_extraction(
            raw,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params=_DATE_PARAMS if extensive_dates else _FAST_DATE_PARAMS,
        )
    except Exception as exc:  # trafilatura/lxml raise assorted errors on hostile markup
        log.warning("trafilatura failed on %s: %s", url, exc)
        doc = None
    if doc is None:
        return PageContent(None, None, None, None, None, _html_lang(raw), "")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return PageContent(
        title=(data.get("title") or None),
        author=(data.get("author") or None),
        published_at=parse_datetime(data.get("date")),
        canonical_url=(data.get("url") or None),
        image_url=(data.get("image") or None),
        html_lang=_html_lang(raw),
        text=clean_text(data.get("text") or ""),
    )


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
