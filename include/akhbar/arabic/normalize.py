"""Arabic normalisation for matching, with offsets back into the original text.

Two uses, kept apart on purpose:

* :func:`clean_text` is applied once to an article body before it is stored:
  Unicode NFC, invisible bidi / zero-width controls removed, whitespace tidied.
  Every span the extractors report refers to that stored text.
* :func:`normalize_for_match` folds spelling variants (diacritics, tatweel,
  alef/hamza forms, alef maqsura, taa marbuta, Eastern digits) so that
  اردوغان / إردوغان / أردوغان compare equal. It never changes what is stored;
  :func:`normalize_with_offsets` maps every folded character back to its
  position in the original so matches found on the folded form are reported
  with original offsets.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef, Quranic annotation marks.
DIACRITICS = frozenset(
    [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
TATWEEL = "\u0640"
# Bidi embedding/override/isolate controls, LRM/RLM/ALM, zero-width chars, BOM.
INVISIBLE = frozenset(
    ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u2060"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
DROP_FOR_MATCH = DIACRITICS | INVISIBLE | {TATWEEL}

# Character folds used for matching only (one char -> one char).
FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ؤ": "و",
    "ئ": "ي",
    "ک": "ك",
    "ڪ": "ك",
}
for _i in range(10):
    FOLD[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    FOLD[chr(0x06F0 + _i)] = str(_i)  # Eastern (Persian/Urdu) digits

_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {
    chr(0x06F0 + i): str(i) for i in range(10)
}
_DIGIT_TABLE = str.maketrans(_DIGITS)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def clean_text(text: str) -> str:
    """Canonical stored form of a body: NFC, no invisible controls, tidy spaces."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch not in INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", text).strip()


def to_ascii_digits(text: str) -> str:
    """Replace Arabic-Indic and Eastern Arabic digits by ASCII digits."""
    return text.translate(_DIGIT_TABLE)


def fold_char(ch: str) -> str:
    """Matching form of one character ('' when it is dropped)."""
    if ch in DROP_FOR_MATCH:
        return ""
    return FOLD.get(ch, ch).lower()


class _FoldTable(dict):
    """``str.translate`` table filled lazily from :func:`fold_char` (same result as
    folding char by char, about 5x faster; see bench/README.md). Only BMP code
    points are kept, so hostile text cannot grow it past 64k entries."""

    def __missing__(self, code: int) -> str:
        value = fold_char(chr(code))
        if code < 0x10000:
            self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def normalize_for_match(text: str) -> str:
    """Folded form for comparison: اردوغان, إردوغان and أردوغان give one string."""
    return text.translate(_FOLD_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Folded text plus ``offsets`` where ``offsets[i]`` is the original index of
    folded character ``i``; ``offsets[len(folded)] == len(text)`` so that a
    folded span ``[a, b)`` maps to the original span ``[offsets[a], offsets[b-1] + 1)``.
    """
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        folded = fold_char(ch)
        for f in folded:
            out.append(f)
            offsets.append(i)
    offsets.append(len(text))
    return "".join(out), offsets


def original_span(offsets: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a folded span ``[start, end)`` back to the original text."""
    if end <= start:
        pos = offsets[start]
        return pos, pos
    return offsets[start], offsets[end - 1] + 1


def arabic_share(text: str) -> float:
    """Share of Arabic-script letters among all letters (0.0 when no letters)."""
    arabic = len(ARABIC_LETTER.findall(text))
    latin = len(LATIN_LETTER.findall(text))
    other = sum(1 for ch in text if ch.isalpha()) - arabic - latin
    total = arabic + latin + max(other, 0)
    return arabic / total if total else 0.0
