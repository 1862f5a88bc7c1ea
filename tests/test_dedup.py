"""URL normalisation, ids, SimHash and MinHash clusters on real Shafaq items."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from akhbar.fetch.dedup import (
    article_id,
    assign_clusters,
    hamming,
    normalize_url,
    simhash,
    title_key,
)

SHAFAQ = Path(__file__).parent / "fixtures" / "hostile" / "real" / "shafaq"


def _items() -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(SHAFAQ.glob("shafaq_*.json"))]


def _body(item: dict) -> str:
    return html.unescape(item["description"])


def _drop_one_sentence(text: str) -> str:
    """The light edit: delete one real sentence (the longest) from the body."""
    sentences = re.split(r"(?<=[.!؟?])\s+", text)
    longest = max(range(len(sentences)), key=lambda i: len(sentences[i]))
    return " ".join(s for i, s in enumerate(sentences) if i != longest)


REAL = _items()[0]["link"]  # percent-encoded Arabic path, as the feed carried it


@pytest.mark.parametrize(
    "variant",
    [
        REAL,
        REAL + "?utm_source=twitter&utm_medium=social&fbclid=abc",
        REAL + "#comments",
        REAL + "/",
        REAL + "?amp",
        REAL + "?gclid=1&amp=1",
        REAL.replace("https://shafaq.com/", "https://m.shafaq.com/").replace(
            "m.shafaq.com", "M.SHAFAQ.COM"
        ),
        REAL.replace("https://shafaq.com/", "https://shafaq.com:443/"),
        REAL.replace("https://shafaq.com/ar/", "https://shafaq.com/ar/amp/"),
        REAL.lower(),  # lower-case percent escapes
    ],
)
def test_variants_normalise_to_one_url(variant: str) -> None:
    # m.shafaq.com maps to www.shafaq.com (registrable domain gets www); compare
    # against the canonical forms of the plain URL and its www twin.
    canonical = {normalize_url(REAL), normalize_url(REAL.replace("://", "://www."))}
    assert normalize_url(variant) in canonical
    assert article_id(variant) in {article_id(u) for u in canonical}


def test_raw_arabic_and_percent_encoded_paths_agree() -> None:
    from urllib.parse import unquote

    assert normalize_url(unquote(REAL)) == normalize_url(REAL)
    assert "%D9%" in normalize_url(REAL)  # upper-case, canonical escapes


def test_normalize_keeps_meaningful_query_and_sorts() -> None:
    assert normalize_url("https://e.org/a?id=2&b=1&utm_campaign=x") == "https://e.org/a?b=1&id=2"
    assert normalize_url("http://e.org:8080/x/") == "http://e.org:8080/x"
    assert normalize_url("https://mobile.news.e.org/x") == "https://news.e.org/x"
    assert normalize_url("https://m.e.org/x") == "https://www.e.org/x"
    assert normalize_url("https://e.org/x?output=amp") == "https://e.org/x"
    assert normalize_url("https://e.org/x?output=json") == "https://e.org/x?output=json"


@pytest.mark.parametrize("junk", ["", "  ", "not a url", "javascript:alert(1)", "http://"])
def test_normalize_never_raises(junk: str) -> None:
    assert isinstance(normalize_url(junk), str)
    assert len(article_id(junk)) == 16


def test_article_id_is_16_hex_and_stable() -> None:
    aid = article_id(REAL)
    assert re.fullmatch(r"[0-9a-f]{16}", aid)
    assert aid == article_id(REAL)
    assert aid != article_id(_items()[1]["link"])


def test_title_key_folds_spelling_and_punctuation() -> None:
    title = _items()[0]["title"]
    # Constructed variants of a real title: hamza/taa-marbuta folds, punctuation, spacing.
    variant = "  " + title.replace("ة", "ه").replace("ي", "ى") + " !! "
    assert title_key(variant) == title_key(title)
    assert title_key(title) != title_key(_items()[1]["title"])


def test_simhash_near_duplicates() -> None:
    items = _items()
    a = _body(items[0])
    edited = _drop_one_sentence(a)
    assert edited != a
    h_a, h_e, h_other = simhash(a), simhash(edited), simhash(_body(items[1]))
    for h in (h_a, h_e, h_other):
        assert -(2**63) <= h < 2**63
    assert hamming(h_a, h_e) <= 12
    assert hamming(h_a, h_other) > 16
    assert simhash(a) == h_a  # deterministic across calls (no salted hash())
    assert simhash("") == 0


def test_assign_clusters_groups_edited_copy_and_keeps_others_apart() -> None:
    items = _items()
    docs = [(article_id(it["link"]), "shafaq", _body(it)) for it in items]
    copy_id = article_id(items[0]["link"] + "-copy")
    docs.append((copy_id, "other_source", _drop_one_sentence(_body(items[0]))))
    docs.append(("0" * 16 + "-empty", "x", ""))
    clusters = assign_clusters(docs)
    assert set(clusters) == {d[0] for d in docs}
    first = docs[0][0]
    assert clusters[first] == clusters[copy_id] == min(first, copy_id)
    others = [d[0] for d in docs[1:-2]]
    assert len({clusters[o] for o in others}) == len(others)
    assert all(clusters[o] == o for o in others)
    assert clusters["0" * 16 + "-empty"] == "0" * 16 + "-empty"
    # deterministic regardless of input order
    assert assign_clusters(list(reversed(docs))) == clusters
