"""The last parse of each source's feed in a run's staging, reused for the same bytes.

A same-day re-run usually gets back the feed it parsed before (a 304 answered
with the archived body, or the same bytes again), and feedparser costs
~0.1-0.2 s a feed: most of what an unchanged re-run would otherwise spend. The
parse is keyed by everything :func:`akhbar.fetch.feeds.parse_feed` reads: the
body, the headers it consults, the base URL, and the code version (so a new
parser never reuses an old parse).

The file is a pickle written by this pipeline into its own staging directory
(the same trust as the staging Parquet files next to it); a file that does not
load is ignored and the feed parsed again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Mapping
from typing import Any

from akhbar.pipeline.run import Run

log = logging.getLogger(__name__)

#: The response headers parse_feed reads (charset, base URL, language).
PARSE_HEADERS = ("content-type", "content-location", "content-language")


def parse_key(body: bytes, headers: Mapping[str, str] | None, base_url: str | None) -> str:
    """Digest of every input of one ``parse_feed`` call (and of the code)."""
    from akhbar.pipeline.fingerprint import code_version

    used = [(k.lower(), v) for k, v in (headers or {}).items() if k.lower() in PARSE_HEADERS]
    digest = hashlib.sha256()
    digest.update(repr((code_version(), base_url, used)).encode())
    digest.update(body)
    return digest.hexdigest()[:24]


def parse_cached(
    run: Run, source_id: str, body: bytes, headers: Mapping[str, str] | None, base_url: str
) -> Any:
    """``parse_feed(body, headers=headers, base_url=base_url)``, or its kept result."""
    from akhbar.fetch.feeds import parse_feed

    key = parse_key(body, headers, base_url)
    folder = run.staging / "feed_parse" / source_id
    path = folder / f"{key}.pickle"
    if path.is_file():
        try:
            return pickle.loads(path.read_bytes())  # our own staging file
        except Exception as exc:  # a torn or outdated file: parse again
            log.info("feed parse of %s not reusable (%s); parsing again", source_id, exc)
    parsed = parse_feed(body, headers=headers, base_url=base_url)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pickle"):
        old.unlink(missing_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(tmp, path)
    return parsed
