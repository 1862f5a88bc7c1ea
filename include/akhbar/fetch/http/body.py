"""Response bodies: content-type checks and capped, streaming decompression.

Decompression is ours (zlib with ``max_length``), so bombs stop at the byte cap
without inflating more than one extra chunk. Only gzip/deflate are advertised;
brotli/zstd are not installed, an unexpected one gives ``decode_error``.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Literal, Protocol

from akhbar.fetch.http.hop import Refused

if TYPE_CHECKING:
    from urllib3.response import BaseHTTPResponse

Kind = Literal["feed", "page", "robots"]

CHUNK = 65_536
# Content types accepted per kind (matched on the media type, parameters dropped).
PAGE_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPE_MARKERS: tuple[str, ...] = ("xml", "rss", "atom")
# Magic numbers of bodies that must never reach the extractor, whatever the header says.
BINARY_MAGIC: tuple[bytes, ...] = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"RIFF", b"PK\x03\x04", b"\x00\x00\x00",
)  # fmt: skip


def media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    media = parts[0].lower() or None
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("'\"").lower() or None
    return media, charset


def content_type_allowed(kind: Kind, media: str | None) -> bool:
    """Whether a response of this media type may be handed on for ``kind``."""
    if kind == "robots":
        return True
    if media is None:
        return True  # decided by sniffing the body
    if kind == "page":
        return media in PAGE_TYPES
    return media.startswith("text/") or any(m in media for m in FEED_TYPE_MARKERS)


def looks_binary(body: bytes) -> bool:
    return body.startswith(BINARY_MAGIC)


class Decoder:
    """Streaming Content-Encoding decoder with an output cap (gzip/deflate chains)."""

    def __init__(self, encodings: list[str]) -> None:
        self.stages: list[object] = []
        for enc in reversed(encodings):  # last applied encoding is undone first
            if enc in ("gzip", "x-gzip"):
                self.stages.append(zlib.decompressobj(16 + zlib.MAX_WBITS))
            elif enc == "deflate":
                self.stages.append("deflate?")  # zlib or raw; decided on first bytes
            elif enc in ("identity", ""):
                continue
            else:
                raise Refused("decode_error", f"unsupported content-encoding {enc!r}")

    def _stage(self, i: int, data: bytes):  # -> zlib decompressobj
        st = self.stages[i]
        if st == "deflate?":
            if not data:
                return None
            zlib_header = (
                len(data) >= 2 and (data[0] & 0x0F) == 8 and (data[0] << 8 | data[1]) % 31 == 0
            )
            st = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
            self.stages[i] = st
        return st

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``; returns at most ``limit`` bytes (limit reached = too large)."""
        try:
            for i in range(len(self.stages)):
                st = self._stage(i, data)
                if st is None:
                    return b""
                final = i == len(self.stages) - 1
                data = st.decompress(st.unconsumed_tail + data, limit if final else limit * 4)
        except zlib.error as exc:
            raise Refused("decode_error", f"bad compressed data: {exc}") from exc
        return data


class Deadline(Protocol):
    def expired(self) -> bool: ...


class _CappedBody:
    """Bytes read so far, cut at ``cap`` (one byte past it means too large)."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.out = bytearray()
        self.too_large = False

    def room(self) -> int:
        return self.cap + 1 - len(self.out)

    def add(self, data: bytes) -> bool:
        """Append; False (and the body cut to ``cap``) once it is too large."""
        self.out += data
        if len(self.out) > self.cap:
            self.too_large = True
            del self.out[self.cap :]
            return False
        return True


def content_encodings(headers: dict[str, str]) -> list[str]:
    return [e.strip().lower() for e in headers.get("content-encoding", "").split(",") if e.strip()]


def read_body(
    resp: BaseHTTPResponse, decoder: Decoder | None, cap: int, deadline: Deadline
) -> tuple[bytes, bool]:
    """(body, too_large): read and decode until the end, the cap or the deadline."""
    body = _CappedBody(cap)
    while not deadline.expired():
        chunk = resp.read(CHUNK, decode_content=False)
        if not chunk:
            if decoder is not None:
                _drain(decoder, body)
            break
        if not body.add(decoder.feed(chunk, body.room()) if decoder else chunk):
            break
    return bytes(body.out), body.too_large


def _drain(decoder: Decoder, body: _CappedBody) -> None:
    """Tails left by the output cap of chained stages."""
    for _ in range(64):
        tail = decoder.feed(b"", body.room())
        if not tail or not body.add(tail):
            return
