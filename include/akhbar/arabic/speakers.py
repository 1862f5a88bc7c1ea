"""Who is speaking: gender of a cue, earlier speakers, full names, roles, speaker kind.

:func:`speaker_kind` sorts a speaker into person / organisation / role /
anonymous; the other functions resolve a short or role mention (المصدر،
الوزير) to a fuller mention earlier in the article.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.quote_spans import (
    _COMP_RE,
    _FORM_INFO,
    _ROLE_RE,
    _TRIM,
    LOOKBACK_QUOTES,
    SUBJECT_WINDOW,
    EntityLike,
    _alt,
    _Doc,
    _ent_speaker,
    _Found,
    _pick_entity,
    _span_speaker,
    _Speaker,
)
from akhbar.arabic.quote_subjects import INVALID, _subject
from akhbar.arabic.rules import quote_cues

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
            g.startswith(("ال", "و", "لل", "بال", "فال", "كال"))  # للرئيس السيسي: no given name
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


def _speaker_words(text: str) -> list[str]:
    words = _words(text)
    if len(words) > 1 and words[0] in ("هذا", "هذه", "ذلك", "تلك"):
        words = words[1:]  # هذا المصدر العسكري: the source mentioned before
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


def _religious(words: list[str]) -> bool:
    joined = " ".join(words)
    return words[0] in quote_cues.RELIGIOUS_SPEAKER_STARTS or any(
        phrase in joined for phrase in quote_cues.RELIGIOUS_SPEAKER_PHRASES
    )


def speaker_kind(speaker: str | None, ents: Sequence[EntityLike] = ()) -> str | None:
    """person | organisation | role | anonymous for a speaker phrase (None for none)."""
    if not speaker:
        return None
    words = _speaker_words(speaker)
    if not words:
        return None
    if _religious(words):
        return "role"  # scripture or the Prophet cited in a sermon: not a news source
    if any(e.type == "PER" for e in ents):
        return "person"
    head = words[0]
    if head in quote_cues.ANONYMOUS_HEADS:
        return "anonymous"
    generic = quote_cues.GENERIC_SPEAKERS | quote_cues.PERSON_NOUNS
    if head in quote_cues.HONORIFICS or (len(words) == 1 and head in generic):
        return "role"  # سموه، الجانبان، المرأة: nobody in particular until resolved
    if head in quote_cues.PERSON_NOUNS:
        return "person"  # الشاب محمد
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
