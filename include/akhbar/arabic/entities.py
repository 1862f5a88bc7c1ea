"""Article-level entities: gazetteer + CRF, merged, then linked within the article.

* The gazetteer gives typed spans with a stable ``entity_id``.
* The CRF (if its model file is present) adds names the gazetteer lacks.
* Overlaps: the gazetteer wins, except that a CRF span that strictly contains
  exactly one gazetteer span replaces it, whatever its type (the corpora tag
  the outermost name: ريال مدريد/ORG around مدريد/LOC); method 'both' when the
  types agree, else 'crf'. A CRF span over several gazetteer names is dropped.
* Titles (الرئيس، اللواء ...) are cut off the front of PER spans; a CRF PER
  span made only of titles is dropped (a title alone names nobody).
* Linking: once a multi-word person name has been seen, a later bare surname
  (حفتر after خليفة حفتر) is tagged PER with the full name's id; a full name
  without a gazetteer id gets ``local:<folded full name>``.

All work is linear in the text length; offsets index the given text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from akhbar.arabic.gazetteer import Gazetteer, get_gazetteer, match_tokens
from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.tokenize import Token, sentences, split_clitics, stem_candidates, tokenize

Method = Literal["gazetteer", "crf", "both", "link"]

# Words cut from the front of a PER span (folded on use). Constructed list.
TITLES: tuple[str, ...] = (
    "الرئيس", "رئيس", "الرئيسة", "اللواء", "المشير", "العميد", "العقيد", "الفريق", "الجنرال",
    "الشيخ", "الملك", "الأمير", "السلطان", "السيد", "السيدة", "الدكتور", "د", "النائب",
    "الوزير", "وزير", "وزيرة", "المستشار", "السفير", "المبعوث", "القائد", "الزعيم", "الإمام",
    "المرشد", "آية", "الله", "ولي", "العهد", "الحاج", "الأستاذ", "المهندس", "القاضي", "البابا",
)  # fmt: skip
_TITLES = frozenset(normalize_for_match(t) for t in TITLES)
_GOVERNMENT = frozenset(normalize_for_match(w) for w in ("حكومة", "الحكومة"))
# Max tokens fed to the CRF at once: bounds memory on text without punctuation.
MAX_SENT_TOKENS = 200
# Max characters processed (longer input is cut, never rejected).
MAX_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class Entity:
    """A named-entity mention; ``text == source[start:end]``."""

    text: str
    type: str
    start: int
    end: int
    entity_id: str | None
    method: Method


def _crf_spans(
    tokens: list[Token], text: str, gaz: list[str] | None = None
) -> list[tuple[int, int, str]]:
    """CRF spans ``(first token, end token, type)`` over ``tokens`` sentence by
    sentence (``gaz``: the gazetteer BIO tag of every token, if already known)."""
    from akhbar.arabic import ner

    if not ner.model_available():
        return []
    out: list[tuple[int, int, str]] = []
    spans = sentences(text)
    ti = 0
    for s_start, s_end in spans:
        while ti < len(tokens) and tokens[ti].end <= s_start:
            ti += 1
        tj = ti
        while tj < len(tokens) and tokens[tj].start < s_end:
            tj += 1
        for a in range(ti, tj, MAX_SENT_TOKENS):
            b = min(a + MAX_SENT_TOKENS, tj)
            tags = ner.tag_tokens([t.text for t in tokens[a:b]], gaz=gaz[a:b] if gaz else None)
            k = 0
            while k < len(tags):
                if tags[k].startswith("B-"):
                    typ = tags[k][2:]
                    e = k + 1
                    while e < len(tags) and tags[e] == "I-" + typ:
                        e += 1
                    out.append((a + k, a + e, typ))
                    k = e
                else:
                    k += 1
        ti = tj
    return out


def _strip_titles(tokens: list[Token], i: int, j: int) -> int:
    """First token index of a PER span [i, j) after leading titles (never empties it)."""
    while i < j - 1:
        word = tokens[i].text
        forms = {normalize_for_match(word)} | {c for _, c in stem_candidates(word)}
        if forms & _TITLES:
            i += 1
        else:
            break
    return i


def _government_of(tokens: list[Token], i: int, j: int, gi: int, gj: int, gtyp: str) -> bool:
    """``حكومة`` + a known place: newswire gold (ANERcorp, NewsFANE: 7 of 7 in
    the training data) keeps the place a LOC and the head noun O."""
    if gtyp != "LOC" or (i, gj) != (gi - 1, j) or gi - i != 1:
        return False
    return bool({c for _, c in stem_candidates(tokens[i].text)} & _GOVERNMENT)


def _all_titles(tokens: list[Token], i: int, j: int) -> bool:
    """Whether every token of [i, j) is a title word (or a clitic + title)."""
    return all(
        ({normalize_for_match(tokens[k].text)} | {c for _, c in stem_candidates(tokens[k].text)})
        & _TITLES
        for k in range(i, j)
    )


def _start_offset(tok: Token, gaz: Gazetteer) -> int:
    """Characters of proclitics to drop from the first token of a CRF span."""
    prefix, _ = split_clitics(tok.text, lambda s: s in gaz.known_tokens)
    return len(prefix)


def extract_entities(text: str, use_crf: bool = True) -> list[Entity]:
    """PER / LOC / ORG mentions in ``text``, sorted by offset, non-overlapping."""
    if not text or not text.strip():
        return []
    text = text[:MAX_CHARS]
    tokens = tokenize(text)
    if not tokens:
        return []
    gaz = get_gazetteer()
    # candidate spans in token indices: (i, j, type, entity_id, method)
    cands: list[tuple[int, int, str, str | None, Method, int]] = []
    gaz_hits = match_tokens(tokens, text, gaz)
    owner: list[int] = [-1] * len(tokens)
    for n, (i, j, m) in enumerate(gaz_hits):
        cands.append((i, j, m.type, m.entity_id, "gazetteer", m.start - tokens[i].start))
        for k in range(i, j):
            owner[k] = n
    if use_crf:
        gaz_bio = ["O"] * len(tokens)
        for i, j, m in gaz_hits:
            gaz_bio[i] = "B-" + m.type
            gaz_bio[i + 1 : j] = ["I-" + m.type] * (j - i - 1)
        for i, j, typ in _crf_spans(tokens, text, gaz_bio):
            hit = {owner[k] for k in range(i, j)} - {-1}
            if not hit:
                cands.append((i, j, typ, None, "crf", _start_offset(tokens[i], gaz)))
                continue
            if len(hit) != 1:
                continue  # spans several known names (خليفة حفتر + موسكو): run-on
            n = hit.pop()
            gi, gj, gtyp, geid, _, goff = cands[n]
            if (gi, gj) == (i, j):
                if gtyp == typ:
                    cands[n] = (gi, gj, gtyp, geid, "both", goff)
            elif i <= gi and gj <= j and not _government_of(tokens, i, j, gi, gj, gtyp):
                # the CRF found a longer name around a gazetteer name (ريال مدريد around
                # مدريد, بلدية نابلس around نابلس): the corpora tag the outermost name
                method: Method = "both" if gtyp == typ else "crf"
                cands[n] = (i, j, typ, None, method, _start_offset(tokens[i], gaz))
                for k in range(i, j):
                    owner[k] = n
            # otherwise the gazetteer wins
    ents: list[Entity] = []
    seen_cands = sorted(set(cands), key=lambda c: (c[0], -(c[1] - c[0])))
    last_end = -1
    for i, j, typ, eid, method, off in seen_cands:
        if i < last_end:
            continue
        if typ == "PER":
            if method == "crf" and _all_titles(tokens, i, j):
                continue  # a title alone (الرئيس، الوزير) names nobody
            i2 = _strip_titles(tokens, i, j)
            if i2 != i:
                i, off = i2, 0
        start, end = tokens[i].start + off, tokens[j - 1].end
        if end <= start:
            continue
        ents.append(Entity(text[start:end], typ, start, end, eid, method))
        last_end = j
    return _link(ents, tokens, text, gaz)


def _link(ents: list[Entity], tokens: list[Token], text: str, gaz: Gazetteer) -> list[Entity]:
    """Give full PER names ids and tag later bare surnames as the same person."""
    surname_owner: dict[str, str] = {}  # folded surname -> entity id
    surname_from: dict[str, int] = {}  # folded surname -> offset after which it links
    out: list[Entity] = []
    for e in ents:
        if e.type == "PER" and e.method == "crf":
            e = _cut_at_surname(e, surname_owner, surname_from)
        if e.type == "PER":
            words = [t.text for t in tokenize(e.text)]
            eid = e.entity_id
            if len(words) >= 2:
                if eid is None:
                    eid = "local:" + " ".join(normalize_for_match(w) for w in words)
                    e = Entity(e.text, e.type, e.start, e.end, eid, e.method)
                last = normalize_for_match(words[-1])
                if len(last) >= 3 and last not in surname_owner:
                    surname_owner[last] = eid
                    surname_from[last] = e.end
            elif eid is None:
                f = normalize_for_match(words[0]) if words else ""
                if f in surname_owner and e.start >= surname_from[f]:
                    e = Entity(e.text, e.type, e.start, e.end, surname_owner[f], "link")
        out.append(e)
    if not surname_owner:
        return out
    # bare surnames that neither tagger caught
    covered = [False] * (len(text) + 1)
    for e in out:
        for p in range(e.start, e.end):
            covered[p] = True
    added: list[Entity] = []
    for tok in tokens:
        if covered[tok.start] or covered[tok.end - 1]:
            continue
        for off, form in stem_candidates(tok.text):
            if form in surname_owner and tok.start >= surname_from[form]:
                start = tok.start + off
                added.append(
                    Entity(
                        text[start : tok.end], "PER", start, tok.end, surname_owner[form], "link"
                    )
                )
                break
    if not added:
        return out
    return sorted(out + added, key=lambda e: e.start)


def _cut_at_surname(e: Entity, owner: dict[str, str], after: dict[str, int]) -> Entity:
    """A CRF PER span that starts with an already-seen surname (حفتر فر هاربا) is
    cut back to that surname and linked: the CRF tends to run on past it."""
    toks = tokenize(e.text)
    if len(toks) < 2:
        return e
    for off, form in stem_candidates(toks[0].text):
        if form in owner and e.start >= after[form]:
            start = e.start + off
            end = e.start + toks[0].end
            return Entity(e.text[off : toks[0].end], "PER", start, end, owner[form], "link")
    return e
