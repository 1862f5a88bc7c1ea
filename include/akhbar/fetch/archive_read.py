"""Reading WARC archives: every response in order (:func:`iter_responses`), or the
latest response per URL through a sidecar index (:class:`ArchiveIndex`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from akhbar.fetch.warc_record import (
    EPOCH,
    INDEX_SUFFIX,
    WARC_SUFFIXES,
    ArchivedResponse,
    as_utc,
    canonical_url,
    clean_headers,
)

log = logging.getLogger("akhbar.fetch.archive")


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
        return EPOCH
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    try:
        return as_utc(datetime.fromisoformat(v))
    except ValueError:
        return EPOCH


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
