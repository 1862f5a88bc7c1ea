"""The quotation extractor over one document (:class:`_Extractor`).

Layers: :class:`~akhbar.arabic.quote_state._ExtractorState` (what the passes
share), :class:`~akhbar.arabic.quote_attribution._AttributionPasses` (quotes
without a cue verb before them), and here the passes for quotations a cue
introduces.
"""

from __future__ import annotations

import re

from akhbar.arabic.quote_attribution import _AttributionPasses
from akhbar.arabic.quote_clauses import (
    _EDITORIAL_BEFORE_RE,
    _FRONTED_ADVERBIAL_RE,
    _agrees,
    _Cue,
    _naql_an_speaker,
    _nominal_start,
    _opening_verb_subject,
)
from akhbar.arabic.quote_spans import (
    _ABSORB_RE,
    _COMP_GLUED_RE,
    _COMP_RE,
    _FORM_INFO,
    _HOPE_RE,
    _NON_COMP_RE,
    _RELATIVE_RE,
    _ROLE_RE,
    _TRIM,
    LOOKBACK_CHARS,
    LOOKBACK_QUOTES,
    MAX_QUOTE_CHARS,
    SUBJECT_MAX_WORDS,
    SUBJECT_WINDOW,
    TOGGLE,
    _ent_speaker,
    _Found,
    _pick_entity,
    _span_speaker,
    _Speaker,
    _trimmed,
)
from akhbar.arabic.quote_subjects import (
    INVALID,
    _fronted_subject,
    _quote_after_subject,
    _quoted_name_then_colon,
    _subject,
    _svo_subject,
)
from akhbar.arabic.rules import quote_cues
from akhbar.arabic.speakers import (
    _ALA_RE,
    _IMPERSONAL_MASDAR_RE,
    _SUBJUNCTIVE_RE,
    _gender,
    _np_speaker,
    _prev_sentence_cue_subject,
)


def _addressee(f: str, c: _Cue, subj: tuple[int, int]) -> bool:
    """The phrase after a call verb (دعت، طالب، حث) is its object when it opens with a
    participle plural in construct (مستخدمي، مواطني، منتسبي): whom the call is for."""
    if _FORM_INFO[c.form][1] not in quote_cues.ADDRESSING_LEMMAS:
        return False
    head = f[subj[0] : subj[1]].split()[0]
    return head.startswith("م") and head.endswith("ي") and len(head) >= 6


class _Extractor(_AttributionPasses):
    """The steps of :func:`extract_quotes` over one document; ``found`` is filled in
    cue order by :meth:`cue_quotes`, then by the attribution patterns without a cue
    verb (according-to, cue after the quote, headlines, interviews)."""

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
            if subj is not None and _addressee(f, c, subj):
                subj = None  # ودعت مستخدمي هذه المركبات إلى: whom the call is addressed to
            elif subj is not None and _FORM_INFO[c.form][1] in quote_cues.ADDRESSING_LEMMAS:
                comma = f.find("،", *subj)
                if comma > subj[0]:
                    subj = (subj[0], comma)  # ودعا المرصد، وزارة العمل إلى: the caller
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
