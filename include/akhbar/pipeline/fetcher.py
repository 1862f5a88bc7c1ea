"""The HTTP client a source's steps use, live or replaying the date's raw archive."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from akhbar.config import Settings
from akhbar.pipeline.run import Run
from akhbar.pipeline.sources import Source


@contextlib.contextmanager
def source_fetcher(run: Run, source: Source) -> Iterator[Any]:
    """The hardened HTTP client for one source. In archive mode it talks to a
    loopback replay of this source's raw archive for the date, so the same code
    path runs without the network."""
    from akhbar.fetch.http import Fetcher

    settings = run.settings
    with contextlib.ExitStack() as stack:
        if settings.from_archive:
            settings = stack.enter_context(_archive_replay(run, source.source_id))
        yield stack.enter_context(
            Fetcher(
                settings,
                min_delay_s=0.0 if settings.from_archive else source.min_delay_s,
                max_concurrency=max(1, source.max_concurrency),
                respect_robots=source.respect_robots,
            )
        )


@contextlib.contextmanager
def _archive_replay(run: Run, source_id: str) -> Iterator[Settings]:
    from akhbar.fetch.replay import ReplayServer

    files = sorted(run.archive.glob(f"*-{source_id}.warc.gz"))
    if not files:
        raise FileNotFoundError(
            f"archive mode: no raw archive for {source_id} on {run.date_str} under {run.archive}"
        )
    with tempfile.TemporaryDirectory(prefix="akhbar-archive-") as tmp:
        # Serve a frozen copy: this run rewrites the date's WARC files as it goes.
        for path in files:
            shutil.copyfile(path, Path(tmp) / path.name)
        with ReplayServer(Path(tmp)) as server:
            yield replace(
                run.settings,
                replay_url=server.base_url,
                allow_hosts=(*run.settings.allow_hosts, f"127.0.0.1:{server.port}"),
                min_delay_s=0.0,
            )


def run_archive(run: Run, name: str) -> Any:
    """This run's raw WARC archive file ``name`` (one per source and step)."""
    from akhbar.fetch.archive import WarcArchive

    return WarcArchive(run.archive / f"{name}.warc.gz")


def archive_result(archive: Any, result: Any, body: bytes | None = None) -> None:
    if result.status is None:
        return
    archive.write_response(
        result.final_url or result.url,
        result.status,
        list(result.headers.items()),
        body if body is not None else result.body,
    )
