"""Calendar arithmetic for date mentions: dates relative to publication, Hijri.

A mention without a year, or relative to "now" (أمس، الأحد المقبل، الشهر
الماضي), is resolved against the publication date; Hijri dates are converted
with :mod:`hijridate`.
"""

from __future__ import annotations

import datetime as dt
import re

from akhbar.arabic.rules import dates as date_words


def make_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def pub_date(published: dt.datetime | dt.date | None) -> dt.date | None:
    if published is None:
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    return published


def infer_year(month: int, day: int, pub: dt.date | None) -> int | None:
    """Year for a day-month date without a year: the one closest to publication."""
    if pub is None:
        return None
    best = None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        d = make_date(y, month, day)
        if d is not None and (best is None or abs((d - pub).days) < abs((best - pub).days)):
            best = d
    return best.year if best else None


def weekday_value(
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


def month_shift(pub: dt.date, months: int) -> tuple[int, int]:
    k = pub.year * 12 + pub.month - 1 + months
    return k // 12, k % 12 + 1


def rel_shift(rel: str | None) -> int:
    if rel in date_words.PAST_WORDS:
        return -1
    if rel in date_words.NEXT_WORDS:
        return 1
    return 0


def day_of(m: re.Match[str]) -> int:
    if m.group("ord"):
        return date_words.ORDINAL_DAYS[re.sub(r"\s+", " ", m.group("ord"))]
    return int(m.group("day"))


def hijri(year: int, month: int, day: int) -> dt.date | None:
    try:
        from hijridate import Hijri

        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError, ImportError):
        return None
    return dt.date(g.year, g.month, g.day)


def hijri_near(month: int, day: int, pub: dt.date | None) -> dt.date | None:
    if pub is None:
        return None
    try:
        from hijridate import Gregorian

        hy = Gregorian(pub.year, pub.month, pub.day).to_hijri().year
    except (ValueError, OverflowError, ImportError):
        return None
    cands = [d for y in (hy - 1, hy, hy + 1) if (d := hijri(y, month, day)) is not None]
    return min(cands, key=lambda d: abs((d - pub).days)) if cands else None
