"""Raw HTTP archive in WARC/1.1 (one gzip member per record).

Every response the pipeline fetches is written here, and the bundled offline
snapshot uses the same format: the replay server (:mod:`akhbar.fetch.replay`) serves
whatever :func:`iter_responses` reads, so "archive" and "replay" are one
mechanism.

Bodies are stored *decoded* (identity): ``Content-Encoding`` and
``Transfer-Encoding`` are dropped and ``Content-Length`` is fixed, so a replay
can serve them plainly and readers never have to undo a compression twice.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO
from urllib.parse import quote, urlsplit, urlunsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc.gz", ".warc")
INDEX_SUFFIX = ".idx.jsonl"
#: Hop-by-hop / encoding headers that must not survive into the archive, because
#: the stored body is already decoded.
_DROP_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ArchivedResponse:
    """One archived HTTP response (body decoded)."""

    url: str
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    fetched_at: datetime = _EPOCH

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


def _requote(text: str) -> str:
    # quote() leaves existing %XX alone only if '%' is safe; normalise their case after.
    quoted = quote(text, safe=_SAFE + "%", encoding="utf-8", errors="surrogateescape")
    out: list[str] = []
    i = 0
    while i < len(quoted):
        ch = quoted[i]
        if ch == "%" and _is_hex(quoted[i + 1 : i + 3]):
            out.append("%" + quoted[i + 1 : i + 3].upper())
            i += 3
        elif ch == "%":
            out.append("%25")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _is_hex(s: str) -> bool:
    return len(s) == 2 and all(c in "0123456789abcdefABCDEF" for c in s)


def uri_for_warc(url: str) -> str:
    """ASCII form of ``url`` for ``WARC-Target-URI`` (IRI → URI, no fragment)."""
    return canonical_url(url)


# --------------------------------------------------------------------------- writing


def _warc_date(dt: datetime) -> str:
    dt = _as_utc(dt)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{dt.microsecond:06d}Z" if dt.microsecond else "Z")


def _as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def record_id(*parts: str) -> str:
    """Deterministic ``WARC-Record-ID`` (uuid5 over the given parts)."""
    name = "\x1f".join(parts)
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}>"


def clean_headers(headers: Iterable[tuple[str, str]], body_len: int) -> list[tuple[str, str]]:
    """Drop encoding/length headers and append the true ``Content-Length``."""
    out = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
    out.append(("Content-Length", str(body_len)))
    return out


class WarcArchive:
    """Append-only WARC writer; the file appears under ``path`` only on :meth:`close`.

    Records are written to ``<path>.tmp``; ``close()`` writes the sidecar index
    ``<path>.idx.jsonl`` and then renames the WARC into place, so a crash never
    leaves a half-written file under the final name. Safe to share between threads.
    """

    def __init__(
        self,
        path: Path,
        *,
        info: dict[str, str] | None = None,
        created_at: datetime | None = None,
        deterministic: bool = False,
    ) -> None:
        self.path = Path(path)
        self.tmp_path = self.path.with_name(self.path.name + ".tmp")
        self.index_path = self.path.with_name(self.path.name + INDEX_SUFFIX)
        self._gzip = self.path.name.endswith(".gz")
        self._lock = threading.Lock()
        self._closed = False
        self._entries: list[dict[str, Any]] = []
        self._deterministic = deterministic
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: BinaryIO = open(self.tmp_path, "wb")  # noqa: SIM115 - closed in close()
        self._writer = WARCWriter(self._fh, gzip=self._gzip, warc_version="1.1")
        created = _as_utc(created_at or datetime.now(UTC))
        fields = {"software": "akhbar (warcio)", "format": "WARC File Format 1.1"}
        if not deterministic:
            fields["hostname"] = self._writer.hostname
        fields.update(info or {})
        payload = "".join(f"{k}: {v}\r\n" for k, v in fields.items() if v).encode("utf-8")
        rec = self._writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(payload),
            length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": record_id("warcinfo", self.path.name)
                if deterministic
                else f"<urn:uuid:{uuid.uuid4()}>",
                "WARC-Date": _warc_date(created),
                "WARC-Filename": self.path.name,
            },
        )
        self._writer.write_record(rec)

    def write_response(
        self,
        url: str,
        status: int,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        *,
        fetched_at: datetime | None = None,
        reason: str = "",
    ) -> None:
        """Archive one response. ``body`` must already be decoded (as httpx's
        ``response.content`` is); encoding headers are dropped accordingly."""
        fetched = _as_utc(fetched_at or datetime.now(UTC))
        target = uri_for_warc(url)
        if not reason:
            try:
                reason = HTTPStatus(status).phrase
            except ValueError:
                reason = "Unknown"
        http_headers = StatusAndHeaders(
            f"{int(status)} {reason}",
            clean_headers(((str(k), str(v)) for k, v in headers), len(body)),
            protocol="HTTP/1.1",
        )
        date = _warc_date(fetched)
        rid = (
            record_id("response", target, date)
            if self._deterministic
            else f"<urn:uuid:{uuid.uuid4()}>"
        )
        rec = self._writer.create_warc_record(
            target,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Record-ID": rid, "WARC-Date": date},
        )
        with self._lock:
            if self._closed:
                raise ValueError(f"archive {self.path} is closed")
            offset = self._fh.tell()
            self._writer.write_record(rec)
            length = self._fh.tell() - offset
            self._entries.append(
                {
                    "url": target,
                    "offset": offset,
                    "length": length,
                    "status": int(status),
                    "fetched_at": date,
                }
            )

    @property
    def records_written(self) -> int:
        return len(self._entries)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            idx_tmp = self.index_path.with_name(self.index_path.name + ".tmp")
            with open(idx_tmp, "w", encoding="utf-8", newline="\n") as fh:
                for entry in self._entries:
                    fh.write(json.dumps(entry, ensure_ascii=True, sort_keys=True) + "\n")
            os.replace(idx_tmp, self.index_path)
            os.replace(self.tmp_path, self.path)

    def abort(self) -> None:
        """Discard the partial file (nothing appears under the final name)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._fh.close()
            self.tmp_path.unlink(missing_ok=True)

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Keep what was written even on error: the records are complete ones.
        self.close()


# --------------------------------------------------------------------------- reading


def warc_files(paths: Path | str | Iterable[Path | str]) -> list[Path]:
    """Expand files and directories (recursively, sorted) into WARC paths."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            out.extend(
                sorted(f for f in p.rglob("*") if f.is_file() and f.name.endswith(WARC_SUFFIXES))
            )
        else:
            out.append(p)
    return out


def _parse_warc_date(value: str | None) -> datetime:
    if not value:
        return _EPOCH
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    try:
        return _as_utc(datetime.fromisoformat(v))
    except ValueError:
        return _EPOCH


class TruncatedRecord(Exception):
    """A record ends before its declared ``Content-Length`` (clipped or cut file)."""


def _to_response(record: Any) -> ArchivedResponse | None:
    """Convert a warcio record to :class:`ArchivedResponse` (``None`` = not a response).

    Raises :class:`TruncatedRecord` for a record whose block is shorter than
    declared: a partial page must not be replayed as if it were complete.
    """
    if not record.rec_type:
        raise TruncatedRecord("record without WARC headers (file cut inside a header?)")
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    fetched = _parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    if record.rec_type == "response" and record.http_headers is not None:
        try:
            status = int(record.http_headers.get_statuscode())
        except (TypeError, ValueError):
            return None
        if not 100 <= status <= 599:
            return None
        raw_headers = list(record.http_headers.headers)
    elif record.rec_type == "resource":
        status = 200
        ctype = record.rec_headers.get_header("Content-Type")
        raw_headers = [("Content-Type", ctype)] if ctype else []
    else:
        return None
    body = record.content_stream().read()
    missing = getattr(record.raw_stream, "limit", 0)
    if isinstance(missing, int) and missing > 0:
        raise TruncatedRecord(f"record for {url} is {missing} bytes short of its Content-Length")
    return ArchivedResponse(
        url=url,
        status=status,
        headers=clean_headers(raw_headers, len(body)),
        body=body,
        fetched_at=fetched,
    )


def _iter_file(path: Path) -> Iterator[tuple[int, int, ArchivedResponse]]:
    """Yield ``(offset, length, response)``; logs and stops at the first damage."""
    try:
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh, arc2warc=True)
            for record in it:
                try:
                    resp = _to_response(record)
                except Exception as exc:  # damaged body (bad gzip, short read, …)
                    log.warning(
                        "warc %s: unreadable record (%s: %s)", path, type(exc).__name__, exc
                    )
                    return
                if resp is None:
                    continue
                offset = it.get_record_offset()
                length = it.get_record_length() or 0
                yield offset, length, resp
    except Exception as exc:
        log.warning(
            "warc %s: skipping rest of file (%s: %s)", path, type(exc).__name__, str(exc)[:200]
        )


def iter_responses(paths: Path | str | Iterable[Path | str]) -> Iterator[ArchivedResponse]:
    """All response records of the given WARC files / directories, in file order.

    Broken or truncated files are tolerated: a warning names the file and the
    reason, the rest of that file is skipped, and reading continues with the next.
    """
    for path in warc_files(paths):
        for _, _, resp in _iter_file(path):
            yield resp


def _read_at(path: Path, offset: int) -> ArchivedResponse | None:
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh, arc2warc=True):
            return _to_response(record)
    return None


@dataclass
class _Loc:
    path: Path
    offset: int
    fetched_at: datetime
    order: int


class ArchiveIndex:
    """Latest archived response per URL across every WARC under ``root``.

    Uses each file's sidecar ``.idx.jsonl`` when it is present and consistent
    with the file size, else scans the file.
    """

    def __init__(self, root: Path | str | Iterable[Path | str]) -> None:
        self._locs: dict[str, _Loc] = {}
        self._ok_locs: dict[str, _Loc] = {}  # latest 200 response per URL
        self._urls: dict[str, str] = {}
        order = 0
        for path in warc_files(root):
            for url, offset, fetched, status in self._entries(path):
                key = canonical_url(url)
                order += 1
                loc = _Loc(path, offset, fetched, order)
                old = self._locs.get(key)
                if old is None or (fetched, order) >= (old.fetched_at, old.order):
                    self._locs[key] = loc
                    self._urls[key] = url
                old_ok = self._ok_locs.get(key)
                if status == 200 and (
                    old_ok is None or (fetched, order) >= (old_ok.fetched_at, old_ok.order)
                ):
                    self._ok_locs[key] = loc

    @staticmethod
    def _entries(path: Path) -> Iterator[tuple[str, int, datetime, int | None]]:
        idx = path.with_name(path.name + INDEX_SUFFIX)
        if idx.is_file():
            try:
                rows = [json.loads(line) for line in idx.read_text("utf-8").splitlines() if line]
                end = max((r["offset"] + r["length"] for r in rows), default=0)
                if not rows or end == path.stat().st_size:
                    for r in rows:
                        yield (
                            r["url"],
                            int(r["offset"]),
                            _parse_warc_date(r["fetched_at"]),
                            r.get("status"),
                        )
                    return
                log.info("warc index %s does not match its file; rescanning", idx)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("warc index %s unreadable (%s); rescanning", idx, exc)
        for offset, _, resp in _iter_file(path):
            yield resp.url, offset, resp.fetched_at, resp.status

    def get(self, url: str, *, ok_only: bool = False) -> ArchivedResponse | None:
        """Latest response for ``url``; with ``ok_only`` the latest 200 response."""
        locs = self._ok_locs if ok_only else self._locs
        loc = locs.get(canonical_url(url))
        if loc is None:
            return None
        try:
            return _read_at(loc.path, loc.offset)
        except Exception as exc:
            log.warning("warc %s @%d unreadable (%s)", loc.path, loc.offset, exc)
            return None

    def urls(self) -> set[str]:
        """URLs as stored in ``WARC-Target-URI``."""
        return set(self._urls.values())

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and canonical_url(url) in self._locs

    def __len__(self) -> int:
        return len(self._locs)


def http_date(dt: datetime) -> str:
    """RFC 7231 date (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return format_datetime(_as_utc(dt), usegmt=True)


def body_etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest() + '"'
