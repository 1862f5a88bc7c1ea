"""trafilatura extraction on real Arabic pages from the shared corpus."""

import json
from pathlib import Path

import pytest

from akhbar.pages import extract_page, parse_datetime

PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pages"
pytestmark = pytest.mark.skipif(not PAGES.exists(), reason="../shared/corpus not present")


def test_cnn_arabic_body_matches_gold_text():
    page = extract_page((PAGES / "cnn_arabic_1.html").read_bytes())
    gold = (PAGES / "cnn_arabic_1.txt").read_text(encoding="utf-8").split()
    words = set(page.text.split())
    assert page.title and "دمشق" in page.title
    # Most gold words are recovered; boilerplate does not dominate.
    assert sum(w in words for w in gold) / len(gold) > 0.9
    assert len(page.text) < 2 * len(" ".join(gold))
    assert page.html_lang == "ar"


def test_assabah_with_and_without_snippets():
    meta = json.loads((PAGES / "assabah_1.json").read_text(encoding="utf-8"))
    page = extract_page((PAGES / "assabah_1.html").read_bytes(), url=meta["url"])
    for snippet in meta["with"]:
        assert snippet in page.text
    for snippet in meta["without"]:
        assert snippet not in page.text


@pytest.mark.parametrize("name", ["sputniknews_arabic_1", "alyaum_1", "almadenahnews_1"])
def test_publication_date_matches_htmldate_gold(name):
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    page = extract_page((PAGES / f"{name}.html").read_bytes(), url=meta["url"])
    assert page.published_at is not None and page.published_at.tzinfo is not None
    assert page.published_at.date().isoformat() == meta["publication_date"]
    assert page.usable


def test_garbage_never_raises():
    for blob in (b"", b"<html>", b"\x00\xff" * 100, "<p>نص</p>".encode()):
        assert extract_page(blob).text is not None


def test_parse_datetime_forms():
    assert parse_datetime("2020-05-10T18:59:01+0430").isoformat() == "2020-05-10T14:29:01+00:00"
    assert parse_datetime("2020-01-14").isoformat() == "2020-01-14T00:00:00+00:00"
    assert parse_datetime("not a date") is None
