"""Feed dates to UTC: feedparser's parsers, then an Arabic-aware fallback (month names
of Egypt/Gulf, Levant and Maghreb, Arabic-Indic digits, weekday prefixes)."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from feedparser.datetimes import _parse_date as _fp_parse_date

from akhbar.arabic.normalize import to_ascii_digits

# --------------------------------------------------------------------------- dates

# Arabic month names (Egypt/Gulf, Levant, Maghreb) -> month number. Keys are
# matched after removing hamza forms on alef (أ/إ/آ -> ا) and taa marbuta/yaa folds.
ARABIC_MONTHS: dict[str, int] = {
    "يناير": 1, "كانون الثاني": 1, "جانفي": 1, "جانفييه": 1,
    "فبراير": 2, "شباط": 2, "فيفري": 2, "فبرير": 2,
    "مارس": 3, "اذار": 3, "مارص": 3,
    "ابريل": 4, "نيسان": 4, "افريل": 4, "ابرىل": 4,
    "مايو": 5, "ايار": 5, "ماي": 5,
    "يونيو": 6, "يونيه": 6, "حزيران": 6, "جوان": 6, "يونيوز": 6,
    "يوليو": 7, "يوليه": 7, "تموز": 7, "جويلية": 7, "يوليوز": 7,
    "اغسطس": 8, "اب": 8, "اوت": 8, "غشت": 8,
    "سبتمبر": 9, "ايلول": 9, "شتنبر": 9,
    "اكتوبر": 10, "تشرين الاول": 10,
    "نوفمبر": 11, "تشرين الثاني": 11, "نونبر": 11,
    "ديسمبر": 12, "كانون الاول": 12, "دجنبر": 12,
}  # fmt: skip
ARABIC_WEEKDAYS = ("الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت")
_EN_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
_MONTHS_FOLDED = {k.strip().translate(_ALEF): v for k, v in ARABIC_MONTHS.items()}
_TZ = re.compile(r"(?:GMT|UTC)?\s*([+-])(\d{1,2}):?(\d{2})?\s*$|\b(?:GMT|UTC|Z)\s*$", re.I)
_DMY = re.compile(
    r"(?P<d>\d{1,2})\s*[-/ ]?\s*(?P<mon>[^\d\s,/-]+(?:\s[^\d\s,/-]+)?|\d{1,2})\s*[-/ ,]?\s*"
    r"(?P<y>\d{4})(?:\D+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>[AP]M|ص|م)?)?",
    re.IGNORECASE,
)


def struct_to_dt(value: Any) -> datetime | None:
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _month(token: str) -> int | None:
    token = token.strip().translate(_ALEF)
    if token.isdigit():
        n = int(token)
        return n if 1 <= n <= 12 else None
    if token.lower()[:3] in _EN_MONTHS:
        return _EN_MONTHS[token.lower()[:3]]
    if token in _MONTHS_FOLDED:
        return _MONTHS_FOLDED[token]
    return _MONTHS_FOLDED.get(token.split(" ")[0])


def parse_date(raw: str | None) -> datetime | None:
    """UTC datetime from RFC 822 / ISO 8601 / Arabic forms ("٢٤ نوفمبر ٢٠٢٤ ١٠:٣٠ م").

    Dates without a zone are taken as UTC.
    """
    if not raw or not raw.strip():
        return None
    text = to_ascii_digits(raw.strip()).replace("،", ",").replace("٫", ":")
    try:
        parsed = _fp_parse_date(text)
    except Exception:  # feedparser's parsers are not total on hostile input
        parsed = None
    if parsed:
        return struct_to_dt(parsed)
    try:
        dt = parsedate_to_datetime(text)
        if dt is not None:
            return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    folded = text.translate(_ALEF)
    for day in ARABIC_WEEKDAYS:
        folded = folded.replace(day, " ")
    folded = re.sub(r"\s+", " ", folded).strip(" ,")
    tz = UTC
    mt = _TZ.search(folded)
    if mt:
        if mt.group(1):
            sign = 1 if mt.group(1) == "+" else -1
            offset = timedelta(hours=int(mt.group(2)), minutes=int(mt.group(3) or 0))
            if offset < timedelta(hours=15):
                tz = timezone(sign * offset)
        folded = folded[: mt.start()].strip()
    for m in _DMY.finditer(folded):
        month = _month(m.group("mon"))
        if month is None:
            continue
        try:
            hour = int(m.group("H") or 0)
            ampm = (m.group("ampm") or "").upper()
            if ampm in ("PM", "م") and hour < 12:
                hour += 12
            elif ampm in ("AM", "ص") and hour == 12:
                hour = 0
            dt = datetime(
                int(m.group("y")), month, int(m.group("d")), hour,
                int(m.group("M") or 0), int(m.group("S") or 0), tzinfo=tz,
            )  # fmt: skip
        except ValueError:
            continue
        try:
            return dt.astimezone(UTC)
        except OverflowError:
            return None
    return None
