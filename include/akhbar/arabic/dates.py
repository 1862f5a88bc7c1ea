"""Date expressions in Arabic news, resolved to calendar dates where possible.

Kinds: ``date`` (day, month and year known or inferred), ``month``, ``year``,
``hijri`` (Hijri date, converted with :mod:`hijridate` when the year is given),
``weekday`` (الاثنين، صباح الثلاثاء، الأحد المقبل) and ``relative`` (أمس، اليوم، غداً).
Weekday and relative mentions are resolved against the publication date: a bare
weekday is the most recent such day on or before publication, one with الماضي the
most recent strictly before it, one with المقبل/القادم the next one after it.
Without a publication date their value is None.

Matching runs on the folded text (Eastern digits -> ASCII, hamza forms folded)
and offsets are mapped back to the given text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from akhbar.arabic.normalize import DROP_FOR_MATCH, original_span
from akhbar.arabic.quotes import fold_with_offsets
from akhbar.arabic.rules import dates as R


@dataclass(frozen=True)
class DateMention:
    text: str
    value: dt.date | None
    kind: str  # date | year | month | hijri | weekday | relative
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "value": self.value.isoformat() if self.value else None,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
        }


def _alt(words: Any) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True)
    )


_B = r"(?<!\w)"
_BD = r"(?:(?<!\w)|(?<=(?<!\w)[وب]))"  # a day number may carry و/ب: و14 أوت
_E = r"(?!\w)"
_MON = _alt(R.GREGORIAN_MONTHS)
_HMON = _alt(R.HIJRI_MONTHS)
_YEAR = r"(?P<year>1[89]\d\d|20\d\d|2100)"
# "ديسمبر/كانون الأول" or "يناير (كانون الثاني)": a second name for the same month.
_MONTHS = rf"(?P<m1>{_MON})(?:\s*(?:/|\(|-)\s*(?P<m2>{_MON})\s*\)?)?"
_DAY = r"(?P<day>[0-3]?\d)"
_FULL_RE = re.compile(
    rf"{_BD}{_DAY}\s*(?:من\s+)?(?:شهر\s+)?{_MONTHS}{_E}(?:\s*[,،]?\s*(?:من\s+)?(?:(?:{_alt(R.YEAR_WORDS)})\s+)?{_YEAR}{_E})?"
)
_MONTH_YEAR_RE = re.compile(
    rf"{_B}(?P<shahr>(?:ب|ل|و)?شهر\s+)?{_MONTHS}{_E}\s*(?:من\s+)?(?:(?:{_alt(R.YEAR_WORDS)})\s+)?{_YEAR}{_E}"
)
_MONTH_ONLY_RE = re.compile(
    rf"{_B}(?P<shahr>(?:ب|ل|و)?شهر\s+)?{_MONTHS}{_E}(?:\s+(?P<rel>{_alt(R.NEXT_WORDS + R.PAST_WORDS + ('الحالي', 'الجاري'))}){_E})?"
)
_HIJRI_RE = re.compile(
    rf"{_BD}{_DAY}\s*(?:من\s+)?(?:شهر\s+)?(?P<hm>{_HMON}){_E}(?:\s*(?:(?:عام|سنه)\s+)?(?P<hy>1[3-5]\d\d){_E}\s*(?:{_alt(R.HIJRI_SUFFIXES)})?(?!\w))?"
)
_NUMERIC_RE = re.compile(
    r"(?<![\w/.-])(?:(?P<d>[0-3]?\d)[/.-](?P<m>[01]?\d)[/.-](?P<y>(?:19|20)\d\d)"
    r"|(?P<y2>(?:19|20)\d\d)[/.-](?P<m2>[01]?\d)[/.-](?P<d2>[0-3]?\d))(?![\w/.-])"
)
_YEAR_RE = re.compile(rf"{_B}(?:و|ب|ل|من\s+|في\s+)?(?P<w>(?:{_alt(R.YEAR_WORDS)})\s+{_YEAR}){_E}")
_WEEKDAY_RE = re.compile(
    rf"{_B}(?:و|ف|ب|ل)?(?P<w>(?:(?:{_alt(R.DAY_PARTS)})\s*)?(?:(?P<rd>اليوم|امس|غدا|غد)\s+)?"
    rf"(?:يوم\s*)?(?P<wd>{_alt(R.WEEKDAYS)})(?:\s+(?P<dir>{_alt(R.NEXT_WORDS + R.PAST_WORDS)}))?){_E}"
)
_RELATIVE_RE = re.compile(
    rf"{_B}(?:و|ف|ب|ل|من\s+|حتي\s+)?(?P<w>(?:(?:{_alt(R.DAY_PARTS)})\s*)?(?P<r>امس\s+الاول|امس|غدا|اليوم)){_E}"
)
_TODAY_NOUN_RE = re.compile(r"\s*(?:ال\w+|[0-9])")  # اليوم الوطني، اليوم 15 ...: not "today"


# Words that can be part of a date expression; the patterns are only run in
# windows around them (most of an article has none), which keeps this fast.
_TRIGGERS = frozenset(
    [w.split()[0] for w in R.GREGORIAN_MONTHS]
    + [w.split()[0] for w in R.HIJRI_MONTHS]
    + list(R.WEEKDAYS)
    + list(R.YEAR_WORDS)
    + ["امس", "اليوم", "غدا", "غد"]
)
WINDOW_BEFORE = 40
WINDOW_AFTER = 80


_TRIGGER_RE = re.compile(rf"\d+|(?<!\w)(?:[وبلف]{{0,2}})(?:{_alt(_TRIGGERS)})(?!\w)")


def _windows(f: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    n = len(f)
    for m in _TRIGGER_RE.finditer(f):
        a, b = max(0, m.start() - WINDOW_BEFORE), min(n, m.end() + WINDOW_AFTER)
        if spans and a <= spans[-1][1]:
            a = spans[-1][0]
            spans.pop()
        # end windows between words: (?!\w) must not succeed inside a cut word
        k = 0
        while b < n and (f[b].isalnum() or f[b - 1].isalnum()) and k < 200:
            b += 1
            k += 1
        spans.append((a, b))
    return spans


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _iter(pattern: re.Pattern[str], f: str, wins: list[tuple[int, int]]):
    """Matches of ``pattern`` in the windows (each match once)."""
    seen: set[tuple[int, int]] = set()
    for a, b in wins:
        for m in pattern.finditer(f, a, b):
            if m.span() not in seen:
                seen.add(m.span())
                yield m


def _pub_date(published: dt.datetime | dt.date | None) -> dt.date | None:
    if published is None:
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    return published


def _infer_year(month: int, day: int, pub: dt.date | None) -> int | None:
    """Year for a day-month date without a year: the one closest to publication."""
    if pub is None:
        return None
    best = None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        d = _mk(y, month, day)
        if d is not None and (best is None or abs((d - pub).days) < abs((best - pub).days)):
            best = d
    return best.year if best else None


def _weekday_value(wd: int, direction: str | None, rel: str | None, pub: dt.date | None):
    if pub is None:
        return None
    if rel in ("اليوم",):
        return pub
    if rel in ("امس",):
        return pub - dt.timedelta(days=1)
    if rel in ("غدا", "غد"):
        return pub + dt.timedelta(days=1)
    back = (pub.weekday() - wd) % 7
    if direction in R.NEXT_WORDS:
        ahead = (wd - pub.weekday()) % 7 or 7
        return pub + dt.timedelta(days=ahead)
    if direction in R.PAST_WORDS:
        return pub - dt.timedelta(days=back or 7)
    return pub - dt.timedelta(days=back)


def extract_dates(text: str, published: dt.datetime | dt.date | None = None) -> list[DateMention]:
    """Date mentions in ``text`` (offsets index ``text``), sorted by position."""
    if not text:
        return []
    f, offs = fold_with_offsets(text)
    pub = _pub_date(published)
    wins = _windows(f)
    cands: list[tuple[int, int, str, dt.date | None]] = []  # folded start, end, kind, value

    for m in _iter(_FULL_RE, f, wins):
        mon = R.GREGORIAN_MONTHS[re.sub(r"\s+", " ", m.group("m1"))]
        day = int(m.group("day"))
        y = int(m.group("year")) if m.group("year") else _infer_year(mon, day, pub)
        if not 1 <= day <= 31:
            continue
        val = _mk(y, mon, day) if y else None
        cands.append((m.start(), m.end(), "date", val))
    for m in _iter(_MONTH_YEAR_RE, f, wins):
        mon = R.GREGORIAN_MONTHS[re.sub(r"\s+", " ", m.group("m1"))]
        cands.append((m.start(), m.end(), "month", _mk(int(m.group("year")), mon, 1)))
    for m in _iter(_MONTH_ONLY_RE, f, wins):
        name = re.sub(r"\s+", " ", m.group("m1"))
        if not (m.group("shahr") or m.group("m2") or m.group("rel")):
            continue
        if name in R.AMBIGUOUS_MONTHS and not (m.group("shahr") or m.group("m2")):
            continue
        mon = R.GREGORIAN_MONTHS[name]
        val = None
        if pub is not None:
            rel = m.group("rel")
            y = pub.year
            if rel in R.NEXT_WORDS:
                y = pub.year + (1 if mon <= pub.month else 0)
            elif rel in R.PAST_WORDS:
                y = pub.year - (1 if mon >= pub.month else 0)
            elif mon > pub.month + 6:
                y = pub.year - 1
            val = _mk(y, mon, 1)
        cands.append((m.start(), m.end(), "month", val))
    for m in _iter(_HIJRI_RE, f, wins):
        hm = R.HIJRI_MONTHS[re.sub(r"\s+", " ", m.group("hm"))]
        val = None
        if m.group("hy"):
            try:
                from hijridate import Hijri

                val = Hijri(int(m.group("hy")), hm, int(m.group("day"))).to_gregorian()
                val = dt.date(val.year, val.month, val.day)
            except (ValueError, OverflowError, ImportError):
                val = None
        cands.append((m.start(), m.end(), "hijri", val))
    for m in _iter(_NUMERIC_RE, f, wins):
        if m.group("d"):
            val = _mk(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            val = _mk(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        if val is not None:
            cands.append((m.start(), m.end(), "date", val))
    for m in _iter(_YEAR_RE, f, wins):
        cands.append((m.start("w"), m.end("w"), "year", _mk(int(m.group("year")), 1, 1)))
    for m in _iter(_WEEKDAY_RE, f, wins):
        wd = R.WEEKDAYS[m.group("wd")]
        val = _weekday_value(wd, m.group("dir"), m.group("rd"), pub)
        cands.append((m.start("w"), m.end("w"), "weekday", val))
    for m in _iter(_RELATIVE_RE, f, wins):
        r = re.sub(r"\s+", " ", m.group("r"))
        if r == "اليوم" and _TODAY_NOUN_RE.match(f, m.end()):
            continue
        delta = {"امس الاول": -2, "امس": -1, "اليوم": 0, "غدا": 1}[r]
        val = pub + dt.timedelta(days=delta) if pub else None
        cands.append((m.start("w"), m.end("w"), "relative", val))

    # Keep the longest of overlapping candidates (a year inside a full date, ...).
    cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    kept: list[tuple[int, int, str, dt.date | None]] = []
    for c in cands:
        if kept and c[0] < kept[-1][1]:
            continue
        kept.append(c)
    out: list[DateMention] = []
    for a, b, kind, val in kept:
        oa, ob = original_span(offs, a, b)
        while ob < len(text) and text[ob] in DROP_FOR_MATCH and text[ob] != "\n":
            ob += 1
        out.append(DateMention(text[oa:ob], val, kind, oa, ob))
    return out
