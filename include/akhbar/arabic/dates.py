"""Date expressions in Arabic news, resolved to calendar dates where possible.

Kinds: ``date`` (day, month and year known or inferred), ``month``, ``year``,
``hijri`` (Hijri date, converted with :mod:`hijridate` when the year is given),
``weekday`` (الاثنين، صباح الثلاثاء، الأحد المقبل) and ``relative`` (أمس، اليوم، غداً).
Weekday and relative mentions are resolved against the publication date: a bare
weekday is the most recent such day on or before publication, one with الماضي the
most recent strictly before it, one with المقبل/القادم the next one after it.
Without a publication date their value is None.

Also ordinal day words (الثامن عشر من شهر تشرين الأول/أكتوبر), "N من الشهر
الجاري/الماضي/المقبل", "الشهر الماضي" and "<month> الماضي/المقبل", resolved against
the publication date. A bare "اليوم" inside quotation marks is not taken: in speech
it mostly means "nowadays" (لبنان اليوم يعيش ...).

Matching runs on the folded text of :func:`normalize_with_offsets` (Eastern digits
-> ASCII, hamza forms folded; the caller may pass it precomputed) and offsets are
mapped back to the given text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from akhbar.arabic.datelines import is_agency
from akhbar.arabic.normalize import DROP_FOR_MATCH, normalize_with_offsets, original_span
from akhbar.arabic.rules import dates as date_words


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
_MON = _alt(date_words.GREGORIAN_MONTHS)
_HMON = _alt(date_words.HIJRI_MONTHS)
_YEAR = r"(?P<year>1[89]\d\d|20\d\d|2100)"
# "ديسمبر/كانون الأول" or "يناير (كانون الثاني)": a second name for the same month.
_MONTHS = rf"(?P<m1>{_MON})(?:(?:\s*(?:/|\(|-)\s*|\s+)(?P<m2>{_MON}){_E}\s*\)?)?"
_REL_WORDS = date_words.NEXT_WORDS + date_words.PAST_WORDS + date_words.CURRENT_WORDS
_REL = rf"(?P<rel>{_alt(_REL_WORDS)})"
_DAY = r"(?P<day>[0-3]?\d)"
_ORD = rf"(?P<ord>{_alt(date_words.ORDINAL_DAYS)})"
# 18 تشرين الأول / الـ18 من شهر أكتوبر / الثامن عشر من شهر تشرين الأول/أكتوبر [2019]
# / 16 يوليو الماضي
_FULL_RE = re.compile(
    rf"{_BD}(?:ال)?(?:{_DAY}|{_ORD})\s*(?:من\s+)?(?:شهر\s+)?{_MONTHS}{_E}"
    rf"(?:\s*[,،]?\s*(?:من\s+)?(?:(?:{_alt(date_words.YEAR_WORDS)})\s+)?{_YEAR}{_E}"
    rf"|\s+{_REL}{_E}|\s+(?P<yrel>العام\s+{_alt(date_words.NEXT_WORDS + date_words.PAST_WORDS)}){_E})?"
)
# الـ12 من الشهر الحالي / 25 من الشهر الجاري / الشهر الماضي
_THIS_MONTH_RE = re.compile(
    rf"{_B}(?:(?:ب|ل|و|في\s+)?(?P<d0>(?:ال)?(?:{_DAY}|{_ORD})\s+من\s+))?(?P<w>(?:ب|ل|و|خلال\s+)?الشهر)\s+{_REL}{_E}"
)
_MONTH_YEAR_RE = re.compile(
    rf"{_B}(?P<shahr>(?:ب|ل|و)?شهر\s+)?{_MONTHS}{_E}\s*(?:من\s+)?(?:(?:{_alt(date_words.YEAR_WORDS)})\s+)?{_YEAR}{_E}"
)
_MONTH_ONLY_RE = re.compile(rf"{_B}(?P<shahr>(?:ب|ل|و)?شهر\s+)?{_MONTHS}{_E}(?:\s+{_REL}{_E})?")
_HIJRI_RE = re.compile(
    rf"{_BD}{_DAY}\s*(?:من\s+)?(?:شهر\s+)?(?P<hm>{_HMON}){_E}(?:\s*(?:(?:عام|سنه)\s+)?(?P<hy>1[3-5]\d\d){_E}\s*(?:{_alt(date_words.HIJRI_SUFFIXES)})?(?!\w))?"
)
# 6/9/2015, 2015-09-06, 6 / 9 / 2015; Hijri 22 / 11 / 1436هـ (a 13xx-15xx year)
_NUMERIC_RE = re.compile(
    r"(?<![\w/.-])(?:(?P<d>[0-3]?\d) ?[/.-] ?(?P<m>[01]?\d) ?[/.-] ?(?P<y>(?:19|20|1[345])\d\d)"
    r"|(?P<y2>(?:19|20)\d\d) ?[/.-] ?(?P<m2>[01]?\d) ?[/.-] ?(?P<d2>[0-3]?\d))"
    r"(?:\s*ه(?!\w))?(?![\w/.-])"
)
_YEAR_RE = re.compile(
    rf"{_B}(?:و|ب|ل|من\s+|في\s+)?(?P<w>(?:{_alt(date_words.YEAR_WORDS + date_words.YEAR_PARTS)})\s+{_YEAR}){_E}"
)
_WEEKDAY_RE = re.compile(
    rf"{_B}(?:و|ف|ب|ل)?(?P<w>(?:(?:{_alt(date_words.DAY_PARTS)})\s*)?(?:(?P<rd>اليوم|امس|غدا|غد)\s*(?P<par>\(\s*)?)?"
    rf"(?:يوم\s*)?(?P<wd>{_alt(date_words.WEEKDAYS)})(?(par)\s*\))(?:\s+(?P<dir>{_alt(date_words.NEXT_WORDS + date_words.PAST_WORDS)}))?)(?!\w)"
)
_RELATIVE_RE = re.compile(
    rf"{_B}(?:و|ف|ب|ل|من\s+|حتي\s+)?(?P<w>(?:(?:{_alt(date_words.DAY_PARTS)})\s*)?(?P<r>امس\s+الاول|اول\s+(?:من\s+)?امس|امس|غدا|يوم\s+غد|اليوم)){_E}"
)
_TODAY_NOUN_RE = re.compile(
    r"\s*(?:ال(?!ي(?!\w))\w+|[0-9])"
)  # اليوم الوطني: not "today"; إلى folds to الي


# Words that can be part of a date expression; the patterns are only run in
# windows around them (most of an article has none), which keeps this fast.
_TRIGGERS = frozenset(
    [w.split()[0] for w in date_words.GREGORIAN_MONTHS]
    + [w.split()[0] for w in date_words.HIJRI_MONTHS]
    + list(date_words.WEEKDAYS)
    + list(date_words.YEAR_WORDS)
    + ["امس", "اليوم", "غدا", "غد", "الشهر"]
)
WINDOW_BEFORE = 40
WINDOW_AFTER = 80


_TRIGGER_RE = re.compile(rf"\d+|(?<!\w)(?:[وبلف]{{0,2}})(?:{_alt(_TRIGGERS)})(?!\w)")


_WORD_TAIL_RE = re.compile(r"\w{0,200}")


def _windows(f: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    n = len(f)
    for m in _TRIGGER_RE.finditer(f):
        a, b = max(0, m.start() - WINDOW_BEFORE), min(n, m.end() + WINDOW_AFTER)
        if spans and a <= spans[-1][1]:
            a = spans[-1][0]
            spans.pop()
        # end windows between words: (?!\w) must not succeed inside a cut word
        if 0 < b < n and f[b - 1].isalnum():
            b = _WORD_TAIL_RE.match(f, b).end()  # type: ignore[union-attr]
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


def _weekday_value(
    wd: int, direction: str | None, rel: str | None, pub: dt.date | None
) -> dt.date | None:
    """The named weekday near publication. With اليوم/أمس/غداً the weekday wins over
    the day count (a crawl date may be a day late): أمس الجمعة is the last Friday
    before publication."""
    if pub is None:
        return None
    back = (pub.weekday() - wd) % 7
    if rel in ("امس",):
        direction = date_words.PAST_WORDS[0]
    elif rel in ("غدا", "غد"):
        direction = date_words.NEXT_WORDS[0]
    if direction in date_words.NEXT_WORDS:
        ahead = (wd - pub.weekday()) % 7 or 7
        return pub + dt.timedelta(days=ahead)
    if direction in date_words.PAST_WORDS:
        return pub - dt.timedelta(days=back or 7)
    return pub - dt.timedelta(days=back)


_Cand = tuple[int, int, str, dt.date | None]  # folded start, end, kind, value


def _month_shift(pub: dt.date, months: int) -> tuple[int, int]:
    k = pub.year * 12 + pub.month - 1 + months
    return k // 12, k % 12 + 1


def _rel_shift(rel: str | None) -> int:
    if rel in date_words.PAST_WORDS:
        return -1
    if rel in date_words.NEXT_WORDS:
        return 1
    return 0


def _day_of(m: re.Match[str]) -> int:
    if m.group("ord"):
        return date_words.ORDINAL_DAYS[re.sub(r"\s+", " ", m.group("ord"))]
    return int(m.group("day"))


def _full_dates(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    out: list[_Cand] = []
    for m in _iter(_FULL_RE, f, wins):
        mon = date_words.GREGORIAN_MONTHS[re.sub(r"\s+", " ", m.group("m1"))]
        day = _day_of(m)
        if not 1 <= day <= 31:
            continue
        rel = m.group("rel")
        if m.group("year"):
            y: int | None = int(m.group("year"))
        elif m.group("yrel") and pub is not None:  # الثامن من مارس العام الماضي
            y = pub.year + _rel_shift(m.group("yrel").split()[-1])
        elif rel in date_words.PAST_WORDS and pub is not None:  # 16 يوليو الماضي
            y = pub.year - (1 if (mon, day) >= (pub.month, pub.day) else 0)
        elif rel in date_words.NEXT_WORDS and pub is not None:
            y = pub.year + (1 if (mon, day) <= (pub.month, pub.day) else 0)
        else:
            y = _infer_year(mon, day, pub)
        out.append((m.start(), m.end(), "date", _mk(y, mon, day) if y else None))
    return out


def _this_month_dates(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    """ "12 من الشهر الجاري" (a date) and "الشهر الماضي" (a month) against publication."""
    out: list[_Cand] = []
    for m in _iter(_THIS_MONTH_RE, f, wins):
        has_day = m.group("day") or m.group("ord")
        val = None
        if pub is not None:
            y, mon = _month_shift(pub, _rel_shift(m.group("rel")))
            val = _mk(y, mon, _day_of(m) if has_day else 1)
        start = m.start("d0") if has_day else m.start("w")
        out.append((start, m.end(), "date" if has_day else "month", val))
    return out


def _month_names(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    out: list[_Cand] = []
    for m in _iter(_MONTH_YEAR_RE, f, wins):
        mon = date_words.GREGORIAN_MONTHS[re.sub(r"\s+", " ", m.group("m1"))]
        out.append((m.start(), m.end(), "month", _mk(int(m.group("year")), mon, 1)))
    for m in _iter(_MONTH_ONLY_RE, f, wins):
        name = re.sub(r"\s+", " ", m.group("m1"))
        rel = m.group("rel")
        if not (m.group("shahr") or m.group("m2") or rel):
            continue
        if name in date_words.AMBIGUOUS_MONTHS and not (m.group("shahr") or m.group("m2") or rel):
            continue
        mon = date_words.GREGORIAN_MONTHS[name]
        val = None
        if pub is not None:
            y = pub.year
            if rel in date_words.NEXT_WORDS:
                y = pub.year + (1 if mon <= pub.month else 0)
            elif rel in date_words.PAST_WORDS:
                y = pub.year - (1 if mon >= pub.month else 0)
            elif mon > pub.month + 6:
                y = pub.year - 1
            val = _mk(y, mon, 1)
        out.append((m.start(), m.end(), "month", val))
    return out


def _hijri(year: int, month: int, day: int) -> dt.date | None:
    try:
        from hijridate import Hijri

        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError, ImportError):
        return None
    return dt.date(g.year, g.month, g.day)


def _hijri_near(month: int, day: int, pub: dt.date | None) -> dt.date | None:
    if pub is None:
        return None
    try:
        from hijridate import Gregorian

        hy = Gregorian(pub.year, pub.month, pub.day).to_hijri().year
    except (ValueError, OverflowError, ImportError):
        return None
    cands = [d for y in (hy - 1, hy, hy + 1) if (d := _hijri(y, month, day)) is not None]
    return min(cands, key=lambda d: abs((d - pub).days)) if cands else None


def _hijri_and_numeric(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    out: list[_Cand] = []
    for m in _iter(_HIJRI_RE, f, wins):
        hm = date_words.HIJRI_MONTHS[re.sub(r"\s+", " ", m.group("hm"))]
        day = int(m.group("day"))
        # without a year (28 شوال): the Hijri year that puts it closest to publication
        val = _hijri(int(m.group("hy")), hm, day) if m.group("hy") else _hijri_near(hm, day, pub)
        out.append((m.start(), m.end(), "hijri", val))
    for m in _iter(_NUMERIC_RE, f, wins):
        if m.group("d") and int(m.group("y")) < 1800:  # 22 / 11 / 1436هـ
            hv = _hijri(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if hv is not None:
                out.append((m.start(), m.end(), "hijri", hv))
            continue
        if m.group("d"):
            val = _mk(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            val = _mk(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        if val is not None:
            out.append((m.start(), m.end(), "date", val))
    for m in _iter(_YEAR_RE, f, wins):
        out.append((m.start("w"), m.end("w"), "year", _mk(int(m.group("year")), 1, 1)))
    return out


QUOTE_LOOKBACK = 600  # chars searched back for an unclosed «
_OPEN_QUOTE = "«"
_CLOSE_QUOTE = "»"
_TOGGLE_QUOTES = '"“”'


def _inside_quotation(f: str, pos: int) -> bool:
    """``pos`` lies inside quotation marks (direct speech)."""
    before = f[max(0, pos - QUOTE_LOOKBACK) : pos]
    if before.rfind(_OPEN_QUOTE) > before.rfind(_CLOSE_QUOTE):
        return True  # «...» may run over a paragraph break
    para = before[before.rfind("\n") + 1 :]
    return sum(para.count(q) for q in _TOGGLE_QUOTES) % 2 == 1


_PREV_WORD_RE = re.compile(r"([^\W\d_]+)\s*$")
_NEXT_WORD_RE = re.compile(r"\s*([^\W\d_]+)")


def _outlet_name(f: str, a: int, b: int) -> bool:
    """اليوم at [a, b) is part of an outlet's name (عين اليوم، اليوم السابع) or quoted
    as one (لـ«اليوم»)."""
    if f[a - 1 : a] in '«"“' and f[b : b + 1] in '»"”':
        return True
    prev = _PREV_WORD_RE.search(f, max(0, a - 20), a)
    nxt = _NEXT_WORD_RE.match(f, b, b + 20)
    return bool(
        (prev and is_agency(prev.group(1) + " اليوم"))
        or (nxt and is_agency("اليوم " + nxt.group(1)))
    )


def _relative_days(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    out: list[_Cand] = []
    for m in _iter(_WEEKDAY_RE, f, wins):
        wd = date_words.WEEKDAYS[m.group("wd")]
        val = _weekday_value(wd, m.group("dir"), m.group("rd"), pub)
        out.append((m.start("w"), m.end("w"), "weekday", val))
    for m in _iter(_RELATIVE_RE, f, wins):
        r = re.sub(r"\s+", " ", m.group("r"))
        if r == "اليوم" and _outlet_name(f, m.start("r"), m.end("r")):
            continue  # عين اليوم، روسيا اليوم، لـ«اليوم»: an outlet
        if r == "اليوم" and _TODAY_NOUN_RE.match(f, m.end()):
            continue
        if r == "اليوم" and m.group("w") == r and _inside_quotation(f, m.start("w")):
            continue  # «لبنان اليوم يعيش ...»: "nowadays" in speech, not a date
        delta = {"امس الاول": -2, "اول من امس": -2, "اول امس": -2, "امس": -1, "اليوم": 0}.get(r, 1)
        val = pub + dt.timedelta(days=delta) if pub else None
        out.append((m.start("w"), m.end("w"), "relative", val))
    return out


def extract_dates(
    text: str,
    published: dt.datetime | dt.date | None = None,
    folded: tuple[str, Sequence[int]] | None = None,
) -> list[DateMention]:
    """Date mentions in ``text`` (offsets index ``text``), sorted by position.
    ``folded``: ``normalize_with_offsets(text)`` when the caller has it already."""
    if not text:
        return []
    f, offs = folded if folded is not None else normalize_with_offsets(text)
    pub = _pub_date(published)
    wins = _windows(f)
    cands = (
        _full_dates(f, wins, pub)
        + _this_month_dates(f, wins, pub)
        + _month_names(f, wins, pub)
        + _hijri_and_numeric(f, wins, pub)
        + _relative_days(f, wins, pub)
    )
    # Keep the longest of overlapping candidates (a year inside a full date, ...).
    cands.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    kept: list[_Cand] = []
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
