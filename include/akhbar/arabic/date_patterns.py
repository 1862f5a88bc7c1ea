"""The regular expressions that find date expressions in folded Arabic text.

Built from the word tables of :mod:`akhbar.arabic.rules.dates`. They run only
in windows around trigger words (:func:`windows`): most of an article holds no
date, and scanning only near a month, weekday, year word or digit keeps the
extraction fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from akhbar.arabic.rules import dates as date_words


def alternation(words: Any) -> str:
    """A regex alternation of ``words``, longest first (spaces match any run of them)."""
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True)
    )


_B = r"(?<!\w)"
_BD = r"(?:(?<!\w)|(?<=(?<!\w)[وب]))"  # a day number may carry و/ب: و14 أوت
_E = r"(?!\w)"
_MON = alternation(date_words.GREGORIAN_MONTHS)
_HMON = alternation(date_words.HIJRI_MONTHS)
_YEAR = r"(?P<year>1[89]\d\d|20\d\d|2100)"
# "ديسمبر/كانون الأول" or "يناير (كانون الثاني)": a second name for the same month.
_MONTHS = rf"(?P<m1>{_MON})(?:(?:\s*(?:/|\(|-)\s*|\s+)(?P<m2>{_MON}){_E}\s*\)?)?"
_REL_WORDS = date_words.NEXT_WORDS + date_words.PAST_WORDS + date_words.CURRENT_WORDS
_REL = rf"(?P<rel>{alternation(_REL_WORDS)})"
_DAY = r"(?P<day>[0-3]?\d)"
_ORD = rf"(?P<ord>{alternation(date_words.ORDINAL_DAYS)})"
# 18 تشرين الأول / الـ18 من شهر أكتوبر / الثامن عشر من شهر تشرين الأول/أكتوبر [2019]
# / 16 يوليو الماضي
FULL_RE = re.compile(
    rf"{_BD}(?:ال)?(?:{_DAY}|{_ORD})\s*(?:من\s+)?(?:شهر\s+)?{_MONTHS}{_E}"
    rf"(?:\s*[,،]?\s*(?:من\s+)?(?:(?:{alternation(date_words.YEAR_WORDS)})\s+)?{_YEAR}{_E}"
    rf"|\s+{_REL}{_E}|\s+(?P<yrel>العام\s+{alternation(date_words.NEXT_WORDS + date_words.PAST_WORDS)}){_E})?"
)
# الـ12 من الشهر الحالي / 25 من الشهر الجاري / الشهر الماضي
THIS_MONTH_RE = re.compile(
    rf"{_B}(?:(?:ب|ل|و|في\s+)?(?P<d0>(?:ال)?(?:{_DAY}|{_ORD})\s+من\s+))?(?P<w>(?:ب|ل|و|خلال\s+)?الشهر)\s+{_REL}{_E}"
)
MONTH_YEAR_RE = re.compile(
    rf"{_B}(?P<shahr>(?:ب|ل|و)?شهر\s+)?{_MONTHS}{_E}\s*(?:من\s+)?(?:(?:{alternation(date_words.YEAR_WORDS)})\s+)?{_YEAR}{_E}"
)
MONTH_ONLY_RE = re.compile(rf"{_B}(?P<shahr>(?:ب|ل|و)?شهر\s+)?{_MONTHS}{_E}(?:\s+{_REL}{_E})?")
HIJRI_RE = re.compile(
    rf"{_BD}{_DAY}\s*(?:من\s+)?(?:شهر\s+)?(?P<hm>{_HMON}){_E}(?:\s*(?:(?:عام|سنه)\s+)?(?P<hy>1[3-5]\d\d){_E}\s*(?:{alternation(date_words.HIJRI_SUFFIXES)})?(?!\w))?"
)
# 6/9/2015, 2015-09-06, 6 / 9 / 2015; Hijri 22 / 11 / 1436هـ (a 13xx-15xx year)
NUMERIC_RE = re.compile(
    r"(?<![\w/.-])(?:(?P<d>[0-3]?\d) ?[/.-] ?(?P<m>[01]?\d) ?[/.-] ?(?P<y>(?:19|20|1[345])\d\d)"
    r"|(?P<y2>(?:19|20)\d\d) ?[/.-] ?(?P<m2>[01]?\d) ?[/.-] ?(?P<d2>[0-3]?\d))"
    r"(?:\s*ه(?!\w))?(?![\w/.-])"
)
YEAR_RE = re.compile(
    rf"{_B}(?:و|ب|ل|من\s+|في\s+)?(?P<w>(?:{alternation(date_words.YEAR_WORDS + date_words.YEAR_PARTS)})\s+{_YEAR}){_E}"
)
WEEKDAY_RE = re.compile(
    rf"{_B}(?:و|ف|ب|ل)?(?P<w>(?:(?:{alternation(date_words.DAY_PARTS)})\s*)?(?:(?P<rd>اليوم|امس|غدا|غد)\s*(?P<par>\(\s*)?)?"
    rf"(?:يوم\s*)?(?P<wd>{alternation(date_words.WEEKDAYS)})(?(par)\s*\))(?:\s+(?P<dir>{alternation(date_words.NEXT_WORDS + date_words.PAST_WORDS)}))?)(?!\w)"
)
RELATIVE_RE = re.compile(
    rf"{_B}(?:و|ف|ب|ل|من\s+|حتي\s+)?(?P<w>(?:(?:{alternation(date_words.DAY_PARTS)})\s*)?(?P<r>امس\s+الاول|اول\s+(?:من\s+)?امس|امس|غدا|يوم\s+غد|اليوم)){_E}"
)
TODAY_NOUN_RE = re.compile(
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


_TRIGGER_RE = re.compile(rf"\d+|(?<!\w)(?:[وبلف]{{0,2}})(?:{alternation(_TRIGGERS)})(?!\w)")


_WORD_TAIL_RE = re.compile(r"\w{0,200}")


def windows(f: str) -> list[tuple[int, int]]:
    """Spans of ``f`` around trigger words, merged where they overlap."""
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


def iter_matches(
    pattern: re.Pattern[str], f: str, wins: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in the windows (each match once)."""
    seen: set[tuple[int, int]] = set()
    for a, b in wins:
        for m in pattern.finditer(f, a, b):
            if m.span() not in seen:
                seen.add(m.span())
                yield m
