"""The clause a cue governs: verbal-noun complements, opening verbs, :class:`_Cue`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from akhbar.arabic.quote_spans import (
    _COMP_RE,
    _FORM_INFO,
    _ROLE_RE,
    SUBJECT_WINDOW,
    EntityLike,
    _alt,
    _Doc,
    _Found,
    _Speaker,
    _trimmed,
)
from akhbar.arabic.quote_subjects import _ADVERBIAL, INVALID, _subject
from akhbar.arabic.rules import quote_cues
from akhbar.arabic.speakers import _name_after_role, _np_speaker, speaker_kind

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
