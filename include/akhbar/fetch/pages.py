"""Article body and metadata from an HTML page (trafilatura), or from the feed.

trafilatura does the hard part (boilerplate removal, metadata); this module
decides which text to trust and normalises what it returns: dates become
timezone-aware UTC, the body is cleaned once with
:func:`akhbar.arabic.normalize.clean_text` so every later offset refers to the
stored text.

The page is parsed once. The body comes from one trafilatura pass without its
metadata step; the metadata the pipeline stores (title, canonical URL, author,
image, publication date) is read from the same tree with trafilatura's own
rules, skipping what trafilatura also computes but the pipeline never
uses (site name, categories, tags, licence). The publication date (htmldate,
the most expensive part) is only looked for when :attr:`PageContent.published_at` is
read: the pipeline reads it only when the feed entry has no date.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime
from functools import cache
from typing import Any

from akhbar.arabic.normalize import clean_text

log = logging.getLogger(__name__)

MIN_PAGE_BODY_CHARS = 200
# The trafilatura options of the body pass (benchmarks use the same ones for
# their trafilatura baseline).
TRAFILATURA_OPTIONS: dict[str, Any] = {"include_comments": False, "include_tables": False}
# Ask htmldate for the original publication date, with time and offset when the
# page has them. The extensive search (scanning the whole page for date-like
# text) triples extraction time, so it only runs when nothing else dates the
# article: the feed entry's own date is used first.
_DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
_FAST_DATE_PARAMS = {**_DATE_PARAMS, "extensive_search": False}
# trafilatura's Document.clean_and_trim limit for metadata strings.
_META_MAX_CHARS = 10_000

_NOT_LOOKED_UP: Any = object()


class PageContent:
    """What one page gives the pipeline; ``published_at`` is found on first read."""

    __slots__ = (
        "_date_finder",
        "_published_at",
        "author",
        "canonical_url",
        "html_lang",
        "image_url",
        "text",
        "title",
    )

    def __init__(
        self,
        title: str | None,
        author: str | None,
        published_at: datetime | None,
        canonical_url: str | None,
        image_url: str | None,
        html_lang: str | None,
        text: str,
        *,
        date_finder: Callable[[], datetime | None] | None = None,
    ) -> None:
        self.title = title
        self.author = author
        self.canonical_url = canonical_url
        self.image_url = image_url
        self.html_lang = html_lang
        self.text = text
        self._published_at = _NOT_LOOKED_UP if date_finder is not None else published_at
        self._date_finder = date_finder

    @property
    def published_at(self) -> datetime | None:
        if self._published_at is _NOT_LOOKED_UP:
            finder, self._date_finder = self._date_finder, None  # drop the page tree
            self._published_at = finder() if finder is not None else None
        return self._published_at

    @property
    def usable(self) -> bool:
        return len(self.text) >= MIN_PAGE_BODY_CHARS

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("title", "author", "canonical_url", "image_url", "html_lang")
        )
        return f"PageContent({fields}, text={len(self.text)} chars)"


def parse_datetime(value: str | None) -> datetime | None:
    """ISO-ish string to an aware UTC datetime (naive values are taken as UTC)."""
    if not value:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _html_lang(html: bytes) -> str | None:
    head = html[:4096].lower()
    marker = head.find(b"<html")
    if marker < 0:
        return None
    tag = head[marker : head.find(b">", marker) + 1]
    pos = tag.find(b"lang=")
    if pos < 0:
        return None
    value = tag[pos + 5 :].strip(b"\"' ").split(b'"')[0].split(b"'")[0].split(b" ")[0]
    return value.decode("ascii", "ignore")[:2] or None


# --------------------------------------------------------------------------- author
# trafilatura finds an in-page byline (when the meta tags name no author) with
# four XPaths over a copy of the page: most of its metadata time, as libxml2
# walks the whole page once per XPath and calls back into Python for every
# ``re:test``. The same predicates, tested in one walk in Python, give the same
# elements in the same order. They mirror trafilatura 2.3.1's AUTHOR_XPATHS and
# AUTHOR_DISCARD_XPATHS; if those change, trafilatura's own function runs.
_AUTHOR_XPATHS_SHA = "bd5f280624916a83"
_A0_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_A1_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_D0_TAGS = frozenset({"a", "div", "section", "span"})
_AUTHOR_ATTRS = frozenset({"class", "id", "itemprop", "data-component", "rel", "data-testid"})
_A0_CLASS = re.compile("author-?name|AuthorName|authorName")
_A1_ID = re.compile("author|zuozhe|bianji|xiaobian")
_A1_CLASS = re.compile(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_A2_ID = re.compile("[Aa]uthor")
_A2_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")
_D0_ID = re.compile("^comments|comment-?list|ProductReviews")
_D0_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    "|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)


@cache
def _author_mirror_valid() -> bool:
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

    paths = "\n".join(x.path for x in (*AUTHOR_XPATHS, *AUTHOR_DISCARD_XPATHS))
    return hashlib.sha256(paths.encode()).hexdigest()[:16] == _AUTHOR_XPATHS_SHA


def _rel_me(elem: Any) -> bool:
    """XPath ``rel='me'``: a child element ``rel`` whose text is ``me``."""
    return any(child.tag == "rel" and "".join(child.itertext()) == "me" for child in elem)


def _author_hits(tag: str, attrs: dict[str, str]) -> tuple[bool, bool, bool, bool]:
    """Whether an element with these attributes matches author XPaths 0-2 and discard XPath 0
    (without AUTHOR_XPATHS[0]'s ``rel='me'`` child test)."""
    cls, ident = attrs.get("class", ""), attrs.get("id", "")
    itemprop, component = attrs.get("itemprop", ""), attrs.get("data-component", "")
    a0 = tag == "author" or (
        tag in _A0_TAGS
        and (
            attrs.get("rel") == "author"
            or ident == "author"
            or cls == "author"
            or itemprop == "author name"
            or attrs.get("data-testid") in ("AuthorCard", "AuthorURL")
            or (cls != "" and _A0_CLASS.search(cls) is not None)
        )
    )
    a1 = tag in _A1_TAGS and (
        cls in ("byline", "username", "byl", "BBL")
        or "author" in itemprop
        or (ident != "" and _A1_ID.search(ident) is not None)
        or (cls != "" and _A1_CLASS.search(cls) is not None)
    )
    a2 = (
        "Byline" in component
        or "author" in itemprop
        or (ident != "" and _A2_ID.search(ident) is not None)
        or (cls != "" and _A2_CLASS.search(cls) is not None)
    )
    d0 = tag in _D0_TAGS and (
        ident == "comments"
        or cls in ("comments", "title", "date")
        or "Figure" in component
        or (ident != "" and _D0_ID.search(ident) is not None)
        or (cls != "" and _D0_CLASS.search(cls) is not None)
    )
    return a0, a1, a2, d0


def _author_walk(tree: Any) -> tuple[list[list[Any]], list[list[Any]]]:
    """Matches of the three author XPaths and the two discard XPaths, in document order."""
    from lxml.etree import Element

    with_rel = next(tree.iter("rel"), None) is not None
    found: tuple[list[Any], ...] = ([], [], [], [], [])
    for elem in tree.iter(Element):
        tag = elem.tag
        if _AUTHOR_ATTRS.isdisjoint(elem.keys()):
            hits = (tag == "author", False, False, False)
        else:
            hits = _author_hits(tag, dict(elem.items()))
        if not hits[0] and with_rel and tag in _A0_TAGS and _rel_me(elem):
            hits = (True, *hits[1:])
        for i in (0, 1, 2):
            if hits[i]:
                found[i].append(elem)
        if elem is not tree:  # the page root is never deleted
            if hits[3]:
                found[3].append(elem)
            if tag in ("time", "figure"):
                found[4].append(elem)
    return list(found[:3]), list(found[3:])


def _extract_author(tree: Any) -> str | None:
    """trafilatura's ``extract_author``: the first in-page byline outside comments,
    sidebars, dates and figures, 3 to 119 characters long.

    trafilatura deletes those regions from a copy of the page and runs its XPaths
    on what is left. Deleting only removes elements and every XPath tests
    attributes, so the same answer comes from skipping matches inside a deleted
    region and deleting regions only inside a copy of a match that holds some.
    """
    from trafilatura.json_metadata import normalize_authors
    from trafilatura.metadata import extract_author
    from trafilatura.utils import trim

    if not _author_mirror_valid():
        return extract_author(tree)
    candidates, discard = _author_walk(tree)
    gone = {elem for found in discard for elem in found}
    for results in candidates:
        for elem in results:
            if elem in gone or any(up in gone for up in elem.iterancestors()):
                continue
            content = trim(" ".join(_without(elem, discard, gone).itertext()))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _without(elem: Any, discard: list[list[Any]], gone: set[Any]) -> Any:
    """``elem``, or a copy of it with its discard regions deleted as trafilatura does
    (each XPath's matches in turn, in document order, keeping tail text)."""
    if not any(inner in gone for inner in elem.iterdescendants()):
        return elem
    from trafilatura.xml import delete_element

    copied = deepcopy(elem)
    twin = dict(zip(elem.iter(), copied.iter(), strict=True))
    for found in discard:
        for inner in found:
            if inner in twin and inner is not elem:
                delete_element(twin[inner])
    return copied


# --------------------------------------------------------------------------- metadata


def _clean_meta(value: str | None) -> str | None:
    """trafilatura's ``Document.clean_and_trim`` for one metadata string."""
    from html import unescape

    from trafilatura.utils import line_processing

    if not isinstance(value, str):
        return None
    if len(value) > _META_MAX_CHARS:
        value = value[: _META_MAX_CHARS - 1] + "…"
    return line_processing(unescape(value)) or None


def _page_metadata(tree: Any, url: str | None) -> Any:
    """The stored fields of trafilatura's ``extract_metadata``, by the same rules
    (meta tags, then JSON-LD, then the page body), from the parsed tree."""
    from trafilatura.metadata import (
        examine_meta,
        extract_meta_json,
        extract_title,
        extract_url,
    )

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception as exc:  # trafilatura's own guard: bugs in its JSON-LD reader
        log.debug("JSON-LD metadata failed on %s: %s", url, exc)
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.author:
        meta.author = _extract_author(tree)
    if not meta.url:
        meta.url = extract_url(tree, url)
    return meta


def _date_finder(tree: Any, url: str | None, extensive: bool) -> Callable[[], datetime | None]:
    """htmldate on the page, run when called (trafilatura's date step, same parameters)."""

    def find() -> datetime | None:
        from htmldate import find_date

        params = _DATE_PARAMS if extensive else _FAST_DATE_PARAMS
        try:
            found = find_date(tree, url=url, **params)
        except Exception as exc:  # htmldate/lxml on hostile markup
            log.warning("htmldate failed on %s: %s", url, exc)
            return None
        return parse_datetime(_clean_meta(found))

    return find


# --------------------------------------------------------------------------- page


def extract_page(
    html: bytes | str, *, url: str | None = None, extensive_dates: bool = True
) -> PageContent:
    """Run trafilatura on one page. Never raises on bad HTML: returns empty text.

    ``extensive_dates=False`` keeps to the page's date metadata (fast); pass it
    when the publication date is known from elsewhere (the feed). Either way the
    date is only looked for if ``published_at`` is read.
    """
    from trafilatura import bare_extraction
    from trafilatura.settings import DEFAULT_CONFIG
    from trafilatura.utils import load_html

    raw = html.encode("utf-8") if isinstance(html, str) else html
    lang = _html_lang(raw)
    try:
        tree = load_html(raw, DEFAULT_CONFIG.getint("DEFAULT", "MAX_FILE_SIZE"))
        doc = None
        if tree is not None:
            # bare_extraction works on its own copy of the tree: ``tree`` stays whole.
            doc = bare_extraction(tree, url=url, with_metadata=False, **TRAFILATURA_OPTIONS)
        meta = _page_metadata(tree, url) if doc is not None else None
    except Exception as exc:  # trafilatura/lxml raise assorted errors on hostile markup
        log.warning("trafilatura failed on %s: %s", url, exc)
        doc = meta = None
    if doc is None or meta is None:
        return PageContent(None, None, None, None, None, lang, "")
    return PageContent(
        title=_clean_meta(meta.title),
        author=_clean_meta(meta.author),
        published_at=None,
        canonical_url=_clean_meta(meta.url),
        image_url=_clean_meta(meta.image),
        html_lang=lang,
        text=clean_text(doc.text or ""),
        date_finder=_date_finder(tree, meta.url, extensive_dates),
    )


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
