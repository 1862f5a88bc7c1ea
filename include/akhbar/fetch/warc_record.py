"""An archived HTTP response, how its URL is keyed, and the dates/ETags a replay serves.

Shared by the WARC writer (:mod:`akhbar.fetch.archive`) and reader
(:mod:`akhbar.fetch.archive_read`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import quote, urlsplit, urlunsplit

WARC_SUFFIXES = (".warc.gz", ".warc")
INDEX_SUFFIX = ".idx.jsonl"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Hop-by-hop / encoding headers that must not survive into the archive, because
#: the stored body is already decoded.
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class ArchivedResponse:
    """One archived HTTP response (body decoded)."""

    url: str
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    fetched_at: datetime = EPOCH

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), or ``None``."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


# --------------------------------------------------------------------------- URLs


def canonical_url(url: str) -> str:
    """Lookup key for a URL: lower-case scheme/host, default port and fragment
    dropped, non-ASCII percent-encoded as UTF-8, ``%xx`` escapes upper-cased.

    Feeds carry IRIs with raw Arabic (``…/news/36-عامًا``) or lower-case escapes
    (``%d8%aa``) while HTTP clients send the upper-case percent-encoded form; all
    of them must find the same record.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        userinfo = parts.username or ""
        if parts.password:
            userinfo += ":" + parts.password
        host = f"{userinfo}@{host}"
    path = _requote(parts.path) or "/"
    query = _requote(parts.query)
    return urlunsplit((scheme, host, path, query, ""))


_SAFE = "/:@!$&'()*+,;=-._~?"


#: A percent sign with the two hex digits that make it an escape, if it has them.
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})?")


def _percent(match: re.Match[str]) -> str:
    digits = match.group(1)
    return "%" + digits.upper() if digits else "%25"


def _requote(text: str) -> str:
    # quote() leaves existing %XX alone only if '%' is safe; normalise their case
    # after, and escape a '%' that starts no escape.
    quoted = quote(text, safe=_SAFE + "%", encoding="utf-8", errors="surrogateescape")
    return _PERCENT.sub(_percent, quoted) if "%" in quoted else quoted


def uri_for_warc(url: str) -> str:
    """ASCII form of ``url`` for ``WARC-Target-URI`` (IRI → URI, no fragment)."""
    return canonical_url(url)


def as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def http_date(dt: datetime) -> str:
    """RFC 7231 date (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return format_datetime(as_utc(dt), usegmt=True)


def body_etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest() + '"'


def clean_headers(headers: Iterable[tuple[str, str]], body_len: int) -> list[tuple[str, str]]:
    """Drop encoding/length headers and append the true ``Content-Length``."""
    out = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
    out.append(("Content-Length", str(body_len)))
    return out
