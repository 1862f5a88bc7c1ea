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
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
from feedparser.datetimes import _parse_date as _fp_parse_date

from akhbar.arabic.normalize import to_ascii_digits
from akhbar.fetch.dedup import normalize_url

FULL_TEXT_MIN_CHARS = 400
SUMMARY_MAX_CHARS = 400

# Declared names Python does not know (or knows as something narrower) -> codec.
CHARSET_ALIASES: dict[str, str] = {
    "ms-arab": "cp1256",
    "x-mac-arabic": "mac-arabic",
    "asmo-708": "iso8859-6",
    "arabic": "iso8859-6",
    "iso-8859-6-i": "iso8859-6",
    "iso-8859-6-e": "iso8859-6",
    "csisolatinarabic": "iso8859-6",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-user-defined": "windows-1252",
    "unicode": "utf-16",
    "utf8": "utf-8",
}
# charset_normalizer candidates tried when nothing is declared, in this order.
ARABIC_FALLBACKS: tuple[str, ...] = ("cp1256", "iso8859-6", "cp864")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32le"),
    (codecs.BOM_UTF32_BE, "utf-32be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECL_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']""", re.IGNORECASE)
_PROLOG_SKIP = re.compile(r"\s+|<!--.*?-->|<\?.*?\?>", re.DOTALL)
_DOCTYPE_HEAD = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)
_CDATA_OR_COMMENT = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)

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


# --------------------------------------------------------------------------- decoding


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("'\"").lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _http_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for part in ctype.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip()
    return None


def _sniff_utf16_32(body: bytes) -> str | None:
    """XML spec appendix F: '<?' in UTF-16/32 without a BOM."""
    head = body[:4]
    return {
        b"\x00\x00\x00<": "utf-32be",
        b"<\x00\x00\x00": "utf-32le",
        b"\x00<\x00?": "utf-16be",
        b"<\x00?\x00": "utf-16le",
        b"\x00<\x00!": "utf-16be",
        b"<\x00!\x00": "utf-16le",
        b"\x00<\x00r": "utf-16be",
        b"<\x00r\x00": "utf-16le",
    }.get(head)


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    if best is None:
        return None
    return _codec(best.encoding)


def decode_feed(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(text, codec used). Never raises: the last resort decodes with replacement."""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            try:
                return body[len(bom) :].decode(enc), enc
            except UnicodeDecodeError:
                return body[len(bom) :].decode(enc, errors="replace"), enc
    candidates: list[str | None] = [_codec(_http_charset(headers))]
    wide = _sniff_utf16_32(body)
    if wide:
        candidates.append(wide)
    decl = _XML_DECL.match(body)
    if decl:
        m = _DECL_ENCODING.search(decl.group(0))
        if m:
            candidates.append(_codec(m.group(1).decode("ascii")))
    candidates.append("utf-8")
    tried: set[str] = set()
    for enc in candidates:
        if not enc or enc in tried:
            continue
        tried.add(enc)
        if enc.startswith("utf-16") and wide is None and not decl:
            continue
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    detected = _detect(body)
    for enc in (detected, *ARABIC_FALLBACKS):
        if not enc or enc in tried:
            continue
        try:
            return body.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("cp1256", errors="replace"), "cp1256"


def _with_utf8_declaration(text: str) -> str:
    text = text.lstrip("\ufeff")
    m = _XML_DECL_TEXT.match(text)
    if m:
        decl = re.sub(
            r"""encoding\s*=\s*["'][^"']*["']""", 'encoding="utf-8"', m.group(0), flags=re.I
        )
        if "encoding" not in decl.lower():
            decl = decl[:-2].rstrip() + ' encoding="utf-8"?>'
        return decl + text[m.end() :]
    return '<?xml version="1.0" encoding="utf-8"?>\n' + text


def _guard_dtd(text: str) -> tuple[str | None, bool]:
    """(text to parse or None when rejected, doctype_removed)."""
    if _ENTITY_DECL.search(_CDATA_OR_COMMENT.sub("", text)):
        return None, False
    pos = 0
    m = _XML_DECL_TEXT.match(text)
    if m:
        pos = m.end()
    while True:
        skip = _PROLOG_SKIP.match(text, pos)
        if not skip or skip.end() == pos:
            break
        pos = skip.end()
    if not _DOCTYPE_HEAD.match(text, pos):
        return text, False
    # Find the end of the DOCTYPE, honouring quoted identifiers.
    i, quote = pos + 9, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            return None, False  # internal subset: declarations
        elif ch == ">":
            return text[:pos] + text[i + 1 :], True
        i += 1
    return None, False


# --------------------------------------------------------------------------- char refs

# feedparser crashes on some numeric references (&#xD800; -> UnicodeEncodeError,
# &#x110000; -> ValueError, 20 digits -> OverflowError) and loses the whole
# document. Every reference to a character XML 1.0 does not allow is replaced
# before parsing by a marker, one Unicode noncharacter (U+FDD0..U+FDEF) per
# distinct reference; an item whose fields carry a marker afterwards is left
# out of ``entries`` and reported in ``ParsedFeed.bad_entries``.
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")
_MARKERS = tuple(chr(cp) for cp in range(0xFDD0, 0xFDF0))
_MARKER_SET = frozenset(_MARKERS)
_MARKER_RE = re.compile("[" + "".join(_MARKERS) + "]")
_MAX_REF_DIGITS = 8  # longer than any valid code point, whatever the base


def _xml_char_problem(digits: str, base: int) -> str | None:
    """Why the referenced code point is not an XML 1.0 character, or None."""
    if len(digits.lstrip("0")) > _MAX_REF_DIGITS:
        return "beyond U+10FFFF"
    cp = int(digits, base)
    if cp > 0x10FFFF:
        return "beyond U+10FFFF"
    if 0xD800 <= cp <= 0xDFFF:
        return "surrogate"
    if cp == 0:
        return "NUL"
    if cp < 0x20 and cp not in (0x9, 0xA, 0xD):
        return "control character"
    if cp in (0xFFFE, 0xFFFF):
        return "noncharacter"
    return None


def mark_invalid_char_refs(text: str) -> tuple[str, dict[str, list[str]]]:
    """(text with invalid references replaced by markers, marker -> references).

    Markers already present in the document (noncharacters, not for interchange)
    become U+FFFD first, so only repaired references carry one.
    """
    text = _MARKER_RE.sub("\ufffd", text)
    found: dict[str, list[str]] = {}
    by_ref: dict[str, str] = {}

    def _sub(m: re.Match[str]) -> str:
        hex_digits, dec_digits = m.group(1), m.group(2)
        problem = _xml_char_problem(hex_digits or dec_digits, 16 if hex_digits else 10)
        if problem is None:
            return m.group(0)
        ref = m.group(0) if len(m.group(0)) <= 24 else m.group(0)[:20] + "…;"
        if ref not in by_ref:
            marker = _MARKERS[min(len(by_ref), len(_MARKERS) - 1)]
            by_ref[ref] = marker
            found.setdefault(marker, []).append(f"{ref} ({problem})")
        return by_ref[ref]

    return _CHAR_REF.sub(_sub, text), found


def _markers_in(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.update(ch for ch in value if ch in _MARKER_SET)
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
    return _MARKER_RE.sub("\ufffd", text) if text else text


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


# --------------------------------------------------------------------------- dates

# Arabic month names (Egypt/Gulf, Levant, Maghreb) -> month number. Keys are
# matched after removing hamza forms on alef (أ/إ/آ -> ا) and taa marbuta/yaa folds.
ARABIC_MONTHS: dict[str, int] = {
    "يناير": 1, "كانون الثاني": 1, "جانفي": 1, "جانفييه": 1,
    "فبراير": 2, "شباط": 2, "فيفري": 2, "فبرير": 2,
    "مارس": 3, "اذار": 3, "مارص": 3,
    "ابريل": 4, "نيسان": 4, "افريل": 4, "ابرىل": 4,
    "مايو": 5, "ايار": 5, "ماي": 5,
    "يونيو": 6, "يونيه": 6, "حزيران": 6, "جوان": 6, "يونيوز": 6,
    "يوليو": 7, "يوليه": 7, "تموز": 7, "جويلية": 7, "يوليوز": 7,
    "اغسطس": 8, "اب": 8, "اوت": 8, "غشت": 8,
    "سبتمبر": 9, "ايلول": 9, "شتنبر": 9,
    "اكتوبر": 10, "تشرين الاول": 10,
    "نوفمبر": 11, "تشرين الثاني": 11, "نونبر": 11,
    "ديسمبر": 12, "كانون الاول": 12, "دجنبر": 12,
}  # fmt: skip
ARABIC_WEEKDAYS = ("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت")
_EN_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
_MONTHS_FOLDED = {k.strip().translate(_ALEF): v for k, v in ARABIC_MONTHS.items()}
_TZ = re.compile(r"(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?\s*$|\b(?:GMT|UTC|Z)\s*$", re.I)
_DMY = re.compile(
    r"(?P<d>\d{1,2})\s*[-/ ]?\s*(?P<mon>[^\d\s,/-]+(?:\s[^\d\s,/-]+)?|\d{1,2})\s*[-/ ,]?\s*"
    r"(?P<y>\d{4})(?:\D+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AP]M|ص|م)?)?",
    re.IGNORECASE,
)


def _struct_to_dt(value: Any) -> datetime | None:
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _month(token: str) -> int | None:
    token = token.strip().translate(_ALEF)
    if token.isdigit():
        n = int(token)
        return n if 1 <= n <= 12 else None
    if token.lower()[:3] in _EN_MONTHS:
        return _EN_MONTHS[token.lower()[:3]]
    if token in _MONTHS_FOLDED:
        return _MONTHS_FOLDED[token]
    return _MONTHS_FOLDED.get(token.split(" ")[0])


def parse_date(raw: str | None) -> datetime | None:
    """UTC datetime from RFC 822 / ISO 8601 / Arabic forms ("٢٤ نوفمبر ٢٠٢٤ ١٠:٣٠ م").

    Dates without a zone are taken as UTC.
    """
    if not raw or not raw.strip():
        return None
    text = to_ascii_digits(raw.strip()).replace("،", ",").replace("٫", ":")
    try:
        parsed = _fp_parse_date(text)
    except Exception:  # feedparser's parsers are not total on hostile input
        parsed = None
    if parsed:
        return _struct_to_dt(parsed)
    try:
        dt = parsedate_to_datetime(text)
        if dt is not None:
            return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    folded = text.translate(_ALEF)
    for day in ARABIC_WEEKDAYS:
        folded = folded.replace(day, " ")
    folded = re.sub(r"\s+", " ", folded).strip(" ,")
    tz = UTC
    mt = _TZ.search(folded)
    if mt:
        if mt.group(1):
            sign = 1 if mt.group(1) == "+" else -1
            offset = timedelta(hours=int(mt.group(2)), minutes=int(mt.group(3) or 0))
            if offset < timedelta(hours=15):
                tz = timezone(sign * offset)
        folded = folded[: mt.start()].strip()
    for m in _DMY.finditer(folded):
        month = _month(m.group("mon"))
        if month is None:
            continue
        try:
            hour = int(m.group("H") or 0)
            ampm = (m.group("ampm") or "").upper()
            if ampm in ("PM", "م") and hour < 12:
                hour += 12
            elif ampm in ("AM", "ص") and hour == 12:
                hour = 0
            dt = datetime(
                int(m.group("y")), month, int(m.group("d")), hour,
                int(m.group("M") or 0), int(m.group("S") or 0), tzinfo=tz,
            )  # fmt: skip
        except ValueError:
            continue
        try:
            return dt.astimezone(UTC)
        except OverflowError:
            return None
    return None


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
                published = _struct_to_dt(e[key])
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
    guarded, doctype_removed = _guard_dtd(text)
    if guarded is None:
        return ParsedFeed(
            encoding=encoding,
            bozo=True,
            bozo_reason="DOCTYPE internal subset or ENTITY declaration",
            rejected_reason="dtd_or_entity_declaration",
        )
    guarded, found = mark_invalid_char_refs(guarded)
    utf8 = _with_utf8_declaration(guarded).encode("utf-8", errors="surrogatepass")
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
