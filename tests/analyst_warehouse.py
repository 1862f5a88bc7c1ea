"""Build a small, realistic warehouse for the analyst view/search/export/digest tests.

Text is REAL: the seed article (Al-Alam, Jan 2020, /work/shared/seed, copied to
tests/fixtures/seed by the project) and 30 items of Shafaq News' Arabic RSS feed
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

import hashlib
import html
import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pyarrow as pa

from akhbar.arabic.normalize import normalize_for_match, normalize_with_offsets, original_span
from akhbar.arabic.quotes import speaker_kind
from akhbar.warehouse.migrate import connect

SHARED = Path(os.environ.get("AKHBAR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SEED_TXT = SHARED / "seed" / "000_ef5b854259b45142.txt"
SEED_GOLD = SHARED / "seed" / "000_ef5b854259b45142.gold.json"
SHAFAQ_DIR = SHARED / "corpus" / "feeds" / "derived_items" / "shafaq"

SEED_SOURCE = "alalam_ar"
SYNDICATION_SOURCE = "skynewsarabia_rss"
SHAFAQ_SOURCE = "shafaq_society_ar"
SEED_ARTICLE_ID = "ef5b854259b45142"
SEED_COPY_ID = "ef5b854259b45142-sky"
SEED_CLUSTER = "c-" + SEED_ARTICLE_ID
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


def _insert(con, table: str, rows: list[tuple], columns: str | None = None) -> None:
    """Bulk insert through Arrow (executemany is row-at-a-time in DuckDB)."""
    if not rows:
        return
    names = [f"c{i}" for i in range(len(rows[0]))]
    arrow = pa.table([pa.array(list(col)) for col in zip(*rows, strict=True)], names=names)
    con.register("_rows", arrow)
    try:
        target = f"{table} ({columns})" if columns else table
        con.execute(f"INSERT INTO {target} SELECT * FROM _rows")
    finally:
        con.unregister("_rows")


def _hid(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


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
    """Create (or replace) a warehouse at ``path`` filled with real text. Returns ``path``."""
    path = Path(path)
    for p in (path, path.with_name(path.name + ".wal")):
        if p.exists():
            p.unlink()
    con = connect(path)
    try:
        _fill(con)
    finally:
        con.close()
    return path


def _fill(con) -> None:
    now = datetime(2026, 8, 10, 6, 0, tzinfo=UTC)
    con.executemany(
        "INSERT INTO dim_source (source_id, name, country, feed_url, site_url, language, enabled,"
        " updated_at) VALUES (?, ?, ?, ?, ?, 'ar', TRUE, ?)",
        [(*s, now) for s in SOURCES],
    )
    con.executemany(
        "INSERT INTO dim_entity VALUES (?, ?, ?, ?, ?, ?)",
        [
            (eid, t, name, en, wd, "local" if eid in {"per:saad_maan", "per:adnan_al_shammari"}
             else "gazetteer")
            for eid, t, name, en, wd in ENTITIES
        ],
    )  # fmt: skip

    articles, mentions, quotes, dates, clusters = [], [], [], [], []

    # --- seed article (and its syndicated copy, constructed) -----------------
    text, gold = _seed_rows()
    title = text.split("\n", 1)[1].split("..")[0][:120]  # first sentence of the real text
    for aid, source, published in (
        (SEED_ARTICLE_ID, SEED_SOURCE, SEED_PUBLISHED),
        (SEED_COPY_ID, SYNDICATION_SOURCE, SEED_PUBLISHED + SEED_COPY_LAG),
    ):
        run_date = published.date()
        articles.append(
            (aid, run_date, source, f"https://example.invalid/{source}/{aid}", title, published,
             published + timedelta(minutes=20), text, "page", gold["dateline"]["place"],
             gold["dateline"]["source"], SEED_CLUSTER)
        )  # fmt: skip
        clusters.append((SEED_CLUSTER, aid, source, published, run_date))
        idx = 0
        taken: list[tuple[int, int]] = []
        names = [(n, t) for t, ns in gold["entities"].items() for n in ns]
        for name, etype in sorted(names, key=lambda nt: -len(nt[0])):
            for m in re.finditer(re.escape(name), text):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                eid = _NAME_TO_ID.get(normalize_for_match(name))
                mentions.append((aid, idx, run_date, name, etype, m.start(), m.end(), eid, "gold"))
                idx += 1
        for qi, q in enumerate(gold["quotes"]):
            start, end = q["span"]
            assert text[start:end] == q["text"], "gold quote span does not match the seed text"
            eid = _NAME_TO_ID.get(normalize_for_match(q["speaker"])) or _NAME_TO_ID.get(
                normalize_for_match(q["speaker"].split()[-1])
            )
            quotes.append(
                (aid, qi, run_date, q["kind"], q["speaker"], eid, q["cue"], q["text"], start, end,
                 speaker_kind(q["speaker"]))
            )  # fmt: skip
        for di, d in enumerate(gold["dates"]):
            start = text.find(d["text"])
            value = date(int(d["value"]), 1, 1) if d.get("value") else None
            dates.append(
                (aid, di, run_date, d["text"], value, d["kind"].split(",")[0], start,
                 start + len(d["text"]))
            )  # fmt: skip

    # --- 30 real Shafaq News items -------------------------------------------
    for f in sorted(SHAFAQ_DIR.glob("shafaq_*.json")):
        item = json.loads(f.read_text(encoding="utf-8"))
        body = html.unescape(item["description"]).strip()
        aid = item["id"]
        published = parsedate_to_datetime(item["published_at"]).astimezone(UTC)
        fetched = datetime.fromisoformat(item["fetched_at_utc"].replace("Z", "+00:00"))
        run_date = fetched.date()
        m = _DATELINE.match(body)
        place = m.group("place").strip() if m else None
        cluster = "c-" + aid
        articles.append(
            (aid, run_date, SHAFAQ_SOURCE, item["link"], item["title"], published, fetched, body,
             "feed", place, "شفق نيوز" if place else None, cluster)
        )  # fmt: skip
        clusters.append((cluster, aid, SHAFAQ_SOURCE, published, run_date))
        for i, (s, e, eid, etype) in enumerate(find_names(body)):
            mentions.append((aid, i, run_date, body[s:e], etype, s, e, eid, "gazetteer"))
        for i, q in enumerate(find_quotes(body)):
            quotes.append(
                (aid, i, run_date, q["kind"], q["speaker"], q["speaker_entity_id"], q["cue"],
                 q["text"], q["start"], q["end"], speaker_kind(q["speaker"]))
            )  # fmt: skip
        for i, dm in enumerate(_WEEKDAY.finditer(body)):
            dates.append(
                (aid, i, run_date, dm.group(0), published.date(), "weekday", dm.start(), dm.end())
            )

    _insert(
        con, "fact_article", articles,
        "article_id, run_date, source_id, url, title, published_at, fetched_at, body_text,"
        " body_source, dateline_place, dateline_source, cluster_id",
    )  # fmt: skip
    con.execute(
        "UPDATE fact_article SET content_hash = md5(body_text), language = 'ar',"
        " body_chars = length(body_text), "
        "arabic_share = round(length(regexp_replace(body_text, '[^\\x{0621}-\\x{064A}]', '', 'g'))"
        " / greatest(1, length(regexp_replace(body_text, '[^\\p{L}]', '', 'g'))), 3)"
    )
    _insert(con, "fact_entity_mention", mentions)
    _insert(con, "fact_quote", quotes)
    _insert(con, "fact_date_mention", dates)
    _insert(con, "fact_story_cluster", clusters)

    # --- dim_date over every article day ---------------------------------------
    con.execute(
        """
        INSERT INTO dim_date
        SELECT d, year(d), month(d), day(d), weekofyear(d), dayname(d)
        FROM (SELECT DISTINCT CAST(unnest(range(min(day), max(day) + 1, INTERVAL 1 DAY)) AS DATE) d
              FROM v_articles)
        """
    )

    # --- feed polls (constructed): healthy, slow, failing, dead ---------------
    fetches = []
    for k in range(10):
        day = POLL_END - timedelta(days=9 - k)
        at = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)
        src = {s[0]: s[3] for s in SOURCES}
        fetches.append(
            (
                day,
                SHAFAQ_SOURCE,
                src[SHAFAQ_SOURCE],
                at,
                "ok" if k % 3 else "not_modified",
                200 if k % 3 else 304,
                48_000,
                850,
                30,
                3,
                None,
            )
        )
        fetches.append(
            (day, SEED_SOURCE, src[SEED_SOURCE], at, "not_modified", 304, 0, 420, 0, 0, None)
        )
        fetches.append(
            (
                day,
                SYNDICATION_SOURCE,
                src[SYNDICATION_SOURCE],
                at,
                "ok",
                200,
                210_000,
                14_500,
                40,
                2,
                None,
            )
        )
        fetches.append(
            (
                day,
                "aljazeera_net_rss",
                src["aljazeera_net_rss"],
                at,
                "error",
                None,
                None,
                20_000,
                None,
                None,
                "timeout after 20 s",
            )
        )
        failing = k >= 8
        fetches.append(
            (
                day,
                "lbc_ar_01",
                src["lbc_ar_01"],
                at,
                "error" if failing else "ok",
                503 if failing else 200,
                None if failing else 30_000,
                900,
                None if failing else 20,
                None if failing else 1,
                "HTTP 503" if failing else None,
            )
        )
    _insert(
        con, "fact_feed_fetch", fetches,
        "run_date, source_id, feed_url, fetched_at, status, http_status, bytes, duration_ms,"
        " entries_seen, entries_new, error",
    )  # fmt: skip

    # --- data quality and quarantine (constructed) -----------------------------
    dq = []
    for k in range(3):
        day = POLL_END - timedelta(days=2 - k)
        at = datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)
        dq += [
            (day, "articles", "articles_suite", "expect_column_values_to_not_be_null",
             "article_id", True, None, 0, 31, at),
            (day, "articles", "articles_suite", "expect_column_values_to_be_between",
             "arabic_share", k != 1, "0.41", 1 if k == 1 else 0, 31, at),
            (day, "warehouse", "warehouse_suite", "expect_column_values_to_be_unique",
             "article_id", True, None, 0, 32, at),
        ]  # fmt: skip
    _insert(con, "dq_result", dq)
    quarantine = [
        (POLL_END, "feeds", "aljazeera_net_rss", "https://www.aljazeera.net/aljazeera/rss",
         "fetch_timeout", "timeout after 20 s", None, None),
        (POLL_END - timedelta(days=1), "articles", SHAFAQ_SOURCE, "shafaq:short-body",
         "body_too_short", "body_chars=38 < 200", '{"body_chars": 38}', None),
        (POLL_END - timedelta(days=1), "articles", SHAFAQ_SOURCE, "shafaq:not-arabic",
         "arabic_share_low", "arabic_share=0.12 < 0.5", '{"arabic_share": 0.12}',
         datetime(2026, 8, 10, 9, 0, tzinfo=UTC)),
    ]  # fmt: skip
    _insert(
        con,
        "quarantine",
        [
            (_hid(str(d), st, key, rule), d, st, src, key, rule, det, pay,
             datetime(d.year, d.month, d.day, 6, 30, tzinfo=UTC), req)
            for d, st, src, key, rule, det, pay, req in quarantine
        ],
    )  # fmt: skip
    con.execute(
        "INSERT INTO pipeline_run SELECT run_date, 'test__' || CAST(run_date AS VARCHAR), NULL,"
        " TIMESTAMPTZ '2026-08-10 08:00:00+00', 'load', source_id, 'articles', count(*)"
        " FROM fact_article GROUP BY ALL"
    )


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
