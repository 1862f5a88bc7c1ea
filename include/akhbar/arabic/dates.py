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
mapped back to the given text. The patterns are in
:mod:`akhbar.arabic.date_patterns`, the calendar arithmetic in
:mod:`akhbar.arabic.date_values`, the word tables in :mod:`akhbar.arabic.rules.dates`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from akhbar.arabic import date_patterns as pat
from akhbar.arabic.date_values import (
    day_of,
    hijri,
    hijri_near,
    infer_year,
    make_date,
    month_shift,
    pub_date,
    rel_shift,
    weekday_value,
)
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


_Cand = tuple[int, int, str, dt.date | None]  # folded start, end, kind, value


def _full_dates(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    out: list[_Cand] = []
    for m in pat.iter_matches(pat.FULL_RE, f, wins):
        mon = date_words.GREGORIAN_MONTHS[re.sub(r"\s+", " ", m.group("m1"))]
        day = day_of(m)
        if not 1 <= day <= 31:
            continue
        rel = m.group("rel")
        if m.group("year"):
            y: int | None = int(m.group("year"))
        elif m.group("yrel") and pub is not None:  # الثامن من مارس العام الماضي
            y = pub.year + rel_shift(m.group("yrel").split()[-1])
        elif rel in date_words.PAST_WORDS and pub is not None:  # 16 يوليو الماضي
            y = pub.year - (1 if (mon, day) >= (pub.month, pub.day) else 0)
        elif rel in date_words.NEXT_WORDS and pub is not None:
            y = pub.year + (1 if (mon, day) <= (pub.month, pub.day) else 0)
        else:
            y = infer_year(mon, day, pub)
        out.append((m.start(), m.end(), "date", make_date(y, mon, day) if y else None))
    return out


def _this_month_dates(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    """ "12 من الشهر الجاري" (a date) and "الشهر الماضي" (a month) against publication."""
    out: list[_Cand] = []
    for m in pat.iter_matches(pat.THIS_MONTH_RE, f, wins):
        has_day = m.group("day") or m.group("ord")
        val = None
        if pub is not None:
            y, mon = month_shift(pub, rel_shift(m.group("rel")))
            val = make_date(y, mon, day_of(m) if has_day else 1)
        start = m.start("d0") if has_day else m.start("w")
        out.append((start, m.end(), "date" if has_day else "month", val))
    return out


def _month_names(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    out: list[_Cand] = []
    for m in pat.iter_matches(pat.MONTH_YEAR_RE, f, wins):
        mon = date_words.GREGORIAN_MONTHS[re.sub(r"\s+", " ", m.group("m1"))]
        out.append((m.start(), m.end(), "month", make_date(int(m.group("year")), mon, 1)))
    for m in pat.iter_matches(pat.MONTH_ONLY_RE, f, wins):
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
            val = make_date(y, mon, 1)
        out.append((m.start(), m.end(), "month", val))
    return out


def _hijri_and_numeric(f: str, wins: list[tuple[int, int]], pub: dt.date | None) -> list[_Cand]:
    out: list[_Cand] = []
    for m in pat.iter_matches(pat.HIJRI_RE, f, wins):
        hm = date_words.HIJRI_MONTHS[re.sub(r"\s+", " ", m.group("hm"))]
        day = int(m.group("day"))
        # without a year (28 شوال): the Hijri year that puts it closest to publication
        val = hijri(int(m.group("hy")), hm, day) if m.group("hy") else hijri_near(hm, day, pub)
        out.append((m.start(), m.end(), "hijri", val))
    for m in pat.iter_matches(pat.NUMERIC_RE, f, wins):
        if m.group("d") and int(m.group("y")) < 1800:  # 22 / 11 / 1436هـ
            hv = hijri(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            if hv is not None:
                out.append((m.start(), m.end(), "hijri", hv))
            continue
        if m.group("d"):
            val = make_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        else:
            val = make_date(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
        if val is not None:
            out.append((m.start(), m.end(), "date", val))
    for m in pat.iter_matches(pat.YEAR_RE, f, wins):
        out.append((m.start("w"), m.end("w"), "year", make_date(int(m.group("year")), 1, 1)))
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
    for m in pat.iter_matches(pat.WEEKDAY_RE, f, wins):
        wd = date_words.WEEKDAYS[m.group("wd")]
        val = weekday_value(wd, m.group("dir"), m.group("rd"), pub)
        out.append((m.start("w"), m.end("w"), "weekday", val))
    for m in pat.iter_matches(pat.RELATIVE_RE, f, wins):
        r = re.sub(r"\s+", " ", m.group("r"))
        if r == "اليوم" and _outlet_name(f, m.start("r"), m.end("r")):
            continue  # عين اليوم، روسيا اليوم، لـ«اليوم»: an outlet
        if r == "اليوم" and pat.TODAY_NOUN_RE.match(f, m.end()):
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
    pub = pub_date(published)
    wins = pat.windows(f)
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
