"""What the quotation passes share over one document: cues, quotations found, spans taken."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from akhbar.arabic.quote_clauses import (
    _EDITORIAL_HINT_RE,
    _EDITORIAL_RE,
    _GENITIVE_BEFORE_RE,
    _NEW_CLAUSE_RE,
    STATEMENT_WINDOW,
    _agrees,
    _takes_complement,
)
from akhbar.arabic.quote_spans import (
    _CLAUSE_STOP_RE,
    _COMP_RE,
    _CUE_RE,
    _FORM_INFO,
    LOOKBACK_QUOTES,
    MAX_QUOTE_CHARS,
    _Doc,
    _Found,
    _Speaker,
)
from akhbar.arabic.rules import quote_cues


class _ExtractorState:
    """The document, its cue matches, the quotations found so far and the spans they take."""

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
