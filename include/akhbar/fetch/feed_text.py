"""Feed bytes to text feedparser can parse safely: entity defence, decoding, and
invalid numeric character references replaced by markers (see :mod:`akhbar.fetch.feeds`)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

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


def with_utf8_declaration(text: str) -> str:
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


def guard_dtd(text: str) -> tuple[str | None, bool]:
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
MARKER_SET = frozenset(_MARKERS)
MARKER_RE = re.compile("[" + "".join(_MARKERS) + "]")
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
    text = MARKER_RE.sub("\ufffd", text)
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
