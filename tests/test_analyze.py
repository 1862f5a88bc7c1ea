"""The analyze() orchestrator: language gate, JSON shape, entity linking, speed."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

from akhbar.arabic.analyze import Analysis, analyze, detect_language
from helpers import cpu_seconds

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_TEXT = (REPO / "tests" / "fixtures" / "seed" / "000_ef5b854259b45142.txt").read_text(
    encoding="utf-8"
)
GOLD = REPO / "tests" / "fixtures" / "quotes_gold"


def test_seed_analysis_json_shape() -> None:
    a = analyze(SEED_TEXT, published=dt.datetime(2020, 1, 14, 18))
    assert a.language == "ar" and a.skipped_reason is None
    d = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    assert set(d) == {"language", "skipped_reason", "dateline", "entities", "quotes", "dates"}
    assert d["dateline"] == {"place": "ليبيا", "source": "العالم", "start": 0, "end": 14}
    assert {q["kind"] for q in d["quotes"]} == {"direct", "indirect"}
    assert len(d["quotes"]) == 4
    for q in d["quotes"]:
        assert set(q) == {
            "kind",
            "speaker",
            "speaker_kind",
            "speaker_entity_id",
            "cue",
            "text",
            "start",
            "end",
        }
        assert SEED_TEXT[q["start"] : q["end"]] == q["text"]
    dates = {x["text"]: x for x in d["dates"]}
    assert dates["الأحد المقبل"]["value"] == "2020-01-19"
    assert dates["عام 2011"] == {
        "text": "عام 2011", "value": "2011-01-01", "kind": "year",
        "start": SEED_TEXT.index("عام 2011"), "end": SEED_TEXT.index("عام 2011") + 8,
    }  # fmt: skip
    for e in d["entities"]:
        assert set(e) == {"text", "type", "start", "end", "entity_id"}
        assert SEED_TEXT[e["start"] : e["end"]] == e["text"]


def test_quote_speakers_link_to_entities() -> None:
    pytest.importorskip("akhbar.arabic.entities")
    a = analyze(SEED_TEXT)
    assert a.entities, "the entity extractor should find people in the seed"
    linked = [q for q in a.quotes if q.speaker_entity_id]
    assert linked, "direct quotes by named people should carry the entity id"
    ids = {e.entity_id for e in a.entities}
    assert all(q.speaker_entity_id in ids for q in linked)


def test_shafaq_items_are_arabic_despite_persian_ya() -> None:
    # 00165e8b... contains one Persian ی (U+06CC) typo: still Arabic
    text = (GOLD / "00165e8b127153dd.txt").read_text(encoding="utf-8")
    assert "\u06cc" in text
    assert detect_language(text) == "ar"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ('The quick brown fox said: "hello" on Monday 5 January 2020.', "not_arabic:latin"),
        ('"«»"', "empty"),
    ],
)
def test_skipped(text: str, reason: str) -> None:
    a = analyze(text)
    if reason == "empty" and text.strip():
        # only quotation marks: no letters at all
        assert a.skipped_reason in ("not_arabic:other", "empty")
    else:
        assert a.skipped_reason == reason
    assert a.quotes == [] and a.dates == [] and a.entities == [] and a.dateline is None


def test_not_text() -> None:
    assert analyze(None).skipped_reason == "not_text"  # type: ignore[arg-type]


def _page_text(name: str) -> str:
    import trafilatura

    page = SHARED / "corpus" / "pages" / f"{name}.html"
    if not page.exists():
        pytest.skip("shared corpus not available")
    return trafilatura.extract(page.read_text(encoding="utf-8", errors="replace")) or ""


@pytest.mark.parametrize("name", ["yjc_fa_1", "aryanews_fa_1"])
def test_persian_pages_are_skipped(name: str) -> None:
    text = _page_text(name)
    assert len(text) > 1000
    a = analyze(text)
    assert a.skipped_reason == "not_arabic:fa" and a.quotes == []


def test_urdu_feed_is_skipped() -> None:
    feed = SHARED / "corpus" / "feeds" / "bbc_urdu_2.xml"
    if not feed.exists():
        pytest.skip("shared corpus not available")
    text = html.unescape(re.sub(r"<[^>]+>", " ", feed.read_text(encoding="utf-8")))
    assert analyze(text).skipped_reason == "not_arabic:ur"


def test_arabic_page_is_analysed() -> None:
    text = _page_text("sputniknews_arabic_1")
    a = analyze(text, published=dt.date(2020, 3, 3))
    assert a.language == "ar" and a.skipped_reason is None
    assert any(d.kind == "weekday" for d in a.dates)


def test_200k_chars_bounded() -> None:
    text = (SEED_TEXT * 100)[:200_000]
    a = analyze(text, published=dt.datetime(2020, 1, 14), with_entities=False)
    assert cpu_seconds(analyze, text, with_entities=False, repeat=1) < 5.0
    assert isinstance(a, Analysis) and len(a.quotes) > 100


def test_1000_word_article_is_fast_without_ner() -> None:
    # ~1,000 words of real text: the seed article followed by Shafaq items.
    parts = [SEED_TEXT] + [p.read_text(encoding="utf-8") for p in sorted(GOLD.glob("*.txt"))]
    words: list[str] = []
    text = ""
    for p in parts:
        text += p + "\n"
        words = text.split()
        if len(words) >= 1000:
            break
    analyze(text, with_entities=False)  # warm up compiled regexes
    # A sanity bound against a pathological path (4x the bench target): the speed
    # itself is measured by make bench.
    per_call = cpu_seconds(
        analyze, text, published=dt.datetime(2026, 1, 1), with_entities=False, repeat=5
    )
    assert per_call < 0.2, f"{per_call * 1000:.1f} ms CPU per 1,000-word article"
