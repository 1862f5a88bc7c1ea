"""One call that runs the Arabic extractors on an article body.

``analyze(text, published=...)`` decides whether the text is Arabic (Arabic-script
share >= 0.5 and not Persian/Urdu), then extracts the dateline, entities (from
:mod:`akhbar.arabic.entities`, imported lazily so this module works without it),
quotations with speakers linked to those entities, and date mentions. Offsets in
the result index the given text. Non-Arabic or empty input is not an error: the
result carries a ``skipped_reason`` ('empty', 'not_arabic:fa', ...).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from akhbar.arabic.datelines import Dateline, extract_dateline
from akhbar.arabic.dates import DateMention, extract_dates
from akhbar.arabic.normalize import ARABIC_LETTER
from akhbar.arabic.quotes import Quote, extract_quotes, fold_for_match

MIN_ARABIC_SHARE = 0.5
# Letters used in Persian/Urdu but not in Arabic (ی and ک also appear as
# typos in Arabic text, so they only count as weak evidence).
PERSIAN_LETTERS = frozenset("پچژگ")
WEAK_PERSIAN_LETTERS = frozenset("یک")
URDU_LETTERS = frozenset("ٹڈڑںےھۓ")
PERSIAN_WORDS = frozenset(
    [
        "است",
        "این",
        "که",
        "می",
        "را",
        "های",
        "برای",
        "از",
        "با",
        "شد",
        "کرد",
        "آن",
        "هم",
        "یک",
        "شده",
        "خود",
        "نیز",
        "بود",
    ]
)
URDU_WORDS = frozenset(["ہے", "کے", "میں", "کی", "کا", "اور", "سے", "نے", "کو", "ہیں"])
_WORD_RE = re.compile(r"[^\W\d_]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_PERSIAN_RE = re.compile("[" + "".join(sorted(PERSIAN_LETTERS)) + "]")
_WEAK_PERSIAN_RE = re.compile("[" + "".join(sorted(WEAK_PERSIAN_LETTERS)) + "]")
_URDU_RE = re.compile("[" + "".join(sorted(URDU_LETTERS)) + "]")


@dataclass
class Analysis:
    language: str
    skipped_reason: str | None
    dateline: Dateline | None = None
    entities: list[Any] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "skipped_reason": self.skipped_reason,
            "dateline": self.dateline.to_dict() if self.dateline else None,
            "entities": [
                {
                    "text": e.text,
                    "type": e.type,
                    "start": e.start,
                    "end": e.end,
                    "entity_id": e.entity_id,
                }
                for e in self.entities
            ],
            "quotes": [q.to_dict() for q in self.quotes],
            "dates": [d.to_dict() for d in self.dates],
        }


def detect_language(text: str, sample_chars: int = 20_000) -> str:
    """'ar', 'fa', 'ur', 'latin', 'other' or 'empty' (on a leading sample, so bounded)."""
    if not text or not text.strip():
        return "empty"
    sample = text[:sample_chars]
    n_letters = len(_LETTER_RE.findall(sample))
    n_ar = len(ARABIC_LETTER.findall(sample))
    if not n_letters or n_ar / n_letters < MIN_ARABIC_SHARE:
        latin = len(_LATIN_RE.findall(sample))
        return "latin" if n_letters and latin / n_letters >= 0.5 else "other"
    strong_fa = len(_PERSIAN_RE.findall(sample))
    weak_fa = len(_WEAK_PERSIAN_RE.findall(sample))
    ur = len(_URDU_RE.findall(sample))
    words = _WORD_RE.findall(sample)
    n_words = len(words) or 1
    fa_words = sum(1 for w in words if w in PERSIAN_WORDS)
    ur_words = sum(1 for w in words if w in URDU_WORDS)
    if ur / n_ar >= 0.01 and ur_words / n_words >= 0.03:
        return "ur"
    if fa_words / n_words >= 0.05 or (
        (strong_fa + weak_fa) / n_ar >= 0.02 and fa_words / n_words >= 0.02
    ):
        return "fa"
    return "ar"


def _entities(text: str) -> list[Any]:
    try:
        from akhbar.arabic.entities import extract_entities
    except ImportError:  # the NER module is optional for this orchestrator
        return []
    return list(extract_entities(text))


def analyze(
    text: str, *, published: dt.datetime | dt.date | None = None, with_entities: bool = True
) -> Analysis:
    """Run language detection, dateline, entities, quotes and dates on ``text``."""
    if text is None or not isinstance(text, str):
        return Analysis(language="unknown", skipped_reason="not_text")
    lang = detect_language(text)
    if lang == "empty":
        return Analysis(language="unknown", skipped_reason="empty")
    if lang != "ar":
        return Analysis(language=lang, skipped_reason=f"not_arabic:{lang}")
    entities = _entities(text) if with_entities else []
    folded = fold_for_match(text)  # one fold for quotes and dates
    return Analysis(
        language="ar",
        skipped_reason=None,
        dateline=extract_dateline(text),
        entities=entities,
        quotes=extract_quotes(text, entities, folded),
        dates=extract_dates(text, published, folded),
    )
