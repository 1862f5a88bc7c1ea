"""parse_feed: encodings, DTD guard, entries, dates (real corpus files, bytes in)."""

from __future__ import annotations

import html
import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.fetch.feeds import ParsedFeed, decode_feed, html_to_text, parse_date, parse_feed

FIX = Path(__file__).parent / "fixtures" / "hostile"
FEEDS = FIX / "feeds"
FP = FEEDS / "feedparser" / "tests"
REAL = FIX / "real"


def _parse(rel: str, **headers: str) -> ParsedFeed:
    return parse_feed((FEEDS / rel).read_bytes(), headers=headers or None)


def _shafaq(name: str = "shafaq_00165e8b127153dd") -> dict:
    return json.loads((REAL / "shafaq" / f"{name}.json").read_text("utf-8"))


def _rss(title: str, desc: str, decl: str | None) -> str:
    """Constructed RSS wrapper (the markup is ours; title/description are real Shafaq text)."""
    enc = f' encoding="{decl}"' if decl else ""
    return (
        f'<?xml version="1.0"{enc}?>\n<rss version="2.0"><channel><title>{title}</title>'
        f"<item><title>{title}</title><link>https://shafaq.com/ar/x</link>"
        f"<description>{html.escape(desc)}</description>"
        f"<pubDate>Thu, 11 Jun 2026 07:02:42 +0000</pubDate></item></channel></rss>"
    )


# ---------------------------------------------------------------- real feeds


def test_bbc_urdu_rss() -> None:
    feed = parse_feed((REAL / "bbc_urdu_1.xml").read_bytes())
    assert feed.rejected_reason is None and not feed.bozo
    assert len(feed.entries) == 26
    assert feed.title and feed.title.startswith("BBC News اردو")
    e = feed.entries[0]
    assert e.url == "http://www.bbc.com/urdu/pakistan-42575603"
    assert e.published_at == datetime(2018, 1, 5, 16, 51, tzinfo=UTC)
    assert e.image_url and e.image_url.endswith(".jpg")
    assert e.title and "امریکی" in e.title
    assert len({x.entry_id for x in feed.entries}) == 26


def test_bbc_urdu_atom() -> None:
    feed = parse_feed((REAL / "bbc_urdu_2.xml").read_bytes())
    assert feed.rejected_reason is None and not feed.bozo
    assert len(feed.entries) == 53
    e = feed.entries[0]
    assert e.entry_id == "tag:www.bbcurdu.com,2014-03-16:30771398"
    assert e.published_at == datetime(2014, 3, 16, 8, 22, 25, tzinfo=UTC)  # +05:00 -> UTC
    assert all(x.published_at and x.published_at.tzinfo for x in feed.entries)


def test_hebrew_windows_1255_undeclared_charset_decl() -> None:
    feed = _parse("chardet/tests/windows-1255-hebrew/infomed.co.il.xml")
    assert feed.encoding == "cp1255"
    assert feed.title == "אינפומד - אתר הרפואה הישראלי"
    assert len(feed.entries) == 21


# ---------------------------------------------------------------- legacy Arabic


@pytest.mark.parametrize("codec", ["cp1256", "iso8859-6"])
@pytest.mark.parametrize("where", ["http", "xml", "none"])
def test_legacy_arabic_encodings(codec: str, where: str) -> None:
    item = _shafaq()
    title = item["title"]
    desc = html.unescape(item["description"])[:170]  # the part both code pages can encode
    body = _rss(title, desc, codec if where == "xml" else None).encode(codec)
    headers = {"Content-Type": f"application/rss+xml; charset={codec}"} if where == "http" else None
    feed = parse_feed(body, headers=headers)
    assert feed.rejected_reason is None
    assert feed.encoding == codec
    assert feed.title == title
    assert feed.entries[0].title == title
    assert feed.entries[0].summary == html_to_text(html.escape(desc))


def test_http_charset_beats_wrong_xml_declaration() -> None:
    item = _shafaq()
    body = _rss(item["title"], "", "iso-8859-1").encode("cp1256")
    feed = parse_feed(body, headers={"content-type": "text/xml; charset=windows-1256"})
    assert feed.title == item["title"]


def test_wrong_http_charset_falls_through_to_utf8() -> None:
    item = _shafaq()
    body = _rss(item["title"], "", None).encode("utf-8")
    feed = parse_feed(body, headers={"content-type": "text/xml; charset=us-ascii"})
    assert feed.title == item["title"] and feed.encoding == "utf-8"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("x80_cp1256.xml", "\u20ac"),
        ("x80_windows-1256.xml", "\u20ac"),
        ("x80_windows_1256.xml", "\u20ac"),
        ("x80_ms-arab.xml", "\u20ac"),  # no Python codec: our alias maps it to cp1256
        ("x80_cp864.xml", "\xb0"),
        ("x80_ibm864.xml", "\xb0"),
        ("x80_csibm864.xml", "\xb0"),
    ],
)
def test_feedparser_arabic_codepage_expectations(name: str, expected: str) -> None:
    feed = _parse(f"feedparser/tests/encoding/{name}")
    assert not feed.bozo and feed.title == expected


def test_cp864_arabic_letters() -> None:
    # Constructed: every cp864 byte 0xC1..0xDA decodes to an Arabic (presentation) letter.
    raw = bytes(range(0xC1, 0xDB))
    body = b'<?xml version="1.0" encoding="cp864"?><rss version="2.0"><channel><title>'
    body += raw + b"</title></channel></rss>"
    feed = parse_feed(body)
    assert feed.encoding == "cp864" and feed.title
    letters = [c for c in feed.title if c.isalpha()]
    assert letters and all("ARABIC" in unicodedata.name(c) for c in letters)


# ---------------------------------------------------------------- feedparser expectations (bytes in)


@pytest.mark.parametrize(
    ("rel", "headers", "check"),
    [
        (
            "encoding/http_text_xml_charset_2.xml",
            {"Content-type": "text/xml; charset=windows-1252"},
            lambda f: f.entries[0].summary == "This is a \xa3\u201ctest.\u201d",
        ),
        (
            "encoding/http_text_xml_charset_overrides_encoding_2.xml",
            {"Content-type": "text/xml; charset=windows-1252"},
            lambda f: f.entries[0].summary == "This is a \xa3\u201ctest.\u201d",
        ),
        ("encoding/demoronize-1.xml", {}, lambda f: f.entries[0].summary == "don\u2019t"),
        ("encoding/demoronize-2.xml", {}, lambda f: f.entries[0].summary == "don\u2019t"),
        ("encoding/double-encoded-html.xml", {}, lambda f: f.entries[0].summary == "\u2026"),
        ("encoding/utf-16be-bom.xml", {}, lambda f: f.encoding == "utf-16be" and not f.bozo),
        ("encoding/utf-16be.xml", {}, lambda f: f.encoding == "utf-16be" and not f.bozo),
        ("encoding/utf-16le-bom.xml", {}, lambda f: f.encoding == "utf-16le" and not f.bozo),
        ("encoding/utf-16le-autodetect.xml", {}, lambda f: f.encoding == "utf-16le"),
        ("encoding/utf-32le-bom.xml", {}, lambda f: f.encoding == "utf-32le" and not f.bozo),
        ("encoding/utf-8-bom.xml", {}, lambda f: f.encoding == "utf-8" and not f.bozo),
        ("encoding/u16.xml", {}, lambda f: f.encoding == "utf-16be" and not f.bozo),
        ("encoding/no_content_type_default.xml", {}, lambda f: f.encoding == "utf-8"),
        ("encoding/no_content_type_encoding.xml", {}, lambda f: f.encoding == "iso8859-1"),
        ("encoding/http_application_xml_default.xml", {}, lambda f: not f.bozo),
        ("encoding/bozo_invalid-bytes-with-bom.xml", {}, lambda f: f.bozo or f.title),
        ("entities/lrm.xml", {}, lambda f: f.title == "testing \u200e entity"),
        ("entities/rlm.xml", {}, lambda f: f.title == "testing \u200f entity"),
        ("entities/zwj.xml", {}, lambda f: f.title == "testing \u200d entity"),
        ("entities/zwnj.xml", {}, lambda f: f.title == "testing \u200c entity"),
        ("entities/hex_entity_x_uppercase.xml", {}, lambda f: f.entries[0].title == "A"),
        (
            "entities/query_variable_entry.xml",
            {},
            lambda f: f.entries[0].url == "http://example/?a=1&b=2&c",
        ),
        (
            "illformed/rss_item_link_corrupted_ampersands.xml",
            {},
            lambda f: f.entries[0].url == "http://link/get?a=1&b=2",
        ),
        ("illformed/aaa_illformed.xml", {}, lambda f: f.bozo),
        ("illformed/rss_incomplete_cdata.xml", {}, lambda f: f.bozo),
        ("illformed/always_strip_doctype.xml", {}, lambda f: f.title == "found"),
        ("illformed/chardet/windows1255.xml", {}, lambda f: f.encoding == "cp1255"),
        ("illformed/http_high_bit_date.xml", {"Content-type": "text/xml"}, lambda f: True),
        ("wellformed/rss/rss_version_091_netscape.xml", {}, lambda f: f.rejected_reason is None),
        ("wellformed/rss/item_description_not_a_doctype2.xml", {}, lambda f: not f.bozo),
        (
            "wellformed/rss/item_pubDate_map_updated_parsed.xml",
            {},
            lambda f: f.entries[0].published_at == datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC),
        ),
        (
            "wellformed/atom/entry_published_parsed.xml",
            {},
            lambda f: f.entries[0].published_at == datetime(2003, 12, 31, 10, 14, 55, tzinfo=UTC),
        ),
        (
            "wellformed/base/http_item_link_base_content_location.xml",
            {"Content-Location": "http://example.com/"},
            lambda f: f.entries[0].url == "http://example.com/relative/uri",
        ),
    ],
)
def test_feedparser_expectations(rel: str, headers: dict[str, str], check) -> None:  # type: ignore[no-untyped-def]
    feed = parse_feed((FP / rel).read_bytes(), headers=headers or None)
    assert check(feed), feed


def test_sanitizer_strips_script() -> None:
    feed = parse_feed((FP / "wellformed/sanitize/entry_content_script.xml").read_bytes())
    text = (feed.entries[0].feed_text or "") + (feed.entries[0].summary or "")
    assert "alert" not in text and "<script" not in text.lower()


# ---------------------------------------------------------------- DTD / entity guard


@pytest.mark.parametrize(
    "rel",
    [
        "defusedxml/xmltestdata/quadratic.xml",
        "defusedxml/xmltestdata/xmlbomb.xml",
        "defusedxml/xmltestdata/xmlbomb2.xml",
        "defusedxml/xmltestdata/cyclic.xml",
        "defusedxml/xmltestdata/external.xml",
        "defusedxml/xmltestdata/external_file.xml",
        "feedparser/extracted/test_encoding.test_doctype_replacement.utf16be.xml",
        "feedparser/tests/wellformed/rss/entity_in_doctype.xml",
    ],
)
def test_entity_declarations_rejected(rel: str) -> None:
    feed = _parse(rel)
    assert feed.rejected_reason == "dtd_or_entity_declaration"
    assert feed.entries == []


def test_doctype_inside_cdata_is_not_a_declaration() -> None:
    # Constructed: escaped/CDATA markup that merely looks like declarations.
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>x</title><link>http://e.org/1</link><description><![CDATA[<!DOCTYPE html>"
        b"<!ENTITY a 'b'><p>hi</p>]]></description></item></channel></rss>"
    )
    feed = parse_feed(body)
    assert feed.rejected_reason is None and len(feed.entries) == 1


def test_plain_public_doctype_removed_not_rejected() -> None:
    feed = _parse("feedparser/tests/wellformed/rss/rss_version_091_netscape.xml")
    assert feed.rejected_reason is None
    assert feed.bozo_reason == "doctype_removed"


@pytest.mark.parametrize(
    "body", [b"", b"   \n", b"\x00\x01\x02garbage", b"<html><body>hi</body></html>"]
)
def test_junk_never_crashes(body: bytes) -> None:
    feed = parse_feed(body)
    assert feed.entries == []
    assert feed.rejected_reason in ("empty", "not_a_feed") or feed.bozo


# ---------------------------------------------------------------- entries


def test_feed_text_from_long_description_and_ids() -> None:
    item = _shafaq()
    desc = item["description"]  # HTML numeric references, as the feed carried it
    body = _rss(item["title"], html.unescape(desc), "utf-8").encode("utf-8")
    feed = parse_feed(body, base_url="https://shafaq.com/ar/rss")
    e = feed.entries[0]
    assert e.feed_text and len(e.feed_text) > 400
    assert e.feed_text.startswith(html.unescape(desc).split("\n")[0].strip()[:20])
    assert "\n" in e.feed_text and "<" not in e.feed_text
    assert e.summary and len(e.summary) <= 401
    assert e.entry_id == "https://shafaq.com/ar/x"  # no guid -> normalised link
    assert e.published_at == datetime(2026, 6, 11, 7, 2, 42, tzinfo=UTC)


def test_content_encoded_preferred_and_br_to_newlines() -> None:
    # Constructed markup around real Shafaq sentences.
    text = html.unescape(_shafaq()["description"]).split("\n")
    para = [t.strip() for t in text if t.strip()][:3]
    content = "<p>" + "</p><p>".join(para) + "</p>" + "a<br/>b"
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>'
        '<item><title>x</title><guid isPermaLink="false">g-1</guid><link>http://e.org/1</link>'
        f"<description>short</description><content:encoded><![CDATA[{content}]]></content:encoded>"
        "</item></channel></rss>"
    ).encode()
    e = parse_feed(body).entries[0]
    assert e.entry_id == "g-1"
    assert e.summary == "short"
    assert e.feed_text is not None and e.feed_text.split("\n")[:3] == para
    assert e.feed_text.endswith("a\nb")


def test_missing_and_duplicate_guids() -> None:
    # Constructed: two items share a GUID (unstable), one has neither GUID nor link.
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><guid>same</guid><link>http://e.org/a?utm_source=x</link></item>"
        b"<item><title>b</title><guid>same</guid><link>http://e.org/b</link></item>"
        b"<item><title>c</title><pubDate>Thu, 01 Jan 2004 19:48:21 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    entries = parse_feed(body).entries
    ids = [e.entry_id for e in entries]
    assert ids[:2] == ["http://e.org/a", "http://e.org/b"]
    assert ids[2].startswith("h:") and len(ids[2]) == 18
    assert parse_feed(body).entries[2].entry_id == ids[2]  # stable


def test_future_dated_item_kept() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>x</title><link>http://e.org/1</link><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate>"
        b"</item></channel></rss>"
    )
    assert parse_feed(body).entries[0].published_at == datetime(2100, 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thu, 11 Jun 2026 07:02:42 +0000", datetime(2026, 6, 11, 7, 2, 42, tzinfo=UTC)),
        ("2014-03-16T13:22:25+05:00", datetime(2014, 3, 16, 8, 22, 25, tzinfo=UTC)),
        # Constructed Arabic date strings in the shapes Arabic sites use:
        ("الخميس، ١١ يونيو ٢٠٢٦ ٠٧:٠٢", datetime(2026, 6, 11, 7, 2, tzinfo=UTC)),
        ("11 حزيران 2026 - 10:02 +03:00", datetime(2026, 6, 11, 7, 2, tzinfo=UTC)),
        ("٢٤ تشرين الثاني ٢٠٢٤", datetime(2024, 11, 24, tzinfo=UTC)),
        ("24 كانون الأول 2024 03:15 م", datetime(2024, 12, 24, 15, 15, tzinfo=UTC)),
        ("الأحد 5 أغسطس 2018 12:30 ص", datetime(2018, 8, 5, 0, 30, tzinfo=UTC)),
        ("01 جويلية 2023", datetime(2023, 7, 1, tzinfo=UTC)),
        ("Thu, ١١ Jun ٢٠٢٦ ٠٧:٠٢:٤٢ GMT", datetime(2026, 6, 11, 7, 2, 42, tzinfo=UTC)),
    ],
)
def test_parse_date(raw: str, expected: datetime) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("   ", None),
        ("غدا", None),  # "tomorrow": relative, no date
        ("32 يونيو 2026", None),  # no 32nd of June
        # an impossible offset is dropped and the wall time read as UTC
        ("Sun, 31 Dec 9999 23:59:59 -9999", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_parse_date_garbage_is_none_or_sane(raw: str, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


def test_arabic_pubdate_in_feed() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>x</title><link>http://e.org/1</link>"
        "<pubDate>الخميس، ١١ يونيو ٢٠٢٦ ٠٧:٠٢</pubDate></item></channel></rss>"
    ).encode()
    e = parse_feed(body).entries[0]
    assert e.raw_published == "الخميس، ١١ يونيو ٢٠٢٦ ٠٧:٠٢"
    assert e.published_at == datetime(2026, 6, 11, 7, 2, tzinfo=UTC)


def test_decode_feed_never_raises_on_random_bytes() -> None:
    import random

    rng = random.Random(7)
    for _ in range(50):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        text, enc = decode_feed(blob)
        assert isinstance(text, str) and enc
        parse_feed(blob)


# ------------------------------------------------ invalid numeric character references


def _bbc_items() -> tuple[str, list[str], str]:
    """(head, items, tail) of the real BBC Urdu RSS (26 items), split as text."""
    src = (REAL / "bbc_urdu_1.xml").read_text("utf-8")
    head = src[: src.index("<item>")]
    tail = src[src.rindex("</item>") + len("</item>") :]
    items = [chunk + "</item>" for chunk in src[len(head) : -len(tail)].split("</item>")[:-1]]
    assert len(items) == 26 and all(i.strip().startswith("<item>") for i in items)
    return head, items, tail


def _with_title(item: str, title: str) -> str:
    start, end = item.index("<title>"), item.index("</title>") + len("</title>")
    return item[:start] + f"<title>{title}</title>" + item[end:]


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("&#xD800;", "surrogate"),
        ("&#x110000;", "beyond U+10FFFF"),
        ("&#0;", "NUL"),
        ("&#55296;", "surrogate"),  # U+D800 in decimal
        ("&#57343;", "surrogate"),  # U+DFFF in decimal
        ("&#99999999999999999999;", "beyond U+10FFFF"),
        ("&#x1;", "control character"),
    ],
)
def test_one_bad_char_ref_quarantines_one_item_not_the_feed(ref: str, problem: str) -> None:
    head, items, tail = _bbc_items()
    good_only = parse_feed((head + "".join(items[:10]) + tail).encode("utf-8"))
    bad_item = _with_title(items[10], f"a{ref}b")
    feed = parse_feed((head + "".join(items[:10]) + bad_item + tail).encode("utf-8"))
    assert feed.rejected_reason is None
    assert [e.entry_id for e in feed.entries] == [e.entry_id for e in good_only.entries]
    assert [e.title for e in feed.entries] == [e.title for e in good_only.entries]
    assert len(feed.entries) == 10
    (bad,) = feed.bad_entries
    assert bad.rule == "invalid_char_ref"
    assert bad.key == bad.url == "http://www.bbc.com/urdu/pakistan-42577314"
    assert bad.title == "a\ufffdb"
    assert (
        bad.detail == f"title: invalid character reference {ref} ({problem}) replaced with U+FFFD"
    )


def test_two_bad_items_each_name_their_own_reference() -> None:
    head, items, tail = _bbc_items()
    doc = (
        head + "".join(items[:5]) + _with_title(items[5], "x&#xD800;y")
        + "".join(items[6:9]) + _with_title(items[9], "&#x110000;") + tail
    )  # fmt: skip
    feed = parse_feed(doc.encode("utf-8"))
    assert len(feed.entries) == 8
    assert [b.detail.split(" (")[0] for b in feed.bad_entries] == [
        "title: invalid character reference &#xD800;",
        "title: invalid character reference &#x110000;",
    ]
    assert not {b.key for b in feed.bad_entries} & {e.entry_id for e in feed.entries}


def test_valid_references_and_escaped_ones_are_untouched() -> None:
    head, items, tail = _bbc_items()
    doc = (
        head
        + _with_title(items[0], "&#x627;&#1604;&#x1F600;")
        + _with_title(items[1], "a&amp;#xD800;b")
        + tail
    )
    feed = parse_feed(doc.encode("utf-8"))
    assert feed.bad_entries == [] and len(feed.entries) == 2
    assert feed.entries[0].title == "ال\U0001f600"
    # an escaped reference is text; html_to_text's unescape maps it to U+FFFD
    assert feed.entries[1].title == "a\ufffdb"


def test_bad_reference_in_channel_title_keeps_every_item() -> None:
    head, items, tail = _bbc_items()
    head = head.replace("<title>", "<title>&#xD800;", 1)
    feed = parse_feed((head + "".join(items[:10]) + tail).encode("utf-8"))
    assert len(feed.entries) == 10 and feed.bad_entries == []
    assert feed.bozo and "&#xD800; (surrogate)" in (feed.bozo_reason or "")
    assert feed.title and feed.title.startswith("\ufffd")


def test_marker_characters_in_the_document_do_not_flag_items() -> None:
    head, items, tail = _bbc_items()
    doc = head + _with_title(items[0], "a\ufdd0b") + tail
    feed = parse_feed(doc.encode("utf-8"))
    assert feed.bad_entries == [] and feed.entries[0].title == "a\ufffdb"
