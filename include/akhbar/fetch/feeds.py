"""Safe RSS/Atom parsing: bytes in, typed entries out.

feedparser only ever sees bytes we prepared (never a URL):

1. **Entity defence.** feedparser 6 still expands internal entities (a 40 KB
   quadratic-blowup feed took 315 MB), so a document whose prolog carries a
   DOCTYPE with an internal subset, or any ``<!ENTITY``, is rejected with
   ``rejected_reason='dtd_or_entity_declaration'`` before parsing. A DOCTYPE
   that is only a public/system identifier (Netscape RSS 0.91) declares
   nothing; it is removed and the feed parsed (nothing here fetches external
   DTDs), with ``bozo_reason='doctype_removed'``.
2. **Decoding.** BOM, then the HTTP charset, then the XML declaration, then
   UTF-8, then charset_normalizer detection (legacy Arabic: windows-1256,
   ISO-8859-6, cp864). The first candidate that decodes strictly wins; the text
   is handed to feedparser as UTF-8 with the XML declaration rewritten so it
   does not re-guess.
3. **Entries.** Stable ids (GUID, else normalised link, else hash of
   title+date), UTC dates (feedparser's parsers, then an Arabic-aware
   fallback), plain ``summary`` and full ``feed_text`` when the feed carries it.

Steps 1 and 2 (and the character-reference repair) are :mod:`akhbar.fetch.feed_text`;
the date fallback is :mod:`akhbar.fetch.feed_dates`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from akhbar.fetch.dedup import normalize_url
from akhbar.fetch.feed_dates import parse_date, struct_to_dt
from akhbar.fetch.feed_text import (
    MARKER_RE,
    MARKER_SET,
    decode_feed,
    guard_dtd,
    mark_invalid_char_refs,
    with_utf8_declaration,
)

__all__ = [
    "BadEntry",
    "FeedEntry",
    "ParsedFeed",
    "decode_feed",
    "html_to_text",
    "parse_date",
    "parse_feed",
]

FULL_TEXT_MIN_CHARS = 400
SUMMARY_MAX_CHARS = 400


_TAG = re.compile(r"<[^>]*>")
_BLOCK_BREAK = re.compile(
    r"<\s*(br|/p|p|/div|div|/li|li|/h[1-6]|h[1-6]|/tr|/blockquote|blockquote)\b[^>]*>",
    re.IGNORECASE,
)
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_IMG_SRC = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINES = re.compile(r"\s*\n\s*")


@dataclass
class FeedEntry:
    entry_id: str
    url: str
    title: str | None = None
    summary: str | None = None
    feed_text: str | None = None
    published_at: datetime | None = None  # UTC aware
    raw_published: str | None = None
    image_url: str | None = None


@dataclass(frozen=True)
class BadEntry:
    """An item left out of ``entries`` so the poll stage can quarantine it.

    ``key`` is the entry id the item would have had (GUID, normalised link or
    title/date hash, with U+FFFD where a reference was repaired); ``rule`` is
    machine-readable (``invalid_char_ref``); ``detail`` says what and where.
    """

    key: str
    rule: str
    detail: str
    url: str | None = None
    title: str | None = None


@dataclass
class ParsedFeed:
    entries: list[FeedEntry] = field(default_factory=list)
    title: str | None = None
    encoding: str | None = None
    bozo: bool = False
    bozo_reason: str | None = None
    rejected_reason: str | None = None
    bad_entries: list[BadEntry] = field(default_factory=list)


def _markers_in(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.update(ch for ch in value if ch in MARKER_SET)
    elif isinstance(value, Mapping):
        for item in value.values():
            _markers_in(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _markers_in(item, out)


def _marked_fields(entry: Mapping[str, Any]) -> tuple[list[str], set[str]]:
    """(top-level field names holding a marker, markers seen) of one raw entry."""
    fields: list[str] = []
    markers: set[str] = set()
    for key, value in entry.items():
        here: set[str] = set()
        _markers_in(value, here)
        if here:
            markers |= here
            if not key.endswith(("_detail", "_parsed")):
                fields.append(key)
    return sorted(fields), markers


def _unmark(text: str | None) -> str | None:
    return MARKER_RE.sub("\ufffd", text) if text else text


def _unmark_in_place(value: Any) -> Any:
    """Markers -> U+FFFD in a feedparser structure (dicts and lists changed in place)."""
    if isinstance(value, str):
        return _unmark(value)
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _unmark_in_place(value[key])
    elif isinstance(value, list):
        value[:] = [_unmark_in_place(item) for item in value]
    return value


def _split_marked(
    raw: list[Any], found: dict[str, list[str]], base: str | None
) -> tuple[list[Any], list[BadEntry], set[str]]:
    """(entries without repaired references, the others as BadEntry, markers they used)."""
    if not found:
        return raw, [], set()
    good: list[Any] = []
    bad: list[BadEntry] = []
    used: set[str] = set()
    for entry in raw:
        fields, markers = _marked_fields(entry)
        if not markers:
            good.append(entry)
            continue
        used |= markers
        refs = ", ".join(sorted({ref for m in markers for ref in found.get(m, [])}))
        built = _build_entries([_unmark_in_place(entry)], base)
        first = built[0] if built else None
        bad.append(
            BadEntry(
                key=first.entry_id if first else _hash_id(None, None),
                rule="invalid_char_ref",
                detail=f"{', '.join(fields) or 'entry'}: invalid character reference "
                f"{refs} replaced with U+FFFD",
                url=first.url if first else None,
                title=first.title if first else None,
            )
        )
    return good, bad, used


# --------------------------------------------------------------------------- text


def html_to_text(value: str | None) -> str | None:
    """Plain text with paragraph newlines: tags stripped, entities unescaped."""
    if not value:
        return None
    text = _SCRIPT_STYLE.sub(" ", value)
    text = _BLOCK_BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text).strip()
    return text or None


def _short(text: str | None) -> str | None:
    if not text or len(text) <= SUMMARY_MAX_CHARS:
        return text
    first = text.split("\n", 1)[0]
    if len(first) <= SUMMARY_MAX_CHARS:
        return first
    cut = first[:SUMMARY_MAX_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


# --------------------------------------------------------------------------- entries


def _image(entry: Any, html_values: list[str], base: str | None) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for item in entry.get(key) or []:
            url = item.get("url")
            medium = (item.get("medium") or item.get("type") or "image").lower()
            if url and ("image" in medium or key == "media_thumbnail"):
                return urljoin(base or "", url)
    for enc in entry.get("enclosures") or []:
        if (enc.get("type") or "").lower().startswith("image/") and enc.get("href"):
            return urljoin(base or "", enc["href"])
    for link in entry.get("links") or []:
        if (link.get("type") or "").lower().startswith("image/") and link.get("href"):
            return urljoin(base or "", link["href"])
    for value in html_values:
        m = _IMG_SRC.search(value or "")
        if m:
            return urljoin(base or "", html.unescape(m.group(1)))
    return None


def _entry_link(entry: Any, base: str | None) -> str:
    link = entry.get("link") or ""
    if not link:
        for item in entry.get("links") or []:
            if item.get("rel", "alternate") == "alternate" and item.get("href"):
                link = item["href"]
                break
    if not link and str(entry.get("guidislink", "")).lower() in ("true", "1"):
        link = entry.get("id") or ""
    link = link.strip()
    return urljoin(base, link) if (base and link) else link


def _hash_id(title: str | None, raw_date: str | None) -> str:
    key = f"{title or ''}\x1f{raw_date or ''}"
    return "h:" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()


def _build_entries(entries: list[Any], base: str | None) -> list[FeedEntry]:
    guid_counts: dict[str, int] = {}
    for e in entries:
        g = (e.get("id") or "").strip()
        if g:
            guid_counts[g] = guid_counts.get(g, 0) + 1
    out: list[FeedEntry] = []
    seen: set[str] = set()
    for e in entries:
        link = _entry_link(e, base)
        title = html_to_text(e.get("title"))
        raw_date = e.get("published") or e.get("updated") or e.get("created")
        published = None
        for key in ("published_parsed", "updated_parsed", "created_parsed"):
            if e.get(key):
                published = struct_to_dt(e[key])
                if published:
                    break
        if published is None and raw_date:
            published = parse_date(raw_date)
        description = e.get("summary") or e.get("description") or ""
        contents = [c.get("value", "") for c in (e.get("content") or []) if c.get("value")]
        content_text = max((html_to_text(c) or "" for c in contents), key=len, default="")
        desc_text = html_to_text(description)
        if content_text and len(content_text) >= len(desc_text or ""):
            feed_text: str | None = content_text
        elif desc_text and len(desc_text) > FULL_TEXT_MIN_CHARS:
            feed_text = desc_text
        else:
            feed_text = content_text or None
        guid = (e.get("id") or "").strip()
        if guid and guid_counts.get(guid, 0) == 1 and len(guid) <= 1024:
            entry_id = guid
        elif link:
            entry_id = normalize_url(link)
        else:
            entry_id = _hash_id(title, raw_date)
        if entry_id in seen:  # exact repeat within one document
            continue
        seen.add(entry_id)
        out.append(
            FeedEntry(
                entry_id=entry_id,
                url=link,
                title=title,
                summary=_short(desc_text),
                feed_text=feed_text,
                published_at=published,
                raw_published=raw_date,
                image_url=_image(e, [*contents, description], base),
            )
        )
    return out


def parse_feed(
    body: bytes, *, headers: Mapping[str, str] | None = None, base_url: str | None = None
) -> ParsedFeed:
    """Parse a feed document from bytes. Never raises for bad input."""
    if not body or not body.strip():
        return ParsedFeed(bozo=True, bozo_reason="empty document", rejected_reason="empty")
    try:
        text, encoding = decode_feed(body, headers)
    except Exception as exc:  # pragma: no cover - decode_feed is total
        return ParsedFeed(bozo=True, bozo_reason=repr(exc), rejected_reason="decode_error")
    guarded, doctype_removed = guard_dtd(text)
    if guarded is None:
        return ParsedFeed(
            encoding=encoding,
            bozo=True,
            bozo_reason="DOCTYPE internal subset or ENTITY declaration",
            rejected_reason="dtd_or_entity_declaration",
        )
    guarded, found = mark_invalid_char_refs(guarded)
    utf8 = with_utf8_declaration(guarded).encode("utf-8", errors="surrogatepass")
    fp_headers = {k.lower(): v for k, v in (headers or {}).items()}
    fp_headers["content-type"] = "application/xml; charset=utf-8"
    fp_headers.pop("content-encoding", None)
    if base_url and "content-location" not in fp_headers:
        fp_headers["content-location"] = base_url
    try:
        parsed = feedparser.parse(utf8, response_headers=fp_headers)
    except Exception as exc:
        return ParsedFeed(
            encoding=encoding,
            bozo=True,
            bozo_reason=f"{type(exc).__name__}: {exc}",
            rejected_reason="parser_crash",
        )
    base = fp_headers.get("content-location") or base_url
    feed_title = _unmark(html_to_text(parsed.feed.get("title")))
    good_raw, bad_entries, used = _split_marked(list(parsed.entries), found, base)
    bozo = bool(parsed.get("bozo"))
    reason = None
    if bozo:
        exc = parsed.get("bozo_exception")
        reason = f"{type(exc).__name__}: {exc}"[:500] if exc else "bozo"
    elif doctype_removed:
        reason = "doctype_removed"
    outside = [ref for marker, refs in found.items() if marker not in used for ref in refs]
    if outside:  # repaired in the channel header: the items stay, the feed is flagged
        bozo = True
        reason = reason or f"invalid character reference {', '.join(outside)} replaced"[:500]
    rejected = None
    if not parsed.get("version") and not parsed.entries and not feed_title:
        rejected = "not_a_feed"
    return ParsedFeed(
        entries=_build_entries(good_raw, base),
        title=feed_title,
        encoding=encoding,
        bozo=bozo,
        bozo_reason=reason,
        rejected_reason=rejected,
        bad_entries=bad_entries,
    )
