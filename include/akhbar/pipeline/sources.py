"""The sources catalogue (``seeds/sources.csv`` or ``$AKHBAR_SOURCES``)."""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

REQUIRED = ("source_id", "name", "feed_url")
# Column order of the catalogue files (seeds/sources.csv, snapshot/sources.csv).
CATALOGUE_COLUMNS = (
    "source_id",
    "name",
    "country",
    "feed_url",
    "site_url",
    "enabled",
    "min_delay_s",
    "max_concurrency",
    "respect_robots",
    "language",
    "notes",
)
#: Placeholder in ``feed_url`` for the logical date (YYYY-MM-DD); see Source.feed_url_for.
DATE_PLACEHOLDER = "{date}"
_TRUE = {"1", "true", "yes", "y", "on"}


class CatalogueError(ValueError):
    """The catalogue file is unusable (missing columns, duplicate ids)."""


@dataclass(frozen=True)
class Source:
    source_id: str
    name: str
    feed_url: str
    country: str | None = None
    site_url: str | None = None
    enabled: bool = True
    min_delay_s: float | None = None
    max_concurrency: int = 2
    respect_robots: bool = True
    language: str | None = "ar"
    notes: str | None = None

    def feed_url_for(self, run_date: str) -> str:
        """``feed_url`` with its ``{date}`` placeholder (if any) set to ``run_date``.

        Built per-day feeds (``akhbar week-build``) have one URL per logical date;
        a URL without the placeholder is returned unchanged.
        """
        day = date.fromisoformat(run_date[:10]).isoformat()
        return self.feed_url.replace(DATE_PLACEHOLDER, day)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Source:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})  # type: ignore[arg-type]


def _opt(row: dict[str, str], key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def _number(path: Path, line: int, column: str, raw: str, *, integer: bool) -> float:
    """A finite, non-negative number from a catalogue cell, or a CatalogueError naming it."""
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise CatalogueError(f"{path}:{line}: column {column}: {raw!r} is not {kind}") from None
    if not math.isfinite(value) or value < 0:
        raise CatalogueError(
            f"{path}:{line}: column {column}: {raw!r} must be a finite number >= 0"
        )
    return value


def read_sources(path: Path, *, only_enabled: bool = True) -> list[Source]:
    """Parse the catalogue; rows with an empty feed_url are skipped, bad files raise."""
    # utf-8-sig: spreadsheets save CSV with a byte-order mark before "source_id"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogueError(f"{path}: missing column(s) {', '.join(missing)}")
        sources: list[Source] = []
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num  # the physical line, also after quoted newlines
            source_id = (row.get("source_id") or "").strip()
            feed_url = (row.get("feed_url") or "").strip()
            if not source_id or not feed_url:
                continue
            if source_id in seen:
                raise CatalogueError(f"{path}:{line}: duplicate source_id {source_id!r}")
            seen.add(source_id)
            delay = _opt(row, "min_delay_s")
            conc = _opt(row, "max_concurrency")
            source = Source(
                source_id=source_id,
                name=(row.get("name") or source_id).strip(),
                feed_url=feed_url,
                country=_opt(row, "country"),
                site_url=_opt(row, "site_url"),
                enabled=(row.get("enabled") or "true").strip().lower() in _TRUE,
                min_delay_s=(
                    _number(path, line, "min_delay_s", delay, integer=False) if delay else None
                ),
                max_concurrency=(
                    int(_number(path, line, "max_concurrency", conc, integer=True)) if conc else 2
                ),
                respect_robots=(row.get("respect_robots") or "true").strip().lower() in _TRUE,
                language=_opt(row, "language") or "ar",
                notes=_opt(row, "notes") or _opt(row, "found_in"),
            )
            if source.enabled or not only_enabled:
                sources.append(source)
    return sources
