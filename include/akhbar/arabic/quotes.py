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

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from akhbar.arabic.quote_clauses import _agrees
from akhbar.arabic.quote_extractor import _Extractor
from akhbar.arabic.quote_spans import EntityLike, _Doc, _Found, _Speaker, fold_for_match
from akhbar.arabic.rules import quote_cues
from akhbar.arabic.speakers import (
    _full_name,
    _fuller_mention,
    _is_short_definite,
    _is_surname,
    _resolve_role,
    _resolve_short,
    _speaker_words,
    speaker_kind,
)

__all__ = ["EntityLike", "Quote", "extract_quotes", "fold_for_match", "speaker_kind"]


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


def _continue_attributed(doc: _Doc, ordered: list[_Found]) -> None:
    """A speakerless quote right after another in the same sentence continues its
    speaker: وبحسب ... صبري الكثيري، فإن المشاركة ...، مبيناً أن ... (the "according to"
    pass runs after the cue passes, so the participle found no speaker then)."""
    for prev, q in pairwise(ordered):
        if q.sp is not None or prev.sp is None or q.explicit:
            continue
        if doc.sentence(q.start)[0] <= prev.start and _agrees(q.gender, prev):
            q.sp = prev.sp


def _finalize(doc: _Doc, found: list[_Found]) -> list[Quote]:
    """Quotes in text order with speakers resolved: a one-word definite speaker to its
    fuller earlier mention, a role noun to the named person it refers to, and a kind."""
    ordered = sorted(found, key=lambda q: q.start)
    _continue_attributed(doc, ordered)
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
