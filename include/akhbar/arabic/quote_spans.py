"""The document a quotation is looked for in: folded text, quote marks, sentences.

Everything matches on the folded text (:func:`fold_for_match`); :class:`_Doc`
maps spans back to the original text and finds the entities inside them.
Also the cue forms and the regular expressions shared by the later steps.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from akhbar.arabic.normalize import (
    DROP_FOR_MATCH,
    normalize_for_match,
    normalize_with_offsets,
    original_span,
)
from akhbar.arabic.rules import quote_cues

MAX_QUOTE_CHARS = 2000  # a quotation longer than this is not taken (bounded work)
SUBJECT_WINDOW = 220  # chars after a cue searched for the introducer
SUBJECT_MAX_WORDS = 22
LOOKBACK_CHARS = 400  # how far back in a sentence a speaker is looked for
LOOKBACK_QUOTES = 50

OPEN_ONLY = "«"
CLOSE_ONLY = "»"
TOGGLE = '"“”„″‟'
MARKS = OPEN_ONLY + CLOSE_ONLY + TOGGLE
_MARK_OR_NL_RE = re.compile("[" + re.escape(MARKS) + "\n]")


_DROP_RE = re.compile("[" + re.escape("".join(sorted(DROP_FOR_MATCH))) + "]")


def fold_for_match(text: str) -> tuple[str, Sequence[int]]:
    """``normalize_with_offsets(text)`` computed faster: the folding is
    :func:`normalize_for_match` (one normaliser); only the offsets are built here,
    from the positions of the characters it drops. Falls back to
    :func:`normalize_with_offsets` when a character folds to more than one."""
    folded = normalize_for_match(text)
    n = len(text)
    if len(folded) == n:
        return folded, range(n + 1)
    drops = [m.start() for m in _DROP_RE.finditer(text)]
    if len(folded) != n - len(drops):
        return normalize_with_offsets(text)
    offs: list[int] = []
    prev = 0
    for d in drops:
        offs.extend(range(prev, d))
        prev = d + 1
    offs.extend(range(prev, n + 1))
    return folded, offs


class EntityLike(Protocol):
    text: str
    type: str
    start: int
    end: int
    entity_id: str | None


def _alt(forms: Sequence[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))


_FORM_INFO: dict[str, tuple[str, str]] = {}
for _lemma, _forms in quote_cues.FINITE.items():
    for _f in _forms:
        _FORM_INFO.setdefault(_f, ("finite", _lemma))
for _lemma, _forms in quote_cues.PARTICIPLE.items():
    for _f in _forms:
        _FORM_INFO[_f] = ("participle", _lemma)
for _lemma, _forms in quote_cues.MASDAR.items():
    for _f in _forms:
        _FORM_INFO[_f] = ("masdar", _lemma)

# A cue word: optional و/ف, the form, then a boundary (or a glued article /
# complementiser, as in feeds that lost spaces: وقالالمصدر، وبينأن).
_CUE_RE = re.compile(rf"(?<!\w)(?:و|ف)?(?P<cue>{_alt(list(_FORM_INFO))})(?=\W|$|ال|ان)")
_FINITE_AFTER_RE = re.compile(
    rf"[ \t]*[،,]?[ \t]*(?:و|ف)?(?P<cue>{_alt([f for fs in quote_cues.FINITE.values() for f in fs])})(?!\w)"
)
# Absorbed participles: وصرح فلان قائلاً: "..." -> the cue is صرح.
_ABSORB_RE = re.compile(r"[\s،,]*(?:قايلا|قايله|بالقول|مضيفا|مضيفه)[\s،,]*$")
_COMP_RE = re.compile(
    r"(?P<comp>(?<!\w)(?:(?:الي|علي|من)\s*)?(?:ب)?ان(?:ه|ها|هم)?(?=[^\w]|ال|$)"
    r"|(?<!\w)(?:الي|علي)\s*ان(?=\w))"
    r"|(?P<colon>:)"
    r"|(?P<prep>(?<!\w)(?:الي|علي|ب)\s*(?=[\"«“”„″]))"
    r"|(?P<comma>[،,]\s*(?=[\"«“„]))"
)
# The introducer glued to the cue (وأضافتأن "...", وبينأن "...").
_COMP_GLUED_RE = re.compile(r"(?:(?:الي|علي|من)\s*)?(?:ب)?ان(?:ه|ها|هم)?(?=[^\w]|ال|$)")
_NON_COMP_RE = re.compile(rf"(?<!\w)(?:{_alt(quote_cues.NON_COMP_BEFORE)})\s*$")
_HOPE_RE = re.compile(rf"(?<!\w)(?:{_alt(quote_cues.HOPE_NOUNS)})\s+في\s*$")
_SENT_END_RE = re.compile(r"\.{2,}|…|(?<!\d)\.|\.(?!\d)|[!?؟\n]")
_CLAUSE_STOP_RE = re.compile(r"[;]")  # not ؛: it often introduces a reason clause
_STOPS_RE = re.compile(rf"(?<!\w)(?:{_alt(quote_cues.SUBJECT_STOPS)})(?!\w)")
_ROLE_RE = re.compile(rf"(?<!\w)(?:و)?(?:{_alt(quote_cues.ROLE_NOUNS)})(?!\w)")
_RELATIVE_RE = re.compile(r"(?<!\w)(?:الذي|التي|الذين)\s*$")
_TRIM = ' \t\n،,:;؛.-–—"«»“”„″()'


_Speaker = tuple[str, str | None, int, int]  # speaker text, entity id, orig start, orig end


@dataclass
class _Found:
    kind: str
    cue: str | None
    start: int  # folded coords
    end: int
    sp: _Speaker | None
    cue_start: int
    explicit: bool = False  # speaker named in the quote's own clause (not carried over)
    gender: str | None = None  # of the cue form: 'm' / 'f' / None (plural, unknown)
    nominal: bool = False


def _pair_marks(folded: str) -> dict[int, int]:
    """Map each opening mark to its closing mark (folded coords), one paragraph at a time."""
    pairs: dict[int, int] = {}
    open_at = -1
    open_ch = ""
    for mm in _MARK_OR_NL_RE.finditer(folded):
        i, ch = mm.start(), mm.group()
        if ch == "\n":
            open_at = -1
            continue
        if open_at >= 0 and i - open_at > MAX_QUOTE_CHARS:
            open_at = -1
        if open_at < 0:
            prev = folded[i - 1] if i else " "
            nxt = folded[i + 1] if i + 1 < len(folded) else " "
            stray_close = (prev.isalnum() or prev in ".!?؟") and not nxt.isalnum()
            if ch != CLOSE_ONLY and not (ch in TOGGLE and stray_close):
                open_at, open_ch = i, ch
            continue
        if open_ch == OPEN_ONLY and ch != CLOSE_ONLY:
            continue
        if ch == OPEN_ONLY:
            open_at, open_ch = i, ch
            continue
        pairs[open_at] = i
        open_at = -1
    return pairs


class _Doc:
    def __init__(
        self,
        text: str,
        entities: Sequence[EntityLike] | None,
        folded: tuple[str, Sequence[int]] | None = None,
    ) -> None:
        self.text = text
        folded, self.offs = folded if folded is not None else fold_for_match(text)
        # tokenised corpora quote with a free-standing apostrophe: قال ' ... ' (same length)
        self.folded = _ISOLATED_APOS_RE.sub('"', folded) if "'" in folded else folded
        self.pairs = _pair_marks(self.folded)
        self.pair_starts = sorted(self.pairs)
        ends: list[int] = []
        fo = self.folded
        for m in _SENT_END_RE.finditer(fo):
            i = m.start()
            if fo[i] == "." and i >= 1 and fo[i - 1].isalpha() and (i < 2 or fo[i - 2] == " "):
                continue  # one-letter abbreviation: د. فراس، م. أحمد
            if (
                "(" in fo[max(0, i - 14) : i]
                and _DOTTED_ABBREV_RE.match(fo, max(0, i - 14), i + 2)
                and fo.find(")", i, i + 14) > 0
            ):
                continue  # (بي.بي.سي): a dotted abbreviation in brackets
            if not self.inside_pair(i):
                ends.append(i)
        self.sent_ends = ends
        ents = [e for e in (entities or []) if e.type in ("PER", "ORG")]
        self.ents = sorted(ents, key=lambda e: e.start)
        self.ent_starts = [e.start for e in self.ents]

    def inside_pair(self, pos: int) -> bool:
        i = bisect_right(self.pair_starts, pos) - 1
        if i < 0:
            return False
        o = self.pair_starts[i]
        return o < pos <= self.pairs[o]

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_left(self.sent_ends, pos)
        s0 = self.sent_ends[i - 1] + 1 if i > 0 else 0
        s1 = self.sent_ends[i] if i < len(self.sent_ends) else len(self.folded)
        return s0, s1

    def orig(self, a: int, b: int) -> tuple[int, int]:
        oa, ob = original_span(self.offs, a, b)
        t = self.text
        while ob < len(t) and t[ob] in DROP_FOR_MATCH and t[ob] != "\n":
            ob += 1  # keep trailing tanween/shadda with their letter
        return oa, ob

    def ents_in(self, a: int, b: int) -> list[EntityLike]:
        """Entities inside the original span [a, b)."""
        lo = bisect_left(self.ent_starts, a)
        out = []
        for e in self.ents[lo:]:
            if e.start >= b:
                break
            if e.end <= b:
                out.append(e)
        return out


def _trimmed(doc: _Doc, a: int, b: int) -> tuple[int, int]:
    f = doc.folded
    while a < b and f[a] in _TRIM:
        a += 1
    while b > a and f[b - 1] in _TRIM:
        b -= 1
    return a, b


def _pick_entity(cands: list[EntityLike], last: bool) -> EntityLike | None:
    for t in ("PER", "ORG"):
        c = [e for e in cands if e.type == t]
        if c:
            return c[-1] if last else c[0]
    return None


def _ent_speaker(e: EntityLike) -> tuple[str, str | None, int, int]:
    return e.text, e.entity_id, e.start, e.end


def _span_speaker(doc: _Doc, a: int, b: int) -> tuple[str, str | None, int, int] | None:
    a, b = _trimmed(doc, a, b)
    if b <= a:
        return None
    f = doc.folded
    if sum(f.count(ch, a, b) for ch in MARKS) % 2:  # مرصد "إيكو عراق": keep its closing mark
        if b < len(f) and f[b] in MARKS:
            b += 1
        elif a > 0 and f[a - 1] in MARKS:
            a -= 1
    oa, ob = doc.orig(a, b)
    return doc.text[oa:ob], None, oa, ob


_DOTTED_ABBREV_RE = re.compile(r".*\((?:[^\W\d_]{1,3}\.)*[^\W\d_]{1,3}\.[^\W\d_]$")
_ISOLATED_APOS_RE = re.compile(r"(?:(?<=\s)|^)'(?=\s|$)")
