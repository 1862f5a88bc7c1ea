"""Fingerprints that let a same-day re-run skip work whose inputs did not change.

A source's fingerprint covers what its output depends on: its catalogue row,
the entries its poll produced (the feed's items plus re-queued rows), and the
version of the code, SQL, models and seeds. When a re-run of the date finds the
fingerprint its last finished chain recorded, and that chain had no transient
failure (a page that may answer differently now), the source's gated files
are kept as they are. A run's fingerprint (all its sources' fingerprints) is
committed with the facts; a load that finds it unchanged does nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from akhbar.config import REPO_ROOT
from akhbar.pipeline.records import FEED_ENTRY

#: The columns of an entries file (all a chain's fingerprint reads of an entry).
ENTRY_FIELDS = frozenset(FEED_ENTRY.names)

#: What the code version covers: the package, its SQL, models and seeds.
CODE_GLOBS = (
    "include/akhbar/**/*.py",
    "include/akhbar/**/*.crfsuite",
    "include/akhbar/**/*.json",
    "sql/**/*.sql",
    "seeds/*.csv",
    "seeds/*.tsv",
)


@functools.cache
def code_version() -> str:
    """Digest of every file the pipeline's output depends on (computed once per process)."""
    digest = hashlib.sha256()
    for pattern in CODE_GLOBS:
        for path in sorted(REPO_ROOT.glob(pattern)):
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def source_fingerprint(source: dict[str, Any], entries_file: Path) -> str:
    """The fingerprint of a source's chain from its staged ``entries`` file."""
    from akhbar.pipeline.files import read_rows

    return entries_fingerprint(source, read_rows(entries_file))


def entries_fingerprint(source: dict[str, Any], entries: list[dict[str, Any]]) -> str:
    """The fingerprint of a source's chain from its entries (staged or in memory:
    both give the same digest, datetimes compared as UTC instants)."""
    rows = [
        {k: _plain(v) for k, v in r.items() if k in ENTRY_FIELDS and k != "run_date"}
        for r in entries
    ]
    rows.sort(key=lambda r: (str(r.get("article_id")), str(r.get("entry_id"))))
    return _digest({"source": source, "entries": rows, "code": code_version()})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    return value


def run_fingerprint(markers: dict[str, dict[str, Any] | None]) -> str:
    """One digest of every source's outcome in a run (None: the source did not finish)."""
    return _digest({sid: (m or {}).get("fingerprint") for sid, m in sorted(markers.items())})
