"""Datelines at the head of an article: "القاهرة - رويترز", "شفق نيوز- ديالى",
"بغداد (رويترز)", "(أ ف ب)", "دمشق-سانا", "طوكيو - رويترز - قالت ...".

Which side is the source and which the place is decided with the agency/outlet
list in :mod:`akhbar.arabic.rules.datelines`; when neither side is known the
common Arabic order PLACE - AGENCY is assumed (with the place list as tie-breaker).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from akhbar.arabic.normalize import ARABIC_LETTER, normalize_for_match
from akhbar.arabic.rules.datelines import AGENCIES, DISPLAY, PLACES
from akhbar.arabic.rules.dates import GREGORIAN_MONTHS

MAX_PART_WORDS = 4
_DASH = r"(?:[-–—]|(?<=\s)ـ|ـ(?=\s))"
_PART = r"[^\n\-–—ـ()\[\]:.،,؛!?؟\"«»“”]{1,40}?"
# "A - B" possibly followed by another dash and the body on the same line.
_DASHED = re.compile(rf"\A\s*(?P<a>{_PART})\s*{_DASH}\s*(?P<b>{_PART})\s*(?P<tail>\n|\Z|{_DASH}|:)")
# "A (B)" with an optional dash after; or "(B)" alone.
# The place before "(agency)" may be "city، country" (دمشق، سوريا (CNN) --).
_PLACE_PART = r"[^\n\-–—ـ()\[\]:.!?؟\"«»“”]{1,40}?"
_PAREN = re.compile(
    rf"\A\s*(?P<a>{_PLACE_PART})?\s*\(\s*(?P<b>[^()\n]{{1,30}}?)\s*\)\s*(?P<tail>{_DASH}|:|\n|\Z)?"
)


_BUREAU_RE = re.compile(r"(?:مكتب|مراسل|مراسلة)\s+")


def _key(s: str) -> str:
    return normalize_for_match(s).replace(" ", "")


_AGENCY_KEYS = frozenset(_key(a) for a in AGENCIES)
# key -> the AGENCIES entry with the most spaces (عربي 21 over عربي21)
_AGENCY_ENTRY: dict[str, str] = {}
for _a in sorted(AGENCIES, key=lambda a: -a.count(" ")):
    _AGENCY_ENTRY.setdefault(_key(_a), _a)
_DISPLAY = {_key(k): v for k, v in DISPLAY.items()}
_PLACE_KEYS = frozenset(_key(p) for p in PLACES)


@dataclass(frozen=True)
class Dateline:
    place: str | None
    source: str | None
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"place": self.place, "source": self.source, "start": self.start, "end": self.end}


def _words_ok(s: str) -> bool:
    n = len(s.split())
    return 1 <= n <= MAX_PART_WORDS and ARABIC_LETTER.search(s) is not None


def is_agency(s: str) -> bool:
    return _key(s) in _AGENCY_KEYS


def is_place(s: str) -> bool:
    return _key(s) in _PLACE_KEYS


def _respaced(s: str, entry: str) -> str:
    """``s``'s own letters spaced like the folded ``entry``: شفقنيوز -> شفق نيوز."""
    out: list[str] = []
    k = 0  # position in entry
    for ch in s.replace(" ", ""):
        while k < len(entry) and entry[k] == " ":
            if out:
                out.append(" ")
            k += 1
        out.append(ch)
        k += len(normalize_for_match(ch))
    return "".join(out)


def canonical_source(source: str | None) -> str | None:
    """One spelling per known outlet (``شفق نيوز`` for شفقنيوز / شفق  نيوز); other
    names are returned stripped."""
    if source is None:
        return None
    source = " ".join(source.split())
    bureau = _BUREAU_RE.match(source)
    if bureau is not None and is_agency(source[bureau.end() :]):
        source = source[bureau.end() :]  # مكتب الجزيرة، مراسل الجزيرة: the outlet
    key = _key(source)
    if key in _DISPLAY:
        return _DISPLAY[key]
    entry = _AGENCY_ENTRY.get(key)
    return _respaced(source, entry) if entry is not None else source


def extract_dateline(text: str) -> Dateline | None:
    """The dateline at the very start of ``text`` (offsets index ``text``), or None."""
    if not text:
        return None
    head = text[:200]
    m = _DASHED.match(head)
    if m:
        a, b = m.group("a").strip(), m.group("b").strip()
        if _words_ok(a) and _words_ok(b):
            a_ag, b_ag = is_agency(a), is_agency(b)
            line_only = m.group("tail") in ("\n", "")
            if a_ag and not b_ag:
                place, source = b, a
            elif b_ag and not a_ag:
                place, source = a, b
            elif a_ag and b_ag:
                place, source = (a, b) if is_place(a) else (b, a)
            elif line_only or is_place(a):
                # Unknown outlet: the usual order is PLACE - SOURCE.
                place, source = (b, a) if is_place(b) and not is_place(a) else (a, b)
            else:
                place = source = None
            if place is not None or source is not None:
                start = m.start("a")
                end = m.end("b")
                return Dateline(place, canonical_source(source), start, end)
    m = _PAREN.match(head)
    if m:
        a = (m.group("a") or "").strip()
        b = m.group("b").strip()
        if not (_words_ok(b) or is_agency(b)):  # Latin bylines: (CNN), (AFP)
            return None
        if " " not in b and normalize_for_match(b) in GREGORIAN_MONTHS:
            return None  # في يوم 15 أغسطس (آب): a month's second name, not أ ب (AP)
        if a and not _words_ok(a):
            return None
        if a and not (is_agency(b) or is_place(a) or m.group("tail")):
            return None
        if not a and not is_agency(b):
            return None
        start = m.start("a") if a else m.start()
        while start < len(text) and text[start].isspace():
            start += 1
        end = m.end() if m.group("tail") is None else m.start("tail")
        end = text.rstrip("\n").find(")", start) + 1 or end
        return Dateline(a or None, canonical_source(b), start, end)
    return None
