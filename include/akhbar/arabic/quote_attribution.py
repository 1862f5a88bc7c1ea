"""Quotations attributed without a cue verb before them.

"According to" phrases (وبحسب المرصد فقد ... / ...، بحسب مركز ...), a verb after
the clause (حسبما قال ...), a cue right after a direct quote ("..."، قال فلان),
headlines and interview answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from akhbar.arabic.quote_spans import (
    _FINITE_AFTER_RE,
    MAX_QUOTE_CHARS,
    _Found,
    _trimmed,
)
from akhbar.arabic.quote_state import _ExtractorState
from akhbar.arabic.quote_subjects import (
    _ACCORDING_RE,
    _ACCORDING_VERB_RE,
    _DATELINE_LEAD_RE,
    _FA_RE,
    INVALID,
    _headline_quotes,
    _interview_answers,
    _last_clause_start,
    _rest_is_apposition,
    _source_phrase,
    _subject,
)
from akhbar.arabic.speakers import (
    _gender,
    _np_speaker,
)


class _AttributionPasses(_ExtractorState):
    """The attribution passes; they run after the cue passes of :class:`_Extractor`."""

    # -- attribution without a cue verb before the quotation ----------------------
    def _sites_outside_marks(
        self, pattern: re.Pattern[str]
    ) -> Iterator[tuple[re.Match[str], int, int]]:
        """Matches of ``pattern`` not inside quotation marks, with their sentence bounds."""
        for am in pattern.finditer(self.f):
            if not self.doc.inside_pair(am.start()):
                yield (am, *self.doc.sentence(am.start()))

    def according_to(self) -> None:
        """وبحسب المرصد فقد ... / ...، بحسب مركز جونز هوبكنز."""
        f, doc = self.f, self.doc
        for am, s0, s1 in self._sites_outside_marks(_ACCORDING_RE):
            a0 = am.start()
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
            self._add_attributed(*_trimmed(doc, qa, qb), (na, nb), am)

    def according_to_verb(self) -> None:
        """Trailing attribution by a verb: ...، وذلك حسبما قال نجل المرسل إليه."""
        f, doc = self.f, self.doc
        for am, s0, s1 in self._sites_outside_marks(_ACCORDING_VERB_RE):
            a0 = am.start()
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
            self._add_attributed(qa, qb, (na, nb), am)

    def _add_attributed(self, qa: int, qb: int, source: tuple[int, int], am: re.Match[str]) -> None:
        """Take [qa, qb) as an indirect quote of the source phrase an "according to" names."""
        if qb - qa < 10 or qb - qa > MAX_QUOTE_CHARS or self.overlaps(qa, qb):
            return
        self.take(qa, qb)
        doc = self.doc
        q = _Found("indirect", None, qa, qb, _np_speaker(doc, source), am.start("acc"))
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
