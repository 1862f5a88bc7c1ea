"""Finding the noun phrase that introduces a quotation (the subject of its cue).

Subjects after a cue, fronted subjects (subject - verb - object), "according to"
phrases (بحسب ...), headline attributions and interview answers.
"""

from __future__ import annotations

import re
from typing import Any

from akhbar.arabic.datelines import is_agency
from akhbar.arabic.quote_spans import (
    _COMP_RE,
    _FORM_INFO,
    _MARK_OR_NL_RE,
    _ROLE_RE,
    _SENT_END_RE,
    _STOPS_RE,
    _TRIM,
    MARKS,
    MAX_QUOTE_CHARS,
    SUBJECT_MAX_WORDS,
    _alt,
    _Doc,
    _Found,
    _span_speaker,
    _trimmed,
)
from akhbar.arabic.rules import quote_cues

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
    return a, _before_speech_object(words, b)


def _before_speech_object(words: list[re.Match[str]], b: int) -> int:
    """End of a subject before the speaker's own speech: الرئيس المصري كلمته ->
    الرئيس المصري; السيسي في كلمته الشكر -> السيسي."""
    for i in range(1, len(words)):
        if words[i].group() in quote_cues.SPEECH_OBJECTS:
            prep = words[i - 1].group() in quote_cues.SPEECH_OBJECT_PREPS
            j = i - 1 if prep else i
            return words[j - 1].end() if j >= 1 else b
    return b


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
    for w in _WORD_SPAN_RE.finditer(f, a, stop):
        if _FORM_INFO.get(w.group(), ("",))[0] == "finite":
            stop = w.start()  # حسب مصدر عسكري مالي أوضح أن ...: the source ends at its verb
            break
    b = stop
    while b > a and f[b - 1] in " \t":
        b -= 1
    limit = SOURCE_MAX_WORDS if _ROLE_RE.match(f, a) else 6
    if not 1 <= len(f[a:b].split()) <= limit:
        return None
    return a, b, b


def _rest_is_apposition(f: str, tail: int, s1: int) -> bool:
    """After a trailing source phrase only its apposition may follow (، ومقره ...), or
    the source's own next statement (حسب مصدر عسكري أوضح أن ...)."""
    rest = f[tail:s1].strip(" \t،,")
    if rest and _FORM_INFO.get(rest.split(None, 1)[0], ("",))[0] == "finite":
        return True
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
SOURCE_MAX_WORDS = 14  # a role phrase after بحسب: المشرف على مبادرة "..." الرئيس ... فلان
