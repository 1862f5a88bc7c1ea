"""trafilatura extraction on real Arabic pages from the shared corpus."""

import json
import random
from pathlib import Path

import pytest

from akhbar.fetch import pages as pages_module
from akhbar.fetch.pages import TRAFILATURA_OPTIONS, extract_page, parse_datetime

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PAGES = SHARED / "pages"
# Real non-Arabic pages of trafilatura's own evaluation set (mixed and legacy
# charsets, BOMs): the metadata rules must hold there too.
EVAL_PAGES = SHARED / "hostile" / "pages" / "trafilatura" / "tests" / "eval"
needs_shared = pytest.mark.skipif(not PAGES.exists(), reason="../shared/corpus not present")


def _real_pages() -> list[tuple[str, bytes, str | None]]:
    out = []
    for path in sorted(PAGES.glob("*.html")) + sorted(EVAL_PAGES.glob("*.html")):
        meta = path.with_suffix(".json")
        url = json.loads(meta.read_text(encoding="utf-8")).get("url") if meta.is_file() else None
        out.append((path.name, path.read_bytes(), url))
    return out


@needs_shared
@pytest.mark.parametrize("extensive", [True, False])
def test_same_fields_as_trafilatura_with_its_metadata(extensive):
    """One parse and the stored metadata only give what trafilatura's full
    ``bare_extraction(with_metadata=True)`` gives, field by field."""
    from trafilatura import bare_extraction

    pages = _real_pages()
    assert len(pages) >= 9
    authors = 0
    for name, raw, url in pages:
        page = extract_page(raw, url=url, extensive_dates=extensive)
        params = pages_module._DATE_PARAMS if extensive else pages_module._FAST_DATE_PARAMS
        full = bare_extraction(
            raw, url=url, with_metadata=True, date_extraction_params=params, **TRAFILATURA_OPTIONS
        )
        assert full is not None, name
        assert page.title == (full.title or None), name
        assert page.author == (full.author or None), name
        assert page.canonical_url == (full.url or None), name
        assert page.image_url == (full.image or None), name
        assert page.published_at == parse_datetime(full.date), name
        assert page.text == pages_module.clean_text(full.text or ""), name
        authors += page.author is not None
    assert authors >= 4  # meta-tag, JSON-LD and in-page bylines all exercised


@needs_shared
def test_page_date_is_looked_for_only_when_read(monkeypatch):
    """The feed usually dates the article: htmldate must not run unless asked."""
    import htmldate

    calls = []
    real = htmldate.find_date

    def counting(*args, **kwargs):
        calls.append(kwargs.get("url"))
        return real(*args, **kwargs)

    monkeypatch.setattr(htmldate, "find_date", counting)
    meta = json.loads((PAGES / "alyaum_1.json").read_text(encoding="utf-8"))
    page = extract_page((PAGES / "alyaum_1.html").read_bytes(), url=meta["url"])
    assert page.usable and page.title
    assert calls == []
    assert page.published_at.date().isoformat() == meta["publication_date"]
    assert page.published_at == page.published_at
    assert len(calls) == 1


@needs_shared
def test_cnn_arabic_body_matches_gold_text():
    page = extract_page((PAGES / "cnn_arabic_1.html").read_bytes())
    gold = (PAGES / "cnn_arabic_1.txt").read_text(encoding="utf-8").split()
    words = set(page.text.split())
    assert page.title and "دمشق" in page.title
    # Most gold words are recovered; boilerplate does not dominate.
    assert sum(w in words for w in gold) / len(gold) > 0.9
    assert len(page.text) < 2 * len(" ".join(gold))
    assert page.html_lang == "ar"


@needs_shared
def test_assabah_with_and_without_snippets():
    meta = json.loads((PAGES / "assabah_1.json").read_text(encoding="utf-8"))
    page = extract_page((PAGES / "assabah_1.html").read_bytes(), url=meta["url"])
    for snippet in meta["with"]:
        assert snippet in page.text
    for snippet in meta["without"]:
        assert snippet not in page.text


@needs_shared
@pytest.mark.parametrize("name", ["sputniknews_arabic_1", "alyaum_1", "almadenahnews_1"])
def test_publication_date_matches_htmldate_gold(name):
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    page = extract_page((PAGES / f"{name}.html").read_bytes(), url=meta["url"])
    assert page.published_at is not None and page.published_at.tzinfo is not None
    assert page.published_at.date().isoformat() == meta["publication_date"]
    assert page.usable


def test_garbage_never_raises():
    for blob in (b"", b"<html>", b"\x00\xff" * 100, "<p>نص</p>".encode()):
        page = extract_page(blob)
        assert page.text == "" and not page.usable, blob[:20]


def test_parse_datetime_forms():
    assert parse_datetime("2020-05-10T18:59:01+0430").isoformat() == "2020-05-10T14:29:01+00:00"
    assert parse_datetime("2020-01-14").isoformat() == "2020-01-14T00:00:00+00:00"
    assert parse_datetime("not a date") is None


# Structure-only pages (placeholder Latin names, no article text) that cover every
# attribute trafilatura's author XPaths test, their near misses, and bylines
# nested in the regions it discards (comments, sidebars, dates, figures).
_TAGS = [
    "div",
    "span",
    "a",
    "p",
    "section",
    "h3",
    "h4",
    "strong",
    "address",
    "link",
    "author",
    "time",
    "figure",
    "rel",
    "li",
    "article",
    "em",
]
_ATTRS = {
    "class": [
        "author",
        "byline",
        "Byline",
        "author-name",
        "authorName",
        "AuthorName",
        "post-author",
        "username",
        "byl",
        "BBL",
        "writer",
        "screenname",
        "comments",
        "Comments-box",
        "my-comments",
        "commentlist",
        "sidebar",
        "quote",
        "title",
        "date",
        "meta-date",
        "article-share",
        "print",
        "category",
        "channel-name",
        "x",
    ],
    "id": ["author", "Author1", "comments", "comment-list", "xcomments", "zuozhe", "x"],
    "itemprop": ["author", "author name", "creator"],
    "data-component": ["Byline", "Figure", "x"],
    "rel": ["author", "me", "nofollow"],
    "data-testid": ["AuthorCard", "AuthorURL", "x"],
}
_WORDS = ["Jane Doe", "By John Smith", "Monday", "x", "me", "Ann Lee and Bo Kim", "Photo", ""]


def _element(rng: random.Random, depth: int) -> str:
    tag = rng.choice(_TAGS)
    attrs = "".join(f' {k}="{rng.choice(v)}"' for k, v in _ATTRS.items() if rng.random() < 0.25)
    if tag == "link":
        return f"<link{attrs}>"
    kids = "".join(
        _element(rng, depth + 1) + rng.choice(_WORDS)
        for _ in range(rng.randint(0, 3) if depth < 4 else 0)
    )
    return f"<{tag}{attrs}>{rng.choice(_WORDS)}{kids}</{tag}>"


def test_in_page_author_same_as_trafilatura_on_varied_structures():
    from trafilatura.metadata import extract_author
    from trafilatura.utils import load_html

    assert pages_module._author_mirror_valid()  # the pinned trafilatura's XPaths are mirrored
    rng = random.Random(14)
    found = 0
    for _ in range(400):
        body = "".join(_element(rng, 0) for _ in range(rng.randint(1, 5)))
        tree = load_html(
            f"<html><head><title>t</title></head><body><p>Page.</p>{body}</body></html>"
        )
        expected = extract_author(tree)
        assert pages_module._extract_author(tree) == expected, body
        found += expected is not None
    assert found > 200
