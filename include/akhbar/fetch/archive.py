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

import io
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from akhbar.fetch.archive_read import ArchiveIndex, TruncatedRecord, iter_responses, warc_files
from akhbar.fetch.warc_record import (
    INDEX_SUFFIX,
    WARC_SUFFIXES,
    ArchivedResponse,
    as_utc,
    body_etag,
    canonical_url,
    clean_headers,
    http_date,
    uri_for_warc,
)

__all__ = [
    "INDEX_SUFFIX",
    "WARC_SUFFIXES",
    "ArchiveIndex",
    "ArchivedResponse",
    "TruncatedRecord",
    "WarcArchive",
    "body_etag",
    "canonical_url",
    "clean_headers",
    "http_date",
    "iter_responses",
    "record_id",
    "uri_for_warc",
    "warc_files",
]

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- writing


def _warc_date(dt: datetime) -> str:
    dt = as_utc(dt)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{dt.microsecond:06d}Z" if dt.microsecond else "Z")


def record_id(*parts: str) -> str:
    """Deterministic ``WARC-Record-ID`` (uuid5 over the given parts)."""
    name = "\x1f".join(parts)
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}>"


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
        created = as_utc(created_at or datetime.now(UTC))
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
        fetched = as_utc(fetched_at or datetime.now(UTC))
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

    def __exit__(self, *exc_info: object) -> None:
        # Keep what was written even on error: the records are complete ones.
        self.close()
