"""Gazetteer CSV integrity, variant resolution and clitic-aware matching."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from akhbar.arabic.gazetteer import COLUMNS, get_gazetteer, load_gazetteer, match
from akhbar.arabic.normalize import normalize_for_match
from helpers import cpu_seconds

REPO = Path(__file__).resolve().parents[1]
CSV_PATH = REPO / "seeds" / "gazetteer.csv"
SEED = Path(__file__).parent / "fixtures" / "seed" / "000_ef5b854259b45142.txt"


def test_csv_shape_and_unique_ids() -> None:
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == COLUMNS
    assert len(rows) >= 600
    ids = [r["entity_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert {r["type"] for r in rows} == {"PER", "LOC", "ORG"}
    for r in rows:
        assert r["wikidata_id"] == "" or r["wikidata_id"].startswith("Q")
    # no folded form belongs to two entities
    owner: dict[str, str] = {}
    for r in rows:
        for form in [r["name_ar"], *filter(None, r["variants_ar"].split("|"))]:
            key = " ".join(normalize_for_match(form).split())
            assert owner.setdefault(key, r["entity_id"]) == r["entity_id"], form


@pytest.mark.parametrize(
    "variants",
    [
        ("اردوغان", "إردوغان", "أردوغان", "رجب طيب اردوغان", "رجب طيب إردوغان"),
        ("سيرغي لافروف", "سيرجي لافروف", "لافروف"),
        ("داعش", "تنظيم الدولة", "الدولة الإسلامية"),
        ("الحوثيون", "أنصار الله"),
    ],
)
def test_variants_resolve_to_one_entity(variants: tuple[str, ...]) -> None:
    gaz = get_gazetteer()
    ids = set()
    for v in variants:
        entry = gaz.lookup(v)
        assert entry is not None, v
        ids.add(entry.entity_id)
    assert len(ids) == 1


def test_clitic_excluded_from_span() -> None:
    text = "وموسكو بليبيا للحكومة الليبية"  # constructed example
    got = [(m.text, m.type, m.start, m.end) for m in match(text)]
    assert got == [
        ("موسكو", "LOC", 1, 6),
        ("ليبيا", "LOC", 8, 13),
        ("حكومة الليبية", "ORG", 16, 29),
    ]
    ids = [m.entity_id for m in match(text)]
    assert ids[2] == get_gazetteer().lookup("الحكومة الليبية").entity_id


def test_names_starting_with_clitic_letters_kept_whole() -> None:
    text = "زار بريطانيا ولبنان وفرنسا"  # constructed example
    assert [m.text for m in match(text)] == ["بريطانيا", "لبنان", "فرنسا"]


def test_seed_matches_have_original_offsets_and_longest_match() -> None:
    text = SEED.read_text(encoding="utf-8")
    ms = match(text)
    for m in ms:
        assert text[m.start : m.end] == m.text
    texts = [m.text for m in ms]
    assert "الجيش الوطني الليبي" in texts  # longest, not "الجيش الوطني"
    assert "رجب طيب اردوغان" in texts and "رجب طيب إردوغان" in texts
    assert texts.count("خليفة حفتر") == 3


def test_match_scales_linearly() -> None:
    """Ten times the text costs about ten times the CPU (speed itself is measured in
    make bench; process time, so a busy machine does not fail this)."""
    words = SEED.read_text(encoding="utf-8").split()
    small, big = " ".join((words * 4)[:1000]), " ".join((words * 40)[:10000])
    match(small)  # warm caches
    small_s, big_s = cpu_seconds(match, small), cpu_seconds(match, big)
    assert big_s < 30 * max(small_s, 0.002), (small_s, big_s)


def test_bad_csv_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "g.csv"
    bad.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected columns"):
        load_gazetteer(bad)


def test_empty_and_foreign_text() -> None:
    assert match("") == []
    assert match("Moscow and Libya, in English only.") == []
