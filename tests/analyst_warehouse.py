"""Build a small, realistic warehouse for the analyst view/search/export/digest tests.

Text is REAL: the seed article (Al-Alam, Jan 2020, from ../shared/seed, copied to
tests/fixtures/seed by the project and read from there) and 30 items of Shafaq News' Arabic RSS feed
(/work/shared/corpus/feeds/derived_items/shafaq, body = html.unescape(description);
see that folder's README for provenance). Annotations are taken from the gold
file for the seed and found as plain substrings of the real text for the Shafaq
items (known place/organisation/person names, quotation marks after أن/إن, weekday
expressions), with their offsets. What is *constructed* (not observed) and marked
so below: the seed's publication time (approximate, from the events it reports),
a second outlet carrying the same seed text (to model syndication / a shared
story cluster), feed-poll rows, data-quality rows and quarantine rows.

Usage: ``build_test_warehouse(tmp_path / "w.duckdb")``; reads ``../shared`` beside
the repo (as tests/conftest.py does) or AKHBAR_SHARED.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import html
import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import duckdb

from akhbar.arabic.normalize import (
    arabic_share,
    normalize_for_match,
    normalize_with_offsets,
    original_span,
)
from akhbar.arabic.quotes import speaker_kind
from akhbar.config import load_settings
from akhbar.fetch.dedup import simhash
from akhbar.fetch.pages import content_hash
from akhbar.pipeline.files import write_json, write_rows
from akhbar.pipeline.run import SIDE_KINDS, STAGES, Run
from akhbar.sqlfiles import sql
from akhbar.warehouse.load import EmptyRunError, load_run, update_story_clusters

SHARED = Path(os.environ.get("AKHBAR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
# The seed and its gold annotation are in the repo (tests/fixtures/seed, copied from
# ../shared/seed with its provenance); the Shafaq items are read from ../shared.
SEED_DIR = Path(__file__).resolve().parent / "fixtures" / "seed"
SEED_TXT = SEED_DIR / "000_ef5b854259b45142.txt"
SEED_GOLD = SEED_DIR / "000_ef5b854259b45142.gold.json"
SHAFAQ_DIR = SHARED / "corpus" / "feeds" / "derived_items" / "shafaq"

SEED_SOURCE = "alalam_ar"
SYNDICATION_SOURCE = "skynewsarabia_rss"
SHAFAQ_SOURCE = "shafaq_society_ar"
SEED_ARTICLE_ID = "ef5b854259b45142"
SEED_COPY_ID = "ef5b854259b45142-sky"
# Constructed: the text has no timestamp; the events are Mon 13 / Tue 14 Jan 2020.
SEED_PUBLISHED = datetime(2020, 1, 14, 12, 0, tzinfo=UTC)
SEED_COPY_LAG = timedelta(minutes=95)
# Feed polls are modelled over the ten days before the last Shafaq fetch.
POLL_END = date(2026, 8, 10)

# (source_id, name, country, feed_url, site_url). Feed URLs are from
# /work/shared/corpus/sources.csv except Al-Alam's (constructed placeholder:
# the catalogue has no Al-Alam feed).
SOURCES = [
    (SEED_SOURCE, "Al-Alam (العالم)", "IR", "https://www.alalam.ir/rss", "https://www.alalam.ir"),
    (SHAFAQ_SOURCE, "Shafaq News (شفق نيوز)", "IQ",
     "https://www.shafaq.com/rss/ar/%D9%85%D8%AC%D8%AA%D9%80%D9%85%D8%B9", "https://shafaq.com/ar"),
    (SYNDICATION_SOURCE, "Sky News Arabia", "AE", "https://www.skynewsarabia.com/rss",
     "https://www.skynewsarabia.com"),
    ("aljazeera_net_rss", "Al Jazeera Arabic", "QA", "https://www.aljazeera.net/aljazeera/rss",
     "https://www.aljazeera.net"),
    ("lbc_ar_01", "LBC Group (LBCI)", "LB",
     "https://www.lbcgroup.tv/Rss/News/ar/29/%D9%85%D9%86%D9%88%D8%B9%D8%A7%D8%AA",
     "https://www.lbcgroup.tv"),
]  # fmt: skip

# Entities (ids follow seeds/gazetteer.csv where it has them). Names are the
# spellings found in the real texts; variants fold together via normalize_for_match.
ENTITIES = [
    ("loc:iraq", "LOC", "العراق", "Iraq", "Q796"),
    ("loc:baghdad", "LOC", "بغداد", "Baghdad", "Q1530"),
    ("loc:erbil", "LOC", "أربيل", "Erbil", None),
    ("loc:nineveh", "LOC", "نينوى", "Nineveh", None),
    ("loc:mosul", "LOC", "الموصل", "Mosul", None),
    ("loc:kirkuk", "LOC", "كركوك", "Kirkuk", None),
    ("loc:diyala", "LOC", "ديالى", "Diyala", None),
    ("loc:anbar", "LOC", "الأنبار", "Anbar", None),
    ("loc:najaf", "LOC", "النجف", "Najaf", None),
    ("loc:basra", "LOC", "البصرة", "Basra", None),
    ("loc:dhi_qar", "LOC", "ذي قار", "Dhi Qar", None),
    ("loc:kuwait", "LOC", "الكويت", "Kuwait", None),
    ("loc:france", "LOC", "فرنسا", "France", None),
    ("loc:libya", "LOC", "ليبيا", "Libya", "Q1016"),
    ("loc:moscow", "LOC", "موسكو", "Moscow", "Q649"),
    ("loc:turkey", "LOC", "تركيا", "Turkey", "Q43"),
    ("loc:tripoli", "LOC", "طرابلس", "Tripoli", None),
    ("loc:berlin", "LOC", "برلين", "Berlin", "Q64"),
    ("loc:uae", "LOC", "الإمارات", "United Arab Emirates", None),
    ("loc:egypt", "LOC", "مصر", "Egypt", "Q79"),
    ("loc:algeria", "LOC", "الجزائر", "Algeria", "Q262"),
    ("org:integrity_commission", "ORG", "هيئة النزاهة", "Federal Integrity Commission", None),
    ("org:civil_defence", "ORG", "الدفاع المدني", "Civil Defence", None),
    ("org:un", "ORG", "الأمم المتحدة", "United Nations", "Q1065"),
    ("org:gna", "ORG", "حكومة الوفاق", "Government of National Accord", None),
    ("org:lna", "ORG", "الجيش الوطني الليبي", "Libyan National Army", None),
    ("org:russian_mfa", "ORG", "الخارجية الروسية", "Russian Foreign Ministry", None),
    ("org:libyan_government", "ORG", "الحكومة الليبية", "Libyan government", None),
    ("per:sergey_lavrov", "PER", "سيرغي لافروف", "Sergey Lavrov", None),
    ("per:recep_tayyip_erdo_an", "PER", "رجب طيب أردوغان", "Recep Tayyip Erdoğan", "Q39259"),
    ("per:khalifa_haftar", "PER", "خليفة حفتر", "Khalifa Haftar", None),
    ("per:fayez_al_sarraj", "PER", "فايز السراج", "Fayez al-Sarraj", None),
    ("per:saad_maan", "PER", "سعد معن", "Saad Maan", None),
    ("per:adnan_al_shammari", "PER", "عدنان الشمري", "Adnan al-Shammari", None),
]
# Extra surface forms (real, from the texts) -> entity id.
ALIASES = {
    "لافروف": "per:sergey_lavrov",
    "اردوغان": "per:recep_tayyip_erdo_an",
    "حفتر": "per:khalifa_haftar",
    "السراج": "per:fayez_al_sarraj",
    "معن": "per:saad_maan",
    "الشمري": "per:adnan_al_shammari",
}
_NAME_TO_ID = {normalize_for_match(name): eid for eid, _t, name, _e, _w in ENTITIES} | {
    normalize_for_match(k): v for k, v in ALIASES.items()
}
_TYPE = {eid: etype for eid, etype, *_ in ENTITIES}

_CUE = re.compile(
    r"(?:^|[\s.،\n])و?(?P<cue>قالت|قال|أضافت|أضاف|أكدت|أكد|أوضحت|أوضح|ذكرت|ذكر|أشارت|أشار|تابعت|تابع|يوضح|يضيف|يرى|يشير|يلفت|بين)"
    r"\s*(?P<speaker>[^،,\n\"]{0,60}?)\s*[،,]?\s*(?:لوكالة\s*شفق\s*ن?يوز\s*[،,]?\s*)?"
    r"(?:في بيان ورد لوكالة شفق نيوز\s*[،,]?\s*)?(?:إلى\s*)?(?:أن|إن|ان)\s*$"
)
_WEEKDAY = re.compile(
    r"(?:يوم|اليوم|مساء|صباح)\s?(?:اليوم\s)?(?:الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|الأحد)"
)
_DATELINE = re.compile(r"^\s*شفق\s*نيوز\s*[-–]\s*(?P<place>[^\n/]+?)\s*(?:/|\n|$)")


def find_names(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, entity_id, type) of known names in ``text``, spelling-insensitive,
    with an optional one-letter proclitic (و ب ل ف) left outside the span."""
    folded, offsets = normalize_with_offsets(text)
    hits: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()
    for name in sorted(_NAME_TO_ID, key=len, reverse=True):
        pattern = re.compile(r"(?:^|(?<=\W))[وبلف]?(" + re.escape(name) + r")(?=\W|$)")
        for m in pattern.finditer(folded):
            span = set(range(m.start(1), m.end(1)))
            if span & taken:
                continue
            taken |= span
            start, end = original_span(offsets, m.start(1), m.end(1))
            eid = _NAME_TO_ID[name]
            hits.append((start, end, eid, _TYPE[eid]))
    return sorted(hits)


def find_quotes(text: str) -> list[dict[str, object]]:
    """Direct quotes: paired quotation marks opened right after أن/إن (+cue, speaker)."""
    pairs: list[tuple[int, int]] = []
    open_i = -1
    for i, ch in enumerate(text):  # ASCII and typographic marks, as the feed mixes them
        if open_i < 0 and ch in '"“«':
            open_i = i
        elif open_i >= 0 and ch in '"”»':
            pairs.append((open_i, i))
            open_i = -1
    quotes = []
    for open_i, close_i in pairs:
        inner = text[open_i + 1 : close_i]
        if len(inner) < 25 or "\n" in inner:
            continue
        m = _CUE.search(text[max(0, open_i - 120) : open_i])
        if not m:
            continue
        speaker = m.group("speaker").strip() or None
        if speaker and (speaker.startswith("أن") or len(speaker) < 2):
            speaker = None
        eid = _NAME_TO_ID.get(normalize_for_match(speaker)) if speaker else None
        quotes.append(
            {"kind": "direct", "speaker": speaker, "speaker_entity_id": eid,
             "cue": m.group("cue"), "text": inner, "start": open_i + 1, "end": close_i}
        )  # fmt: skip
    return quotes


def _seed_rows() -> tuple[str, dict]:
    text = SEED_TXT.read_text(encoding="utf-8")
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    return text, gold


def build_test_warehouse(path: Path) -> Path:
    """A copy of the test warehouse at ``path`` (replacing any file there). Returns ``path``.

    The warehouse is built once per process through the real load (staging Parquet ->
    ``akhbar.warehouse.load.load_run``, one run per date) and copied for each caller.
    """
    if not SHAFAQ_DIR.is_dir():
        import pytest

        pytest.skip(f"the analyst test warehouse needs real Shafaq items at {SHAFAQ_DIR} "
                    "(../shared beside the repo, or AKHBAR_SHARED)")  # fmt: skip
    path = Path(path)
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.copyfile(_built_once(), path)
    return path


@functools.cache
def _built_once() -> Path:
    root = Path(tempfile.mkdtemp(prefix="akhbar-analyst-wh-"))
    settings = replace(
        load_settings(),
        data_dir=root / "data",
        warehouse=root / "data" / "akhbar.duckdb",
        seeds_dir=_write_gazetteer(root / "seeds"),
    )
    staging = Staging()
    _stage_articles(staging)
    _stage_polls(staging)
    _stage_quality(staging)
    for day in staging.write(settings):
        # A day whose polls saw new entries but has no article is an empty run: the load
        # records its polls, dq and quarantine rows and raises.
        run = Run.of(day, settings, run_id=f"test__{day}")
        with contextlib.suppress(EmptyRunError):
            load_run(run)
            update_story_clusters(run)  # the cluster task that follows the load
    _requeue(settings)
    return settings.warehouse


def _write_gazetteer(seeds: Path) -> Path:
    """The entities above as the load's gazetteer (``<seeds_dir>/gazetteer.csv``)."""
    seeds.mkdir(parents=True, exist_ok=True)
    with (seeds / "gazetteer.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["entity_id", "type", "name_ar", "variants_ar", "name_en", "wikidata_id"])
        for eid, etype, name, name_en, wikidata in ENTITIES:
            writer.writerow([eid, etype, name, "", name_en, wikidata or ""])
    return seeds


class Staging:
    """Rows per (run date, stage or side kind, source), written where a run's steps write them."""

    def __init__(self) -> None:
        self.rows: dict[tuple[date, str, str], list[dict[str, Any]]] = defaultdict(list)

    def add(self, day: date, kind: str, source: str, row: dict[str, Any]) -> None:
        self.rows[(day, kind, source)].append(row)

    def write(self, settings: Any, sources: list[tuple[str, ...]] | None = None) -> list[date]:
        """Write every file and each run's catalogue snapshot (``sources``: rows of
        source_id, name, country, feed_url, site_url; default the Al-Alam/Shafaq pair
        above); return the run dates."""
        for (day, kind, source), rows in self.rows.items():
            run = Run.of(day, settings)
            if kind in SIDE_KINDS:
                write_rows(run.side_path(kind, "test", source), rows, SIDE_KINDS[kind])
            else:
                write_rows(run.path(kind, source), rows, STAGES[kind])
        days = sorted({day for day, _, _ in self.rows})
        catalogue = [
            {"source_id": sid, "name": name, "country": country, "feed_url": feed,
             "site_url": site, "language": "ar", "enabled": True}
            for sid, name, country, feed, site in (SOURCES if sources is None else sources)
        ]  # fmt: skip
        for day in days:
            write_json(Run.of(day, settings).sources_json, catalogue)
        return days


def article_row(
    aid: str, source: str, run_date: date, url: str, title: str, published: datetime,
    fetched: datetime, body: str, body_source: str, place: str | None, place_source: str | None,
) -> dict[str, Any]:  # fmt: skip
    """An ``articles_ok`` row; the derived columns are computed as the extract step does."""
    return {
        "article_id": aid, "run_date": run_date, "source_id": source, "url": url,
        "title": title, "published_at": published, "fetched_at": fetched, "language": "ar",
        "arabic_share": round(arabic_share(body), 4), "body_text": body,
        "body_chars": len(body), "body_source": body_source,
        "content_hash": content_hash(body), "simhash": simhash(body),
        "dateline_place": place, "dateline_source": place_source,
    }  # fmt: skip


def _stage_seed(staging: Staging) -> None:
    """The seed article with its gold annotation, and its syndicated copy (constructed)."""
    text, gold = _seed_rows()
    title = text.split("\n", 1)[1].split("..")[0][:120]  # first sentence of the real text
    names = [(n, t) for t, ns in gold["entities"].items() for n in ns]
    for aid, source, published in (
        (SEED_ARTICLE_ID, SEED_SOURCE, SEED_PUBLISHED),
        (SEED_COPY_ID, SYNDICATION_SOURCE, SEED_PUBLISHED + SEED_COPY_LAG),
    ):
        day = published.date()
        staging.add(day, "articles_ok", source, article_row(
            aid, source, day, f"https://example.invalid/{source}/{aid}", title, published,
            published + timedelta(minutes=20), text, "page", gold["dateline"]["place"],
            gold["dateline"]["source"],
        ))  # fmt: skip
        taken: list[tuple[int, int]] = []
        for name, etype in sorted(names, key=lambda nt: -len(nt[0])):
            for m in re.finditer(re.escape(name), text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                staging.add(day, "mentions_ok", source, {
                    "article_id": aid, "mention_idx": len(taken) - 1, "text": name,
                    "type": etype, "start": m.start(), "end": m.end(),
                    "entity_id": _NAME_TO_ID.get(normalize_for_match(name)), "method": "gold",
                })  # fmt: skip
        for qi, q in enumerate(gold["quotes"]):
            start, end = q["span"]
            assert text[start:end] == q["text"], "gold quote span does not match the seed text"
            eid = _NAME_TO_ID.get(normalize_for_match(q["speaker"])) or _NAME_TO_ID.get(
                normalize_for_match(q["speaker"].split()[-1])
            )
            staging.add(day, "quotes_ok", source, {
                "article_id": aid, "quote_idx": qi, "kind": q["kind"], "speaker": q["speaker"],
                "speaker_entity_id": eid, "cue": q["cue"], "text": q["text"], "start": start,
                "end": end, "speaker_kind": speaker_kind(q["speaker"]),
            })  # fmt: skip
        for di, d in enumerate(gold["dates"]):
            start = text.find(d["text"])
            staging.add(day, "dates_ok", source, {
                "article_id": aid, "mention_idx": di, "text": d["text"],
                "value": date(int(d["value"]), 1, 1) if d.get("value") else None,
                "kind": d["kind"].split(",")[0], "start": start, "end": start + len(d["text"]),
            })  # fmt: skip


def _stage_articles(staging: Staging) -> None:
    """The seed (and copy), then the 30 real Shafaq News items, each on its fetch day."""
    _stage_seed(staging)
    for f in sorted(SHAFAQ_DIR.glob("shafaq_*.json")):
        item = json.loads(f.read_text(encoding="utf-8"))
        body = html.unescape(item["description"]).strip()
        aid = item["id"]
        published = parsedate_to_datetime(item["published_at"]).astimezone(UTC)
        fetched = datetime.fromisoformat(item["fetched_at_utc"].replace("Z", "+00:00"))
        day = fetched.date()
        m = _DATELINE.match(body)
        place = m.group("place").strip() if m else None
        staging.add(day, "articles_ok", SHAFAQ_SOURCE, article_row(
            aid, SHAFAQ_SOURCE, day, item["link"], item["title"], published, fetched, body,
            "feed", place, "شفق نيوز" if place else None,
        ))  # fmt: skip
        for i, (s, e, eid, etype) in enumerate(find_names(body)):
            staging.add(day, "mentions_ok", SHAFAQ_SOURCE, {
                "article_id": aid, "mention_idx": i, "text": body[s:e], "type": etype,
                "start": s, "end": e, "entity_id": eid, "method": "gazetteer",
            })  # fmt: skip
        for i, q in enumerate(find_quotes(body)):
            staging.add(day, "quotes_ok", SHAFAQ_SOURCE, {
                "article_id": aid, "quote_idx": i, **q, "speaker_kind": speaker_kind(q["speaker"]),
            })  # fmt: skip
        for i, dm in enumerate(_WEEKDAY.finditer(body)):
            staging.add(day, "dates_ok", SHAFAQ_SOURCE, {
                "article_id": aid, "mention_idx": i, "text": dm.group(0),
                "value": published.date(), "kind": "weekday", "start": dm.start(), "end": dm.end(),
            })  # fmt: skip


# Feed polls (constructed), per source and poll k of 10: status, http_status, bytes,
# duration_ms, entries_seen, entries_new (0 on an error, as the poll step writes), error.
# Healthy, slow, failing, dead.
_POLLS = {
    SHAFAQ_SOURCE: lambda k: ("ok", 200, 48_000, 850, 30, 3, None) if k % 3
    else ("not_modified", 304, 48_000, 850, 30, 3, None),
    SEED_SOURCE: lambda k: ("not_modified", 304, 0, 420, 0, 0, None),
    SYNDICATION_SOURCE: lambda k: ("ok", 200, 210_000, 14_500, 40, 2, None),
    "aljazeera_net_rss": lambda k: ("error", None, None, 20_000, 0, 0, "timeout after 20 s"),
    "lbc_ar_01": lambda k: ("error", 503, None, 900, 0, 0, "HTTP 503") if k >= 8
    else ("ok", 200, 30_000, 900, 20, 1, None),
}  # fmt: skip


def _stage_polls(staging: Staging) -> None:
    """Ten days of feed polls (constructed) ending on ``POLL_END``."""
    feeds = {s[0]: s[3] for s in SOURCES}
    for k in range(10):
        day = POLL_END - timedelta(days=9 - k)
        at = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)
        for source, poll in _POLLS.items():
            status, http_status, size, duration, seen, new, error = poll(k)
            staging.add(day, "feed_fetch", source, {
                "run_date": day, "source_id": source, "feed_url": feeds[source],
                "fetched_at": at, "status": status, "http_status": http_status, "bytes": size,
                "duration_ms": duration, "entries_seen": seen, "entries_new": new, "error": error,
            })  # fmt: skip


# Quarantine rows (constructed): (run date, stage, source, record key, rule, detail, payload).
_QUARANTINE = [
    (POLL_END, "feeds", "aljazeera_net_rss", "https://www.aljazeera.net/aljazeera/rss",
     "fetch_timeout", "timeout after 20 s", None),
    (POLL_END - timedelta(days=1), "articles", SHAFAQ_SOURCE, "shafaq:short-body",
     "body_too_short", "body_chars=38 < 200", '{"body_chars": 38}'),
    (POLL_END - timedelta(days=1), "articles", SHAFAQ_SOURCE, "shafaq:not-arabic",
     "arabic_share_low", "arabic_share=0.12 < 0.5", '{"arabic_share": 0.12}'),
]  # fmt: skip
#: The quarantine row an operator re-queued (its record key).
_REQUEUED = "shafaq:not-arabic"


def _stage_quality(staging: Staging) -> None:
    """dq_result rows of three days (one failed expectation) and quarantine rows."""
    for k in range(3):
        day = POLL_END - timedelta(days=2 - k)
        for expectation, column, ok, observed, bad, n in (
            ("expect_column_values_to_not_be_null", "article_id", True, None, 0, 31),
            ("expect_column_values_to_be_between", "arabic_share", k != 1, "0.41",
             1 if k == 1 else 0, 31),
        ):  # fmt: skip
            staging.add(day, "dq", SHAFAQ_SOURCE, {
                "run_date": day, "stage": "articles", "suite": "articles_suite",
                "expectation": expectation, "column_name": column, "success": ok,
                "observed_value": observed, "unexpected_count": bad, "element_count": n,
            })  # fmt: skip
    for day, stage, source, key, rule, detail, payload in _QUARANTINE:
        staging.add(day, "quarantine", source, {
            "run_date": day, "stage": stage, "source_id": source, "record_key": key,
            "rule": rule, "detail": detail, "payload": payload,
        })  # fmt: skip


def _requeue(settings: Any) -> None:
    """Stamp one quarantine row as re-queued (the statement ``akhbar quarantine --requeue`` runs)."""
    con = duckdb.connect(str(settings.warehouse))
    try:
        ids = [r[0] for r in con.execute(
            "SELECT quarantine_id FROM quarantine WHERE record_key = ?", [_REQUEUED]
        ).fetchall()]  # fmt: skip
        assert ids, "the re-queued quarantine row did not load"
        con.execute(sql("quarantine/mark_requeued"), {"ids": ids})
        con.execute("CHECKPOINT")
    finally:
        con.close()


def warehouse_for_tests(tmp_dir: Path) -> tuple[Path, bool]:
    """The warehouse tests should read, and whether it is this module's build.

    ``AKHBAR_TEST_WAREHOUSE=/path/to/snapshot.duckdb`` points the generic view /
    analysis tests at a real pipeline warehouse (opened read-only; checks that
    only hold for this builder's data are then skipped).
    """
    external = os.environ.get("AKHBAR_TEST_WAREHOUSE")
    if external:
        return Path(external), False
    return build_test_warehouse(Path(tmp_dir) / "analyst_test.duckdb"), True


SEED_MARKER = "وصرح وزير الخارجية الروسي سيرغي لافروف قائلاً"


def seed_article_ids(con) -> list[str]:
    """Ids of articles whose body is the seed text (any id scheme)."""
    rows = con.execute(
        "SELECT article_id FROM fact_article WHERE contains(body_text, ?) ORDER BY article_id",
        [SEED_MARKER],
    ).fetchall()
    return [r[0] for r in rows]
