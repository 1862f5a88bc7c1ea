"""Quotations in Arabic news: direct speech in quotation marks and reported speech.

The extractor is rule based and precision first. All matching runs on the
folded text of :func:`normalize_with_offsets` (so أنَّ / إن / ان compare equal)
and every span is mapped back to the given text.

A quotation needs a reporting cue (قال، أكد، أضاف، مبيناً، للتأكيد ... see
:mod:`akhbar.arabic.rules.quote_cues`) followed, within the same sentence, by
an introducer: a complementiser (أن/إن/بأن/إلى أن/على أن), a colon, or a
preposition or comma directly before an opening quotation mark. What follows is
a *direct* quote when an opening mark follows the introducer (span = inside the
marks), else an *indirect* one running to the end of the clause. Quoted words
without a cue ("داعش", scare quotes) are not quotations. A direct quote may also
be attributed by a cue right after it ("...", قال فلان).

Speaker: the named entity (PER before ORG) in the subject between cue and
introducer; else that noun phrase itself (المتحدث باسم الوزارة، مصدر أمني);
for participles, verbal nouns and verbs with a dropped subject (وأضاف أن),
an entity earlier in the same sentence, else the previous quote's speaker.
Speakers are bounded: a few words of noun phrase, never a clause (a preposition
+ pronoun such as إلينا/فيه, "لـ«outlet»" and modal أن end or reject it). A
one-word definite role noun (المصدر) is reported as its fuller earlier mention
(مصدر أمني).

Also: "according to" attribution (وبحسب المرصد فإن ... / ...، بحسب مركز ...), headline
attribution (NAME لـ«OUTLET»: ...), and Q/A interviews (``*question`` / ``-answer``
paragraphs: each answer is a direct quote of the interviewee).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from akhbar.arabic.datelines import is_agency
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


@dataclass(frozen=True)
class Quote:
    kind: str  # 'direct' | 'indirect'
    speaker: str | None
    speaker_entity_id: str | None
    cue: str | None
    text: str
    start: int
    end: int
    speaker_start: int | None
    speaker_end: int | None
    # person | organisation | role | anonymous (None when there is no speaker)
    speaker_kind: str | None = None
    # the complement is a verbal noun, not a clause or quotation (أكد على ضرورة ...)
    nominal: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_kind": self.speaker_kind,
            "speaker_entity_id": self.speaker_entity_id,
            "cue": self.cue,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


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
    oa, ob = doc.orig(a, b)
    return doc.text[oa:ob], None, oa, ob


INVALID = (-1, -1)


_WORD_SPAN_RE = re.compile(r"\S+")


def _outlet_cut(f: str, a: int, b: int, max_words: int = 24) -> int:
    """End of a subject before "to <outlet>" written as one token (لهيئة الإذاعة،
    لشفقنيوز، لرويترز, also glued by feeds that lost a space): the outlet is who
    was spoken to, never the speaker."""
    for n, w in enumerate(_WORD_SPAN_RE.finditer(f, a, b)):
        if n > max_words:
            break  # a longer subject is rejected anyway (bounded work)
        tok = w.group().strip(_TRIM)
        if len(tok) < 3 or not tok.startswith("ل"):
            continue
        rest = tok[1:]
        if (
            rest in quote_cues.OUTLET_HEADS
            or is_agency(rest)
            or (tok.startswith("لل") and is_agency("ا" + rest))
        ):
            return w.start()
    return b


def _subject(doc: _Doc, a: int, b: int, max_words: int = 12) -> tuple[int, int] | None:
    """The subject noun phrase in the folded region [a, b) after a cue; None when
    there is none (dropped subject), ``INVALID`` when the words there cannot be a
    subject (quotation marks, brackets, too long: the cue is probably not a cue)."""
    f = doc.folded
    a, b = _trimmed(doc, a, b)
    if b <= a:
        return None
    seg = _subject_segment(doc, a, b)
    if seg is None:
        return None
    a, b = seg
    m = _STOPS_RE.search(f, a, b)
    if m:
        b = m.start()
    b = _outlet_cut(f, a, b, max_words + 2)
    a, b = _trimmed(doc, a, b)
    if b <= a:
        return None
    if f.count("(", a, b) > f.count(")", a, b) and f.startswith(")", b):
        b += 1  # keep the bracket closing the subject: فلان (بي.بي.سي)
    pm = _PREP_PRONOUN_RE.match(f, a, b)
    if pm is not None:  # وقال عنها مصدر آخر: the subject follows the pronoun
        a, b = _trimmed(doc, pm.end(), b)
        if b <= a:
            return None
    first = f[a:b].split(None, 1)[0]
    if first in quote_cues.NON_SUBJECT_STARTS or (len(first) <= 2 and first in ("ل", "ب")):
        return None
    if first in quote_cues.ADVERBS:
        return None  # كما أوضحت مسبقاً أن: no subject
    if (first[2:] if first.startswith("ال") else first) in quote_cues.MASDAR_OBJECTS:
        return None  # وأكد حرص سموه على ...: a verbal-noun object, the subject is dropped
    seg = f[a:b]
    marks = sum(seg.count(ch) for ch in MARKS)
    if marks % 2 and a > 0 and doc.pairs.get(a - 1, b) < b:
        a, seg, marks = a - 1, f[a - 1 : b], marks + 1  # «دلتا» منذ أشهر: a quoted name first
    if marks % 2:  # a name in quotation marks at the end: صحيفة "دايلي ميرور"
        k = b
        while k < len(f) and f[k] == " ":
            k += 1
        if k < len(f) and f[k] in MARKS:
            b, seg, marks = k + 1, f[a : k + 1], marks + 1
    if len(seg.split()) > max_words or marks % 2 or seg.count("(") != seg.count(")"):
        return INVALID
    words = list(_WORD_SPAN_RE.finditer(f, a, b))
    if len(words) > 1 and words[-1].group() in quote_cues.PREP_PRONOUNS:
        b = words[-2].end()  # حيث أكد المعلم لهم أن: the pronoun is the addressee
    return a, b


_KANA_RE = re.compile(r"(?:و)?(?:كان|كانت|كانوا)\s+")
_AMMA_RE = re.compile(r"(?:و)?اما\s+")
_QAD_RE = re.compile(r"\s+قد\s*$")
_ADVERBIAL = frozenset(quote_cues.ADVERBIAL_STARTS)


def _fronted_subject(
    doc: _Doc, s0: int, cue_at: int, form: str, coordinated: bool = False
) -> tuple[int, int] | None:
    """A subject written before its cue verb in the folded text [s0, cue_at):
    أما فلان، ... فأوضحت / وكانت الهيئة قد أعلنت / الأب فلان، مدير ...، يوضح."""
    f = doc.folded
    a, b = s0, cue_at
    while a < b and (f[a].isspace() or f[a] in _TRIM):
        a += 1
    if b - a < 2:
        return None
    pre = f[a:b]
    m = _AMMA_RE.match(pre)
    k = _KANA_RE.match(pre)
    if m:
        a += m.end()
    elif k:
        a += k.end()
        q = _QAD_RE.search(f, a, b)
        if q:
            b = q.start()
    elif coordinated or not (form[:1] in "يت" and pre.rstrip().endswith(("،", ","))):
        return None  # ...، ويقول الشيخ فلان «...»: a new clause, its subject follows
    seg = _subject_segment(doc, a, b)
    if seg is None:
        return None
    first = f[seg[0] : seg[1]].split(None, 1)[0]
    if first in _ADVERBIAL or len(f[seg[0] : seg[1]].split()) > 8:
        return None
    return seg


_GLUED_TIME = ("يومال", "امس", "مساء", "صباح", "اليوم")
_SVO_LEAD = frozenset({"ولكن", "لكن", "بل", "ثم", "و"})
_SVO_BAD = frozenset({"الذي", "التي", "الذين", "ما", "لا", "لم", "لن", "قد", "كل", "وكل"})


def _svo_subject(doc: _Doc, s0: int, cue_at: int) -> tuple[int, int] | None:
    """A short noun phrase right before a cue verb with no subject after it
    (ولكن متحدثة باسم الجيش قالت إن / وآخر الإحصائيات تقول إن): the phrase since the
    last comma or sentence start, 1-6 words, headed by a role noun or a definite noun."""
    f = doc.folded
    lo = max(s0, cue_at - 90)  # six words; a longer run is no short subject (bounded work)
    a = max(lo, f.rfind("،", lo, cue_at) + 1, f.rfind(",", lo, cue_at) + 1)
    a = max(a, f.rfind(":", lo, cue_at) + 1)
    if a == lo and lo > s0:
        return None
    seg = f[a:cue_at]
    if any(ch in MARKS or ch in "()" for ch in seg):
        return None
    words = list(re.finditer(r"\S+", seg))
    while words and words[0].group() in _SVO_LEAD:
        words.pop(0)
    if not 1 <= len(words) <= 6 or any(w.group() in _SVO_BAD for w in words):
        return None
    first = words[0].group()
    bare = first[1:] if first.startswith("و") and len(first) > 3 else first
    if (
        bare in _ADVERBIAL
        or first in _ADVERBIAL
        or bare in quote_cues.NON_SUBJECT_STARTS
        or bare in quote_cues.PREP_PRONOUNS
    ):
        return None
    if not (_ROLE_RE.fullmatch(bare) or bare.startswith("ال") or bare == "اخر"):
        return None
    start = a + words[0].start() + (len(first) - len(bare))
    return _trimmed(doc, start, a + words[-1].end())


def _subject_segment(doc: _Doc, a: int, b: int) -> tuple[int, int] | None:
    """First comma segment of [a, b), extended over a following name in apposition
    to a role noun (قائممقام قضاء القائم، تركي محمد، ...)."""
    f = doc.folded
    a, b = _trimmed(doc, a, b)
    if b <= a:
        return None
    cut = [k for k in (f.find("،", a, b), f.find(",", a, b)) if k >= 0]
    if not cut:
        return a, b
    k = min(cut)
    seg = (a, k)
    if _ROLE_RE.match(f, a):
        nxt_cut = [j for j in (f.find("،", k + 1, b), f.find(",", k + 1, b)) if j >= 0]
        n0, n1 = _trimmed(doc, k + 1, min(nxt_cut) if nxt_cut else b)
        if n1 > n0:
            words = f[n0:n1].split()
            if (
                1 <= len(words) <= 4
                and not _STOPS_RE.match(f, n0)
                and words[0] not in _ADVERBIAL
                and not words[0].startswith(_GLUED_TIME)  # يومالاثنين (feeds lose spaces)
            ):
                seg = (a, n1)
    return _trimmed(doc, *seg)


QUOTED_NAME_TAIL = 60  # chars after a quoted name in which its introducer must follow
_DOTTED_ABBREV_RE = re.compile(r".*\((?:[^\W\d_]{1,3}\.)*[^\W\d_]{1,3}\.[^\W\d_]$")
_ISOLATED_APOS_RE = re.compile(r"(?:(?<=\s)|^)'(?=\s|$)")
_SAYING_RE = re.compile(r"(?:قايلا|قايله|بالقول)\s*$")


def _quoted_name_then_colon(doc: _Doc, k: int) -> bool:
    """وقالت "مكافحة المخدرات": ... / وقالت «دلتا» منذ أشهر، إن ...: the marks hold the
    speaker's name (an introducer follows them), not the quotation."""
    f = doc.folded
    close = doc.pairs[k]
    if len(f[k + 1 : close].split()) > 4:
        return False
    if f[close + 1 : close + 3].lstrip().startswith(":"):
        return True
    end = min(len(f), close + 1 + QUOTED_NAME_TAIL)
    stop = _SENT_END_RE.search(f, close + 1, end)
    intro = _COMP_RE.search(f, close + 1, stop.start() if stop else end)
    return intro is not None and intro.group("comp") is not None


def _quote_after_subject(doc: _Doc, ce: int, win_end: int, lemma: str) -> int | None:
    """Opening mark of a quotation right after a short subject, no introducer:
    وقال عباس "..." / وصرح فلان لصحيفة ... قائلاً '...'. None when there is none."""
    f = doc.folded
    k = _MARK_OR_NL_RE.search(f, ce, win_end)
    if k is None or k.start() not in doc.pairs:
        return None
    between = f[ce : k.start()]
    if _COMP_RE.search(f, ce, k.start() + 1) is not None:
        return None  # an introducer is there: the ordinary path handles it
    if "،" in between or "," in between or ":" in between:
        return None
    n = len(between.split())
    if _SAYING_RE.search(between) and n <= SUBJECT_MAX_WORDS:
        return k.start()
    if lemma in quote_cues.SUBJECT_THEN_QUOTE_LEMMAS and 1 <= n <= 4:
        return k.start()
    return None


_ACCORDING_RE = re.compile(
    rf"(?<!\w)(?:[وف])?(?P<acc>{_alt([a for a in quote_cues.ACCORDING_TO if not a.endswith(' ل')])}"
    rf"|(?:{_alt([a[:-2] for a in quote_cues.ACCORDING_TO if a.endswith(' ل')])})\s+ل)(?=\S)?\s*"
)
_ACCORDING_VERB_RE = re.compile(
    rf"(?<!\w)(?P<acc>(?:{_alt(quote_cues.ACCORDING_VERBS)})\s+"
    rf"(?:{_alt(quote_cues.ACCORDING_VERB_FORMS)}))(?!\w)\s*"
)
_SOURCE_RE = re.compile(rf"(?:{_alt(quote_cues.SOURCE_HEADS)})(?!\w)")
_FA_RE = re.compile(r"[\s،,]*(?:فان(?:ه|ها|هم)?|فقد|ف(?=[^\W\d]))\s*")
_DATELINE_LEAD_RE = re.compile(r"[^\n:]{0,40}:-?\s*")


def _source_phrase(doc: _Doc, a: int, s1: int) -> tuple[int, int, int] | None:
    """The source after بحسب/وفقاً لـ: (start, end, position after it) of a phrase of at
    most 6 words headed by a source noun (مصدر، بيان، مركز، المرصد ...) or a role noun."""
    f = doc.folded
    if not (_SOURCE_RE.match(f, a) or _ROLE_RE.match(f, a)):
        return None
    stop = s1
    for ch in "،,:":
        k = f.find(ch, a, s1)
        if 0 <= k < stop:
            stop = k
    fa = re.compile(r"\s(?:فان(?:ه|ها|هم)?|فقد)(?!\w)").search(f, a, stop)
    if fa is not None:
        stop = fa.start()
    b = stop
    while b > a and f[b - 1] in " \t":
        b -= 1
    limit = SOURCE_MAX_WORDS if _ROLE_RE.match(f, a) else 6
    if not 1 <= len(f[a:b].split()) <= limit:
        return None
    return a, b, b


def _rest_is_apposition(f: str, tail: int, s1: int) -> bool:
    """After a trailing source phrase only its apposition may follow (، ومقره ...)."""
    rest = f[tail:s1].strip(" \t،,")
    return not rest or (f[tail:s1].lstrip(" \t").startswith(("،", ",")) and len(rest.split()) <= 8)


def _last_clause_start(doc: _Doc, s0: int, b: int) -> int:
    """Start of the last clause before ``b``: after a colon or a dash opening the text."""
    f = doc.folded
    return max(s0, f.rfind(":-", s0, b) + 2 if f.rfind(":-", s0, b) >= 0 else s0)


# Headline attribution: NAME لـ«OUTLET»: statement (لـ«الصباح» = "to Assabah").
_HEADLINE_RE = re.compile(
    r"(?m)^[ \t]*(?P<np>[^\n:«»\"“”]{3,90}?)[ \t]+ل[ \t]*[«\"“](?P<outlet>[^\n»\"”]{1,40})[»\"”]"
    r"[ \t]*:[ \t]*(?P<q>[^\n]{10,})$"
)
_QUESTION_RE = re.compile(r"(?m)^[ \t]*(?:\*|س[ \t]*[:/-])")
_ANSWER_RE = re.compile(r"(?m)^[ \t]*(?:[-–—]|ج[ \t]*[:/-])[ \t]*")
_INTERVIEW_WITH_RE = re.compile(r"حوار[ \t]+مع[ \t]+(?P<np>[^\n،,:.]{3,60})")
HEADLINE_MAX_WORDS = 7


def _headline_quotes(doc: _Doc, text: str, overlaps: Any) -> list[_Found]:
    out = []
    f = doc.folded
    for m in _HEADLINE_RE.finditer(f):
        if len(m.group("np").split()) > HEADLINE_MAX_WORDS or overlaps(*m.span("q")):
            continue
        qa, qb = _trimmed(doc, *m.span("q"))
        sp = _span_speaker(doc, *m.span("np"))
        q = _Found("indirect", None, qa, qb, sp, m.start("q") - 1, True)
        q.cue = ":"
        out.append(q)
    return out


def _interview_answers(doc: _Doc, text: str, found: list[_Found]) -> list[_Found]:
    """Q/A interviews (``*question`` / ``-answer`` paragraphs): each answer, up to the next
    question, is a direct quote of the interviewee named by the headline (NAME لـ«...»:)
    or by ``حوار مع NAME``. Nothing when either the format or the name is missing."""
    f = doc.folded
    qs = [m.start() for m in _QUESTION_RE.finditer(f)]
    if len(qs) < 2:
        return []
    sp = None
    for q in found:
        if q.cue == ":" and q.start < qs[0]:
            sp = q.sp
            break
    if sp is None:
        m = _INTERVIEW_WITH_RE.search(f, 0, qs[0])
        if m is None or len(m.group("np").split()) > HEADLINE_MAX_WORDS:
            return []
        sp = _span_speaker(doc, *m.span("np"))
    out = []
    for i, q0 in enumerate(qs):
        nl = f.find("\n", q0)
        if nl < 0:
            break
        am = _ANSWER_RE.match(f, nl + 1)
        if am is None:
            continue
        end = qs[i + 1] if i + 1 < len(qs) else len(f)
        qa, qb = _trimmed(doc, am.end(), min(end, am.end() + MAX_QUOTE_CHARS))
        if qb - qa < 3:
            continue
        a = _Found("direct", None, qa, qb, sp, am.start(), True)
        a.cue = "حوار"
        out.append(a)
    return out if len(out) >= 2 else []


_PREP_PRONOUN_RE = re.compile(rf"(?:{_alt(quote_cues.PREP_PRONOUNS)})(?!\w)\s*")
_IMPERSONAL_MASDAR_RE = re.compile(rf"(?<!\w)(?:{_alt(quote_cues.IMPERSONAL_BEFORE_MASDAR)})\s+$")
_SUBJUNCTIVE_RE = re.compile(r"(?<!\w)ان\s+$")
_ALA_RE = re.compile(r"[ \t]+الا(?=[ \t]+[يت])")


def _finite_gender(form: str, forms: Sequence[str]) -> str:
    """قالت / تقول are feminine because قال / يقول are forms of the same lemma; تابع and
    لفت are masculine (their ت is a root letter)."""
    if form.endswith("ت") and form[:-1] in forms:
        return "f"
    if form.startswith("ت") and "ي" + form[1:] in forms:
        return "f"
    return "m"


_FINITE_GENDER = {
    form: _finite_gender(form, forms) for forms in quote_cues.FINITE.values() for form in forms
}


def _gender(form: str) -> str | None:
    """'f' / 'm' for a cue form (قالت، تقول، مؤكدة / قال، يقول، مؤكداً); None for plurals."""
    kind = _FORM_INFO[form][0]
    if kind == "finite":
        return _FINITE_GENDER.get(form, "m")
    if kind == "participle":
        return "f" if form.endswith("ه") else "m" if form.endswith("ا") else None
    return None


def _prev_sentence_cue_subject(
    doc: _Doc,
    cues: list[re.Match[str]],
    idx: int,
    s0: int,
    found: list[_Found],
    form: str,
) -> tuple[str, str | None, int, int] | None:
    """Dropped subject continuing a cue verb that opens the previous sentence and yielded
    no quotation (وأعلن الدكتور فلان عن مشروعات ... . وأعلن أنه ...): that verb's subject,
    when it is more recent than the last quotation and agrees in gender."""
    if s0 <= 0:
        return None
    f = doc.folded
    ps0, ps1 = doc.sentence(s0 - 1)
    while ps0 > 0 and not f[ps0:ps1].strip():  # ". \n" ends two empty "sentences"
        ps0, ps1 = doc.sentence(ps0 - 1)
    last_q = found[-1].cue_start if found else -1  # found is in cue order here
    for j in range(idx - 1, max(-1, idx - 12), -1):
        pm = cues[j]
        pc = pm.start("cue")
        if pc < ps0 or pc <= last_q:
            break
        pform = pm.group("cue")
        if pc >= s0 or _FORM_INFO[pform][0] != "finite" or pform in quote_cues.AMBIGUOUS_FORMS:
            continue
        if f[ps0 : pm.start()].strip(_TRIM):
            continue  # only a sentence that opens with the verb: وأعلن الدكتور فلان ...
        if _gender(pform) != _gender(form):
            continue  # أكدت العداءة ... . مشيراً إلى أنه: not the same speaker
        pe = min(ps1, pm.end("cue") + SUBJECT_WINDOW)
        pi = _COMP_RE.search(f, pm.end("cue"), pe)
        ps = _subject(doc, pm.end("cue"), pi.start() if pi else pe, 8)
        if ps is not None and ps != INVALID:
            return _np_speaker(doc, ps)
    return None


def _words(s: str) -> list[str]:
    return list(_cached_words(s))


@functools.lru_cache(maxsize=4096)
def _cached_words(s: str) -> tuple[str, ...]:
    return tuple(normalize_for_match(s).translate(_PUNCT_TABLE).split())


_PUNCT_TABLE = {ord(c): " " for c in _TRIM}


def _resolve_short(
    sp: tuple[str, str | None, int, int], seen: list[tuple[str, str | None, int, int]]
) -> tuple[str, str | None, int, int]:
    """A one-word definite speaker (المصدر، المرصد، الهيئة، البياتي) refers back to the
    latest fuller mention it heads or ends: مصدر أمني / مرصد إيكو عراق / الهيئة العامة ...
    / ماهر عباس سمين البياتي. Reported with that mention so a speaker reads the same
    throughout an article."""
    w = _words(sp[0])
    if len(w) != 1 or not w[0].startswith("ال") or len(w[0]) < 4:
        return sp
    bare = w[0][2:]
    for prev in seen[: -LOOKBACK_QUOTES - 1 : -1]:
        pw = _words(prev[0])
        if len(pw) < 2 or len(pw) > 10:
            continue
        if pw[0] in (w[0], bare) or pw[-1] == w[0]:
            return prev
    return sp


def _is_short_definite(speaker: str) -> bool:
    w = _words(speaker)
    return len(w) == 1 and w[0] in quote_cues.ORGANISATION_HEADS and w[0].startswith("ال")


_DEFINITE_RUN = r"(?:\s+ال[^\W\d_]+){1,3}"


def _fuller_mention(doc: _Doc, sp: _Speaker, before: int) -> _Speaker | None:
    """The latest earlier mention of a one-word definite organisation speaker with its
    name: الوزارة -> وزارة الداخلية, الهيئة -> هيئة النزاهة الاتحادية."""
    bare = _words(sp[0])[0][2:]
    pattern = re.compile(rf"(?<!\w)(?:[وبل])?(?P<m>{re.escape(bare)}{_DEFINITE_RUN})(?!\w)")
    last = None
    for m in pattern.finditer(doc.folded, max(0, before - 3000), before):
        last = m
    if last is None:
        return None
    oa, ob = doc.orig(*last.span("m"))
    return doc.text[oa:ob], None, oa, ob


def _is_surname(speaker: str) -> bool:
    w = _words(speaker)
    return (
        len(w) == 1
        and w[0].startswith("ال")
        and (w[0] in quote_cues.SURNAME_WORDS or (w[0].endswith("ي") and len(w[0]) > 4))
    )


def _full_name(doc: _Doc, sp: _Speaker, before: int) -> _Speaker | None:
    """A family name alone (وأكد السيد، وقال الحلبوسي) as the latest earlier "given name +
    family name" in the text: عبداللطيف السيد."""
    w = _words(sp[0])[0]
    pattern = re.compile(rf"(?<!\w)(?P<given>[^\W\d_]{{2,}})\s+{re.escape(w)}(?!\w)")
    last = None
    for m in pattern.finditer(doc.folded, max(0, before - 3000), before):
        g = m.group("given")
        if not (
            g.startswith(("ال", "و"))
            or g in _FORM_INFO
            or g in quote_cues.ROLE_PREPOSITIONS
            or _ROLE_RE.fullmatch(g)
        ):
            last = m
    if last is None:
        return None
    oa, ob = doc.orig(last.start("given"), last.end())
    return doc.text[oa:ob], None, oa, ob


def _np_speaker(doc: _Doc, span: tuple[int, int]) -> _Speaker | None:
    """The entity naming the subject noun phrase, else the phrase itself. An
    organisation inside a phrase headed by a role noun is not the speaker: مندوب مصر
    لدى الجامعة العربية speaks, not the League."""
    oa, ob = doc.orig(*span)
    e = _pick_entity(doc.ents_in(oa, ob), last=False)
    if e is not None and e.type == "ORG" and e.start > oa and _ROLE_RE.match(doc.folded, span[0]):
        e = None
    return _ent_speaker(e) if e else _span_speaker(doc, *span)


NOMINAL_MAX_WORDS = 16  # subject words before a verbal-noun complement
STATEMENT_WINDOW = 80  # chars after a bare finite cue in which its introducer must follow
_WORD_RE = re.compile(r"[^\W\d_]+|\d+")
_EDITORIAL_RE = re.compile(rf"(?<!\w)(?:و)?(?:{_alt(quote_cues.EDITORIAL_FORMULAS)})(?!\w)")
_EDITORIAL_HINT_RE = re.compile(r"تجدر|يجدر|جدير|يذكر|يشار")
_NEW_CLAUSE_RE = re.compile(rf"[،,](?=\s*(?:{_alt(quote_cues.NEW_CLAUSE_WORDS)})(?!\w))")
_EDITORIAL_BEFORE_RE = re.compile(
    rf"(?<!\w)(?:و)?(?:{_alt(quote_cues.EDITORIAL_FORMULAS)})\s*(?:الي\s*|علي\s*)?$"
)
_MASDAR_PATTERN_RE = re.compile(
    r"ت\w\wي\w|است\w\wا\w|ا\wت\wا\w|ان\w\wا\w|م\wا\w\wه"
)  # not افعال: أرقام is a plural
_TAFAUL_RE = re.compile(r"ت\wا\w\w")
_PRONOUN_SUFFIX_RE = re.compile(r"(?<=\w\w\w)(?:هما|هم|ها|ه|نا)$")


def _is_masdar(tok: str, definite_ok: bool, after_prep: bool = False) -> bool:
    """``tok`` (folded) looks like a verbal noun: from the list (also with ال when
    ``definite_ok``) or, without ال, by its pattern (تعزيز، استمرار، انسحاب، مشاركة).
    After the cue's preposition (دعت إلى التواصل) the pattern also holds with ال, and
    تفاعل (تواصل، تعاون) counts."""
    bare = tok[2:] if tok.startswith("ال") else tok
    if bare in quote_cues.NOT_MASDAR:
        return False
    if bare is not tok and not definite_ok:
        return False
    if bare in quote_cues.MASDAR_OBJECTS:
        return True
    if after_prep and (_MASDAR_PATTERN_RE.fullmatch(bare) or _TAFAUL_RE.fullmatch(bare)):
        return True
    if bare is not tok:
        return False
    stem = _PRONOUN_SUFFIX_RE.sub("", bare)
    if stem != bare and stem.endswith("ت"):
        stem = stem[:-1] + "ه"  # سعادته -> سعاده: taa marbuta before a pronoun
    return stem in quote_cues.MASDAR_OBJECTS or bool(_MASDAR_PATTERN_RE.fullmatch(stem))


_PREPOSITION_WORDS = frozenset({"عن", "الي", "علي", "في", "من"})
_NAME_PUNCT = ' \t،,"“”«»()'  # around a name in the subject: المعهد “سرب”، عن


def _open_object(lemma: str, prep: str, word: str) -> bool:
    """كشف عن / أكد على take what is revealed or stressed, whatever the noun (كشف ...
    عن تسلم الحملة): any content word but a pronoun, particle or relative."""
    return (
        prep in quote_cues.OPEN_OBJECT_PREPS.get(lemma, ())
        and len(word) > 2
        and word not in quote_cues.NOT_OBJECT_WORDS
    )


_COMPLEMENTISER_WORDS = frozenset({"ان", "انه", "انها", "انهم", "بان", "بانه", "بانها", "ال"})


OPENING_SUBJECT_CHARS = 120  # a subject of at most six words (bounded work)
_OPENING_VERB_RE = re.compile(r"\s*(?:و|ف)?(?P<verb>[^\W\d_]{3,})\s+")


_GENITIVE_BEFORE_RE = re.compile(r"(?<!\w)(?:عدم|بعدم|دون|بدون|رفض|حق)\s+$")
_FRONTED_ADVERBIAL_RE = re.compile(
    r"\s*(?:من\s+جهته|من\s+جهتها|بدوره|بدورها|من\s+ناحيته)\s*[،,]\s*"
)
SOURCE_MAX_WORDS = 14  # a role phrase after بحسب: المشرف على مبادرة "..." الرئيس ... فلان


def _agrees(gender: str | None, q: _Found) -> bool:
    """A cue of ``gender`` may continue ``q``'s speaker. Journalists write a masculine
    participle after an organisation named with a feminine verb (وتوقعت الجمعية ...
    لافتاً إلى), so only a feminine cue after a masculine one, or a masculine cue
    after a feminine person, disagree."""
    if not gender or not q.gender or gender == q.gender:
        return True
    if gender == "m" and q.sp is not None:
        return speaker_kind(q.sp[0]) in ("organisation", "anonymous", "role")
    return False


_AN_RE = re.compile(r"(?<!\w)عن\s+")


_NEXT_WORD_RE = re.compile(r"\s*([^\W\d_]+)")


def _takes_complement(f: str, k: int) -> bool:
    """A complementiser or a verbal noun follows the participle at ``k`` (مؤكدة عدم
    تماثل / مشيراً إلى أن), so it reports; else it is an adjective (حالات مؤكدة بفيروس)."""
    if _COMP_RE.match(f, k) or _COMP_RE.match(f, k + 1):
        return True
    m = _NEXT_WORD_RE.match(f, k)
    if m is None:
        return False
    w = m.group(1)
    if w in ("الي", "علي", "عن", "من"):
        nxt = _NEXT_WORD_RE.match(f, m.end())
        return nxt is not None and _is_masdar(nxt.group(1), True)
    return _is_masdar(w, True)


def _naql_an_speaker(doc: _Doc, s0: int, cue_at: int) -> _Speaker | None:
    """ونقلت الصحيفة عن وزير الشؤون الاجتماعية، فلان، قوله: the phrase after عن."""
    f = doc.folded
    found = list(_AN_RE.finditer(f, max(s0, cue_at - 120), cue_at))
    if not found:
        return None
    a, b = _trimmed(doc, found[-1].end(), cue_at)
    if b <= a or len(f[a:b].split()) > 10:
        return None
    return _np_speaker(doc, (a, b))


def _opening_verb_subject(
    doc: _Doc, s0: int, before: int, gender: str | None, definite_ok: bool = False
) -> _Speaker | None:
    """The subject of the verb opening the sentence, for a participle with no speaker:
    ربطت وزارة النفط ...، مشيرة إلى -> وزارة النفط. Only a subject headed by an
    organisation, role or source noun, agreeing with the participle's gender."""
    f = doc.folded
    vm = _OPENING_VERB_RE.match(f, s0, before)
    if vm is None or gender is None or (vm.group("verb").endswith("ت") != (gender == "f")):
        return None
    end = min(before, vm.end() + OPENING_SUBJECT_CHARS)
    cut = [k for k in (f.find("،", vm.end(), end), f.find(",", vm.end(), end)) if k >= 0]
    subj = _subject(doc, vm.end(), min(cut) if cut else end, 6)
    if subj is None or subj == INVALID:
        return None
    head = f[subj[0] : subj[1]].split()[0]
    if not (
        (definite_ok and head.startswith("ال") and head not in _ADVERBIAL)
        or _name_after_role(f[subj[0] : subj[1]].split()) is not None
        or head in quote_cues.ORGANISATION_HEADS
        or head in quote_cues.ANONYMOUS_HEADS
        or _ROLE_RE.fullmatch(head)
    ):
        return None
    return _np_speaker(doc, subj)


def _nominal_start(doc: _Doc, c: _Cue, ents_after: Sequence[EntityLike]) -> tuple[int, int] | None:
    """(subject end, complement start) of a verbal-noun complement after the cue:
    أكد الوزير على ضرورة، مشيراً إلى أهمية، كشف مصدر عن وجود، أعلن الجيش تشكيل.
    A bare complement must follow a definite word or a named entity (else it is the
    genitive of the subject: مدير تربية)."""
    preps = quote_cues.NOMINAL_LEMMAS.get(_FORM_INFO[c.form][1])
    if preps is None or c.ctype == "masdar":
        return None
    f = doc.folded
    end = min(c.s1, c.ce + SUBJECT_WINDOW)
    words = list(_WORD_RE.finditer(f, c.ce, end))[: NOMINAL_MAX_WORDS + 2]
    ent_ends = {e.end for e in ents_after}
    for j, w in enumerate(words):
        tok = w.group()
        if j and f[words[j - 1].end() : w.start()].strip(_NAME_PUNCT):
            return None  # other punctuation first (colon, full stop): not this construction
        if tok in _COMPLEMENTISER_WORDS or tok in ("لا", "ما", "لم", "لن", "قد"):
            return None
        nxt = words[j + 1].group() if j + 1 < len(words) else ""
        lemma = _FORM_INFO[c.form][1]
        if (
            tok in preps
            and tok
            and nxt
            and (_is_masdar(nxt, True, after_prep=True) or _open_object(lemma, tok, nxt))
        ):
            return w.start(), words[j + 1].start()
        if "ب" in preps and tok.startswith("ب") and _is_masdar(tok[1:], True):
            return w.start(), w.start() + 1
        if "" in preps and _is_masdar(tok, c.ctype == "participle"):
            prev = words[j - 1].group() if j else ""
            prev_named = j and doc.orig(words[j - 1].start(), words[j - 1].end())[1] in ent_ends
            if j == 0 and (c.ctype == "participle" or tok in quote_cues.MASDAR_OBJECTS):
                return w.start(), w.start()  # مؤكداً عدم ... / وأكد حرص سموه على ...
            after_outlet = j and any(ch in '»"”' for ch in f[words[j - 1].end() : w.start()])
            if (
                j
                and (prev.startswith("ال") or prev_named or after_outlet)
                and prev not in quote_cues.TITLES
            ):
                return w.start(), w.start()
        if c.ctype == "participle" or (tok in _PREPOSITION_WORDS and tok not in ("في", "من")):
            return None  # a participle takes its complement directly
    return None


def _speaker_words(text: str) -> list[str]:
    words = _words(text)
    if words and words[0].startswith("و") and words[0][1:] in quote_cues.ANONYMOUS_HEADS:
        words[0] = words[0][1:]
    return words


def _name_after_role(words: list[str]) -> int | None:
    """Index of the first word of a person's name inside a role description, or None:
    وزير الخارجية الروسي سيرغي لافروف -> 3; الرئيس رجب طيب اردوغان -> 1; المتحدث باسم
    الوزارة -> None. A name is an indefinite word after a definite one (adjectives of a
    definite noun are definite), never inside a prepositional phrase."""
    seen_definite = False
    for i, w in enumerate(words):
        if w in quote_cues.ROLE_PREPOSITIONS or (
            w[:1] in ("ل", "ب") and (w[1:3] == "ال" or w[1:] in quote_cues.ORGANISATION_HEADS)
        ):
            seen_definite = False  # في بغداد، لشركة مترو: a prepositional phrase, no name
            continue
        if w.startswith("ال") or w in quote_cues.TITLES:
            seen_definite = True
            continue
        if seen_definite and not _ROLE_RE.fullmatch(w):
            return i
    if (
        len(words) >= 3
        and words[-1].startswith("ال")
        and words[-1].endswith("ي")
        and not words[-2].startswith("ال")
        and not _ROLE_RE.fullmatch(words[-2])
        and words[-2] not in quote_cues.ROLE_PREPOSITIONS
    ):
        return len(words) - 2  # محافظ ديالى عدنان الشمري: given name + family nisba
    return None


def speaker_kind(speaker: str | None, ents: Sequence[EntityLike] = ()) -> str | None:
    """person | organisation | role | anonymous for a speaker phrase (None for none)."""
    if not speaker:
        return None
    words = _speaker_words(speaker)
    if not words:
        return None
    if any(e.type == "PER" for e in ents):
        return "person"
    head = words[0]
    if head in quote_cues.ANONYMOUS_HEADS:
        return "anonymous"
    if head in quote_cues.HONORIFICS or (len(words) == 1 and head in quote_cues.GENERIC_SPEAKERS):
        return "role"  # سموه، الجانبان: nobody in particular until resolved
    if len(words) == 1 and head.startswith("ال") and head in quote_cues.ORGANISATION_HEADS:
        return "role"  # الوزارة، البيان with no fuller mention in the article
    heads_org = ents and ents[0].type == "ORG" and _words(ents[0].text)[:1] == words[:1]
    if head in quote_cues.ORGANISATION_HEADS or heads_org:
        return "organisation"
    if _ROLE_RE.fullmatch(head) or head in quote_cues.TITLES:
        return "person" if _name_after_role(words) is not None else "role"
    if head.startswith("ال") and not head.endswith("ي") and len(words) <= 3:
        return "organisation"  # الحكومة، المرصد السوري، الحراك الحاصل
    return "person"


def _nisbas(words: list[str]) -> set[str]:
    """Relational adjectives of a description, gender folded: الروسية/الروسي -> الروسي."""
    out = set()
    for w in words[1:]:
        w = w[:-1] if w.endswith("ه") else w
        if w.startswith("ال") and w.endswith("ي") and len(w) > 4:
            out.add(w)
    return out


def _role_gender(words: list[str]) -> str:
    return "f" if words and words[0].endswith("ه") and words[0] not in ("الخليفه",) else "m"


TITLED_MAX_HITS = 20
ROLE_MAX_CANDIDATES = 60  # named speakers compared with one role noun (bounded work)


def _titled(doc: _Doc, head: str, name: str) -> bool:
    """The text calls ``name`` by the role ``head`` somewhere: مقالا للكاتب ويل تيرنر."""
    if len(head) < 3 or not name:
        return False
    f = doc.folded
    k = f.find(name)
    for _ in range(TITLED_MAX_HITS):  # bounded: a name mentioned very often
        if k < 0:
            return False
        before = f[max(0, k - 40) : k].split()[-2:]  # role word, maybe one word between
        if any(w.endswith(head) and len(w) - len(head) <= 3 for w in before):
            return True  # للكاتب ويل تيرنر
        k = f.find(name, k + 1)
    return False


def _resolve_role(
    doc: _Doc, sp: _Speaker, named: list[tuple[_Speaker, str | None]]
) -> _Speaker | None:
    """The named person a role description refers to, when the article supports it:
    the same description before a name elsewhere (المتحدث باسم الوزارة فلان), or the
    only named speaker whose description shares the role or a relational adjective
    (عميد الدبلوماسية الروسية -> وزير الخارجية الروسي سيرغي لافروف), gender agreeing."""
    rw = _speaker_words(sp[0])
    gender = _role_gender(rw)
    key = rw[:2]
    head = rw[0][2:] if rw[0].startswith("ال") else rw[0]
    nis = _nisbas(rw)
    matches: dict[str, _Speaker] = {}
    tried: set[tuple[str, int]] = set()
    for cand, cg in named:
        if cg and cg != gender:
            continue
        cw = _speaker_words(cand[0])
        name_at = _name_after_role(cw)
        name_key = " ".join(cw[name_at:] if name_at is not None else cw[-2:])
        if (name_key, cand[2]) in tried or len(tried) >= ROLE_MAX_CANDIDATES:
            continue
        tried.add((name_key, cand[2]))
        context = _speaker_words(doc.text[max(0, cand[2] - 60) : cand[3]])[-12:]
        same_role = any(context[i : i + len(key)] == key for i in range(len(context)))
        if (
            same_role
            or (nis and nis & _nisbas(context))
            or (not nis and _titled(doc, head, name_key))
        ):
            matches.setdefault(name_key, cand)
    return next(iter(matches.values())) if len(matches) == 1 else None


@dataclass
class _Cue:
    """One cue match being turned into a quotation (folded coordinates)."""

    idx: int
    m: re.Match[str]
    form: str
    ctype: str  # finite | participle | masdar
    s0: int  # sentence start (bounded look-back)
    s1: int  # sentence end
    i_start: int = 0  # introducer
    i_end: int = 0
    intro: re.Match[str] | None = None
    region_end: int = 0  # end of the subject region after the cue

    @property
    def cs(self) -> int:
        return self.m.start("cue")

    @property
    def ce(self) -> int:
        return self.m.end("cue")


class _Extractor:
    """The steps of :func:`extract_quotes` over one document; ``found`` is filled in
    cue order by :meth:`cue_quotes`, then by the attribution patterns without a cue
    verb (according-to, cue after the quote, headlines, interviews)."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.f = doc.folded
        # طلب عدم كشف اسمه: after عدم/دون a cue form is a verbal noun, no cue at all
        self.cues = [
            m
            for m in _CUE_RE.finditer(self.f)
            if not _GENITIVE_BEFORE_RE.search(self.f, max(0, m.start() - 8), m.start())
        ]
        self.cue_starts = [m.start("cue") for m in self.cues]
        self.found: list[_Found] = []
        self.used_pairs: set[int] = set()
        self.absorbed: set[int] = set()
        self.taken: list[tuple[int, int]] = []  # sorted, non-overlapping quote spans
        self.comma_stops = self._comma_stops()

    # -- bookkeeping -------------------------------------------------------
    def overlaps(self, a: int, b: int) -> bool:
        taken = self.taken
        k = bisect_left(taken, (a, a))
        return (k < len(taken) and taken[k][0] < b) or (k > 0 and taken[k - 1][1] > a)

    def take(self, a: int, b: int) -> None:
        self.taken.insert(bisect_left(self.taken, (a, a)), (a, b))

    def prev_speaker(self, before: int, gender: str | None = None) -> _Speaker | None:
        """The latest earlier quote's speaker whose cue agrees in ``gender`` (when known)."""
        for q in self.found[: -LOOKBACK_QUOTES - 1 : -1]:
            if q.cue_start < before and q.sp is not None:
                if not _agrees(gender, q):
                    continue  # وقالت after a male speaker: not the same person
                return q.sp
        return None

    def _comma_stops(self) -> list[int]:
        """Commas that end a reported clause: "، (و|فيما|كما)? <cue>" outside quotation
        marks, a coordinated new statement (... وقال "...") and editorial formulas."""
        f, doc = self.f, self.doc
        stops: list[int] = []
        for cm in self.cues:
            c = cm.start()
            head = f[max(0, c - 12) : c].rstrip()
            for conj in ("فيما", "كما", "بينما", "حيث", "مع"):
                if head.endswith(conj):
                    head = head[: -len(conj)].rstrip()
            if head.endswith(("،", ",")) and not doc.inside_pair(c) and self._opens_statement(cm):
                k = max(f.rfind("،", max(0, c - 12), c), f.rfind(",", max(0, c - 12), c))
                if k >= 0 and (not stops or stops[-1] < k):
                    stops.append(k)
            elif (
                f.startswith("و", c)
                and c > 0
                and f[c - 1] == " "
                and _FORM_INFO[cm.group("cue")][0] == "finite"
                and cm.group("cue") not in quote_cues.AMBIGUOUS_FORMS
                and not doc.inside_pair(c)
                and (not stops or stops[-1] < c - 1)
            ):
                stops.append(c - 1)
            elif (
                _FORM_INFO[cm.group("cue")][0] == "participle"
                and c > 0
                and f[c - 1] == " "
                and not doc.inside_pair(c)
                and (not stops or stops[-1] < c - 1)
                and _takes_complement(f, cm.end())
            ):
                stops.append(c - 1)  # ... في الرياض مؤكدة عدم ...: a new statement
        for nm in _NEW_CLAUSE_RE.finditer(f):
            if not doc.inside_pair(nm.start()):
                stops.append(nm.start())  # ...، ونقلت وكالة ... / ...، وكان ...: a new sentence
        for hint in _EDITORIAL_HINT_RE.finditer(f):
            em = _EDITORIAL_RE.search(f, max(0, hint.start() - 12), hint.end() + 20)
            if em is not None and not doc.inside_pair(em.start()):
                k = em.start()
                while k > 0 and f[k - 1] in " \t":
                    k -= 1
                if k > 0 and f[k - 1] in "،,":
                    k -= 1
                stops.append(k)  # ...، يذكر أن: the journalist's own sentence
        return sorted(set(stops))

    def _opens_statement(self, cm: re.Match[str]) -> bool:
        """A cue after a comma starts a new statement (and ends the running one) when
        it is a participle/verbal noun, carries و/ف, or an introducer follows it
        closely: not "...، تعتبر حالات نادرة" inside a reported clause."""
        form = cm.group("cue")
        if _FORM_INFO[form][0] != "finite" or cm.start() < cm.start("cue"):
            return True
        end = min(len(self.f), cm.end() + STATEMENT_WINDOW)
        comma = min(
            (
                k
                for k in (self.f.find("،", cm.end(), end), self.f.find(",", cm.end(), end))
                if k >= 0
            ),
            default=end,
        )
        return _COMP_RE.search(self.f, cm.end(), comma) is not None

    def clause_end(self, q0: int, s1: int) -> int:
        f = self.f
        limit = min(s1, q0 + MAX_QUOTE_CHARS)
        m = _CLAUSE_STOP_RE.search(f, q0, limit)
        if m and not self.doc.inside_pair(m.start()):
            limit = m.start()
        j = bisect_right(self.comma_stops, q0)
        if j < len(self.comma_stops) and self.comma_stops[j] < limit:
            return self.comma_stops[j]
        return limit

    # -- quotations introduced by a cue ----------------------------------------
    def cue_quotes(self) -> None:
        for idx in range(len(self.cues)):
            c = self._cue(idx)
            if c is None:
                continue
            ok = self._introducer(c)
            nominal = self._nominal(c)
            if nominal is not None and (not ok or nominal[1] < c.i_start):
                c.intro, c.region_end, c.i_start = None, nominal[0], nominal[1]
                c.i_end, ok = nominal[1], True
            if ok:
                self._quote_for(c)

    def _cue(self, idx: int) -> _Cue | None:
        """The cue at ``idx`` when it can report speech here (cheap tests first)."""
        m = self.cues[idx]
        f, doc = self.f, self.doc
        cs = m.start("cue")
        if cs in self.absorbed or doc.inside_pair(cs):
            return None
        form = m.group("cue")
        s0, s1 = doc.sentence(cs)
        if (
            form in quote_cues.PREFIX_REQUIRED
            and m.start() == cs
            and f[s0:cs].strip(_TRIM)
            and not _FRONTED_ADVERBIAL_RE.fullmatch(f, s0, cs)
        ):
            return None  # "بين" without و/ف inside a sentence is the preposition
        if form[:1] in "يت" and m.start() == cs and _SUBJUNCTIVE_RE.search(f, max(0, cs - 8), cs):
            return None  # دون أن يعلن / يريد أن يقول: not a report
        if _EDITORIAL_BEFORE_RE.search(f, max(0, m.start() - 16), m.start()):
            return None  # ومن الجدير بالذكر / تجدر الإشارة: the journalist, no speaker
        s0 = max(s0, m.start() - LOOKBACK_CHARS)  # bounded look-back on run-on text
        return _Cue(idx, m, form, _FORM_INFO[form][0], s0, s1)

    def _introducer(self, c: _Cue) -> bool:
        """Find the complementiser / colon / opening mark after the cue and the end of
        the subject region before it (``c.i_start``, ``c.i_end``, ``c.region_end``)."""
        f, doc = self.f, self.doc
        ce = c.ce
        win_end = min(c.s1, ce + SUBJECT_WINDOW)
        window = f[ce:win_end]
        if "ان" not in window and ":" not in window and not any(q in window for q in TOGGLE + "«"):
            return False  # cheap pre-test: no introducer can follow
        intro = _COMP_GLUED_RE.match(f, ce) if ce < len(f) and f[ce] != " " else None
        if intro is None:
            intro = _ALA_RE.match(f, ce)  # متوقعاً ألا يكون = أن + لا
        bare = None
        if intro is None:
            k = ce
            while k < win_end and f[k] in " \t":
                k += 1
            if k in doc.pairs and not _quoted_name_then_colon(doc, k):
                bare = k  # مؤكداً "..." : the quotation follows the cue directly
            elif c.ctype == "finite":
                bare = _quote_after_subject(doc, ce, win_end, _FORM_INFO[c.form][1])
        if intro is None and bare is None:
            intro = self._search_comp(ce, win_end)
        if intro is None and bare is None:
            return False
        c.intro = intro
        c.i_start = bare if bare is not None else intro.start()  # type: ignore[union-attr]
        c.i_end = bare if bare is not None else intro.end()  # type: ignore[union-attr]
        if _EDITORIAL_BEFORE_RE.search(f, max(0, c.i_start - 16), c.i_start):
            return False  # وتجدر الإشارة إلى أن: the أن belongs to the formula
        return self._subject_region(c)

    def _search_comp(self, a: int, b: int) -> re.Match[str] | None:
        f = self.f
        intro = _COMP_RE.search(f, a, b)
        while (
            intro is not None
            and intro.group("comp")
            and _NON_COMP_RE.search(f, max(0, intro.start() - 10), intro.start())
            and not _HOPE_RE.search(f, max(0, intro.start() - 16), intro.start())
        ):
            intro = _COMP_RE.search(f, intro.end(), b)
        return intro

    def _subject_region(self, c: _Cue) -> bool:
        """``c.region_end``: where the subject words after the cue stop. False when
        another cue owns the introducer or the words there cannot be a subject."""
        f, idx = self.f, c.idx
        nxt = self.cues[idx + 1].start("cue") if idx + 1 < len(self.cues) else len(f)
        region_end = c.i_start
        ab = _ABSORB_RE.search(f, c.ce, region_end)
        if nxt < region_end and (ab is None or self.cues[idx + 1].start() < ab.start()):
            return False  # another (non-absorbable) cue between owns the introducer
        if ab is not None:
            region_end = ab.start()
            for k in range(idx + 1, len(self.cues)):
                if self.cue_starts[k] >= c.i_start:
                    break
                self.absorbed.add(self.cue_starts[k])
        if len(f[c.ce : region_end].split()) > SUBJECT_MAX_WORDS:
            return False
        between = f[c.ce : region_end].strip(_TRIM)
        if c.ctype != "finite" and between and between not in quote_cues.PARTICIPLE_OBJECTS:
            return False  # participles and verbal nouns take the introducer directly
        if c.ctype == "masdar" and _IMPERSONAL_MASDAR_RE.search(
            f, max(0, c.m.start() - 12), c.m.start()
        ):
            return False  # تجدر الإشارة إلى أن / من الممكن القول إن: no speaker
        c.region_end = region_end
        return True

    def _nominal(self, c: _Cue) -> tuple[int, int] | None:
        """Start of a verbal-noun complement (أكد على ضرورة ...) owned by this cue."""
        if _FORM_INFO[c.form][1] not in quote_cues.NOMINAL_LEMMAS:
            return None
        oa, ob = self.doc.orig(c.ce, min(c.s1, c.ce + SUBJECT_WINDOW))
        found = _nominal_start(self.doc, c, self.doc.ents_in(oa, ob))
        nxt = self.cue_starts[c.idx + 1] if c.idx + 1 < len(self.cues) else len(self.f)
        return found if found is not None and found[1] < nxt else None

    def _quote_for(self, c: _Cue) -> None:
        """Span and speaker of the quotation introduced at ``c``; appended to ``found``."""
        span = self._span(c)
        if span is None:
            return
        kind, qa, qb, q0 = span
        spoken = self._speaker(c)
        if spoken is None:
            return
        sp, explicit = spoken
        if kind == "direct":
            self.used_pairs.add(q0)
        self.take(qa, qb)
        q = _Found(kind, c.form, qa, qb, sp, c.cs, explicit, _gender(c.form), c.intro is None)
        q.cue = self.doc.text[slice(*self.doc.orig(c.cs, c.ce))]  # the surface form
        self.found.append(q)

    def _span(self, c: _Cue) -> tuple[str, int, int, int] | None:
        f, doc = self.f, self.doc
        q0 = c.i_end
        while q0 < c.s1 and f[q0] in " \t":
            q0 += 1
        intro = c.intro
        needs_mark = intro is not None and (
            intro.re is _COMP_RE and (intro.group("prep") or intro.group("comma")) is not None
        )
        if q0 in doc.pairs and q0 not in self.used_pairs:
            kind, qa, qb = "direct", q0 + 1, doc.pairs[q0]
            while qa < qb and f[qa] in " \t":
                qa += 1
            while qb > qa and f[qb - 1] in " \t":
                qb -= 1
        elif needs_mark:
            return None
        else:
            kind = "indirect"
            qa, qb = _trimmed(doc, q0, self.clause_end(q0, c.s1))
        if qb - qa < 3 or qb - qa > MAX_QUOTE_CHARS or self.overlaps(qa, qb):
            return None
        return kind, qa, qb, q0

    def _speaker(self, c: _Cue) -> tuple[_Speaker | None, bool] | None:
        """(speaker, named in this clause) for the cue; None when the cue turns out not
        to report speech (its subject cannot be one)."""
        f, doc = self.f, self.doc
        m = c.m
        front = None
        if c.ctype == "finite":
            coord = m.start() < c.cs and f[m.start()] == "و"  # ...، ويقول الشيخ فلان
            front = _fronted_subject(doc, c.s0, m.start(), c.form, coord)
        if front is not None:
            return _np_speaker(doc, front), True
        if c.ctype == "finite":
            ambiguous = c.form in quote_cues.AMBIGUOUS_FORMS and not (
                _FRONTED_ADVERBIAL_RE.fullmatch(f, c.s0, m.start())
                or not f[c.s0 : m.start()].strip(_TRIM)  # the sentence opens with it
            )
            if ambiguous and len(f[c.ce : c.region_end].split()) > 12:
                return None
            subj = _subject(doc, c.ce, c.region_end, 6 if ambiguous else 12)
            if subj == INVALID:
                return None
            if subj is None and c.form in quote_cues.IMPERSONAL_FORMS:
                return None  # يذكر أن ... "it is worth noting that": no speaker, no quote
            if subj is not None:
                return _np_speaker(doc, subj), True
            svo = _svo_subject(doc, c.s0, m.start())
            if svo is not None:
                return _np_speaker(doc, svo), True
        return self._implicit_speaker(c), False

    def _implicit_speaker(self, c: _Cue) -> _Speaker | None:
        """Speaker of a cue with no subject of its own (وأضاف أن، مشيراً إلى أن، قالت:):
        the sentence's earlier speaker, entity, cue subject or relative antecedent, then
        the previous sentence's cue subject, then the previous quote's speaker; always a
        speaker whose gender agrees with the cue."""
        f, doc = self.f, self.doc
        gender = _gender(c.form)
        for q in self.found[: -LOOKBACK_QUOTES - 1 : -1]:
            if q.cue_start < c.s0:
                break
            if q.sp is not None and _agrees(gender, q):
                return q.sp
        if c.ctype == "participle":  # ربطت وزارة النفط ...، مشيرة إلى: the verb's subject
            sp = _opening_verb_subject(doc, c.s0, c.m.start(), gender)
            if sp is not None:
                return sp
        os0, ocs = doc.orig(c.s0, c.cs)
        e = _pick_entity(doc.ents_in(os0, ocs), last=True)
        if e is not None:
            return _ent_speaker(e)
        sp = self._earlier_cue_subject(c)
        if sp is None:
            rel = _RELATIVE_RE.search(f, c.s0, c.m.start())
            if rel is not None:
                words = list(re.finditer(r"\S+", f[c.s0 : rel.start()]))[-4:]
                if words:
                    sp = _span_speaker(doc, c.s0 + words[0].start(), rel.start())
        if sp is None and c.form.startswith("قول"):
            sp = _naql_an_speaker(doc, c.s0, c.m.start())
        if sp is None and c.ctype == "masdar":
            roles = list(_ROLE_RE.finditer(f, max(c.s0, c.cs - 60), c.m.start()))
            if roles:
                sp = _span_speaker(doc, roles[-1].start(), c.m.start())
        first_cue = c.idx == 0 or self.cue_starts[c.idx - 1] < c.s0
        if sp is None and c.ctype == "finite" and c.m.start() > c.s0 and first_cue:
            # سجلت وزارة الصحة ...، فيما أعلنت عن ...: the subject of the opening verb
            sp = _opening_verb_subject(doc, c.s0, c.m.start(), _gender(c.form))
        if sp is None and not self.found and c.s0 > 0 and c.ctype == "finite":
            # the article's first statement, subject dropped: the subject of the verb
            # opening the previous sentence (سجلت الصحة ... . وبينت أن ...)
            ps0, ps1 = doc.sentence(c.s0 - 1)
            while ps0 > 0 and not f[ps0:ps1].strip():
                ps0, ps1 = doc.sentence(ps0 - 1)
            sp = _opening_verb_subject(doc, ps0, ps1, _gender(c.form), definite_ok=True)
        if sp is None:
            sp = _prev_sentence_cue_subject(doc, self.cues, c.idx, c.s0, self.found, c.form)
        return sp if sp is not None else self.prev_speaker(c.cs, gender)

    def _earlier_cue_subject(self, c: _Cue) -> _Speaker | None:
        """The subject of one of the nearest three earlier finite cues in the same
        sentence (أفاد مصدر ...، فيما أشار إلى أن ...), agreeing in gender."""
        f, doc = self.f, self.doc
        tried = 0
        for j in range(c.idx - 1, max(-1, c.idx - 20), -1):
            pm = self.cues[j]
            if pm.start("cue") < c.s0 or tried == 3:
                break
            pform = pm.group("cue")
            if _FORM_INFO[pform][0] != "finite" or (
                pform in quote_cues.PREFIX_REQUIRED and pm.start() == pm.start("cue")
            ):
                continue  # not a verb here: عبر قناة الجزيرة ("via")
            tried += 1
            g, pg = _gender(c.form), _gender(pform)
            if g and pg and g != pg:
                continue
            pf = _fronted_subject(doc, c.s0, pm.start(), pform)
            pe = min(c.s1, pm.end("cue") + SUBJECT_WINDOW)
            pi = _COMP_RE.search(f, pm.end("cue"), pe)
            # a guess from another verb: short subjects only, never past this cue
            pb = min(pi.start() if pi else pe, c.m.start())
            ps = pf or _subject(doc, pm.end("cue"), pb, 6)
            if ps is not None and ps != INVALID:
                return _np_speaker(doc, ps)
        return None

    # -- attribution without a cue verb before the quotation ----------------------
    def according_to(self) -> None:
        """وبحسب المرصد فقد ... / ...، بحسب مركز جونز هوبكنز."""
        f, doc = self.f, self.doc
        for am in _ACCORDING_RE.finditer(f):
            a0 = am.start()
            if doc.inside_pair(a0):
                continue
            s0, s1 = doc.sentence(a0)
            src = _source_phrase(doc, am.end(), s1)
            if src is None:
                continue
            na, nb, tail = src
            before = f[s0:a0].strip(" \t\n،,و")
            conn = _FA_RE.match(f, tail)
            after_comma = f[s0:a0].rstrip().endswith(("،", ","))
            if conn is not None and (not before or after_comma):
                qa = conn.end()  # fronted: وبحسب المرصد فقد ...
                qb = self.clause_end(qa, s1)
            elif f[s0:a0].rstrip().endswith(("،", ",")) and _rest_is_apposition(f, tail, s1):
                qb = max(f.rfind("،", s0, a0), f.rfind(",", s0, a0))  # trailing: ...، بحسب
                lead = _DATELINE_LEAD_RE.match(f, s0, qb)
                qa = max(lead.end() if lead else s0, _last_clause_start(doc, s0, qb))
            elif (not before or (after_comma and f[a0] == "و")) and f.startswith(("،", ","), tail):
                # fronted with a comma, a new clause: ...، وحسب الهيئة، تم تسجيل ... (not
                # the parenthetical "وشملت الإجراءات، بحسب بيان للوزارة، قبول ...")
                qa = tail + 1
                qb = self.clause_end(qa, s1)
            else:
                continue
            qa, qb = _trimmed(doc, qa, qb)
            if qb - qa < 10 or qb - qa > MAX_QUOTE_CHARS or self.overlaps(qa, qb):
                continue
            self.take(qa, qb)
            q = _Found("indirect", None, qa, qb, _np_speaker(doc, (na, nb)), am.start("acc"))
            q.cue = doc.text[slice(*doc.orig(am.start("acc"), am.end("acc")))].strip()
            self.found.append(q)

    def according_to_verb(self) -> None:
        """Trailing attribution by a verb: ...، وذلك حسبما قال نجل المرسل إليه."""
        f, doc = self.f, self.doc
        for am in _ACCORDING_VERB_RE.finditer(f):
            a0 = am.start()
            if doc.inside_pair(a0):
                continue
            s0, s1 = doc.sentence(a0)
            qb = max(f.rfind("،", s0, a0), f.rfind(",", s0, a0))
            if qb < 0 or f[qb:a0].strip(" \t،,و") not in ("", "ذلك"):
                continue  # the attribution must follow the clause it attributes
            stop = min(
                (k for k in (f.find("،", am.end(), s1), f.find(",", am.end(), s1)) if k >= 0),
                default=s1,
            )
            na, nb = _trimmed(doc, am.end(), stop)
            if not 1 <= len(f[na:nb].split()) <= 6 or not _rest_is_apposition(f, nb, s1):
                continue
            lead = _DATELINE_LEAD_RE.match(f, s0, qb)
            qa, qb = _trimmed(
                doc, max(lead.end() if lead else s0, _last_clause_start(doc, s0, qb)), qb
            )
            if qb - qa < 10 or qb - qa > MAX_QUOTE_CHARS or self.overlaps(qa, qb):
                continue
            self.take(qa, qb)
            q = _Found("indirect", None, qa, qb, _np_speaker(doc, (na, nb)), am.start("acc"))
            q.cue = doc.text[slice(*doc.orig(am.start("acc"), am.end("acc")))].strip()
            self.found.append(q)

    def cue_after(self) -> None:
        """Direct quotes attributed by a cue right after them: "..."، قال فلان."""
        f, doc = self.f, self.doc
        for o, c in doc.pairs.items():
            if o in self.used_pairs or self.overlaps(o + 1, c) or len(f[o + 1 : c].split()) < 3:
                continue
            ma = _FINITE_AFTER_RE.match(f, c + 1)
            if ma is None:
                continue
            _, s1 = doc.sentence(ma.end())
            subj = _subject(doc, ma.end(), min(s1, ma.end() + 120))
            gender = _gender(ma.group("cue"))
            if subj is not None and subj != INVALID:
                sp = _np_speaker(doc, subj)
            else:
                sp = self.prev_speaker(o, gender)
            cs, ce = ma.start("cue"), ma.end("cue")
            self.take(o + 1, c)
            q = _Found("direct", None, o + 1, c, sp, cs, gender=gender)
            q.cue = doc.text[slice(*doc.orig(cs, ce))]
            self.found.append(q)
            self.used_pairs.add(o)

    def headlines_and_interviews(self) -> None:
        doc = self.doc
        self.found.extend(_headline_quotes(doc, doc.text, self.overlaps))
        answers = _interview_answers(doc, doc.text, self.found)
        if answers:
            # inside an answer the interviewee speaks: keep only statements whose speaker
            # is named in their own clause (third parties the interviewee reports)
            self.found = [
                q
                for q in self.found
                if q.explicit or not any(a.start <= q.start < a.end for a in answers)
            ]
            self.found.extend(answers)


def extract_quotes(
    text: str,
    entities: Sequence[EntityLike] | None = None,
    folded: tuple[str, Sequence[int]] | None = None,
) -> list[Quote]:
    """Direct and reported quotations with speakers; offsets index ``text``.
    ``folded``: ``fold_for_match(text)`` when the caller has it already."""
    if not text or not text.strip():
        return []
    doc = _Doc(text, entities, folded)
    ex = _Extractor(doc)
    ex.cue_quotes()
    ex.according_to()
    ex.according_to_verb()
    ex.cue_after()
    ex.headlines_and_interviews()
    return _finalize(doc, ex.found)


def _finalize(doc: _Doc, found: list[_Found]) -> list[Quote]:
    """Quotes in text order with speakers resolved: a one-word definite speaker to its
    fuller earlier mention, a role noun to the named person it refers to, and a kind."""
    ordered = sorted(found, key=lambda q: q.start)
    seen: list[_Speaker] = []
    for q in ordered:
        if q.sp is not None:
            q.sp = _resolve_short(q.sp, seen)
            if q.sp is not None and _is_short_definite(q.sp[0]):
                q.sp = _fuller_mention(doc, q.sp, q.start) or q.sp
            elif q.sp is not None and _is_surname(q.sp[0]):
                q.sp = _full_name(doc, q.sp, q.start) or q.sp
            seen.append(q.sp)
    kinds = [
        speaker_kind(q.sp[0], doc.ents_in(q.sp[2], q.sp[3])) if q.sp else None for q in ordered
    ]
    named = [
        (q.sp, q.gender) for q, k in zip(ordered, kinds, strict=True) if k == "person" and q.sp
    ]
    out: list[Quote] = []
    for q, kind in zip(ordered, kinds, strict=True):
        sp = q.sp
        if sp is not None and kind == "role":
            person = _resolve_role(doc, sp, named)
            if person is None and _speaker_words(sp[0])[0] in quote_cues.HONORIFICS:
                earlier = [c for c, _ in named if c[3] <= sp[2]]
                person = earlier[-1] if earlier else None  # سموه، معاليه: the last named
            if person is not None:
                sp, kind = person, "person"
        a, b = doc.orig(q.start, q.end)
        spk, sid, ssa, ssb = sp if sp else (None, None, None, None)
        nominal = q.nominal and q.kind == "indirect"
        out.append(Quote(q.kind, spk, sid, q.cue, doc.text[a:b], a, b, ssa, ssb, kind, nominal))
    return out
