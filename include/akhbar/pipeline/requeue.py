"""Re-queued quarantine rows re-enter the pipeline.

``akhbar quarantine --requeue`` writes the payloads of quarantined rows to
``<data_dir>/requeue/<stage>/*.parquet``. The files present when a run starts
are listed in its staging folder, merged by the poll and fetch stages of their
source, and moved to ``requeue/done/<run_date>/`` once the load committed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from akhbar.config import Settings
from akhbar.pipeline.files import read_json, read_rows
from akhbar.pipeline.run import Run

log = logging.getLogger(__name__)

# Quarantine stage -> the stage whose input the rows re-enter.
REQUEUE_TARGET = {
    "entries": "entries",
    "extract": "entries",
    "articles": "entries",
    "pages": "pages",
}


def requeue_files(settings: Settings) -> list[str]:
    inbox = settings.data_dir / "requeue"
    return (
        sorted(str(p) for stage in REQUEUE_TARGET for p in (inbox / stage).glob("*.parquet"))
        if inbox.exists()
        else []
    )


def inbox_rows(run: Run, target: str, source_id: str) -> list[dict[str, Any]]:
    """Re-queued rows for ``target`` (entries or pages) of one source.

    Only files listed when the run started are read, so every task of a run sees
    the same set; the load moves them to ``requeue/done/`` once they landed.
    """
    listing = run.requeue_json
    files = read_json(listing) if listing.exists() else []
    day = run.day
    rows: list[dict[str, Any]] = []
    for name in files:
        stage = Path(name).parent.name
        if REQUEUE_TARGET.get(stage) != target or not Path(name).exists():
            continue
        for row in read_rows(name):
            if row.get("source_id") != source_id:
                continue
            if stage == "articles":  # re-extract: back in as the entry it came from
                row = {
                    "source_id": source_id,
                    "article_id": row["article_id"],
                    "entry_id": row["article_id"],
                    "url": row["url"],
                    "title": row["title"],
                    "published_at": row["published_at"],
                    "image_url": row.get("image_url"),
                    "feed_text": row["body_text"] if row.get("body_source") == "feed" else None,
                }
            rows.append({**row, "run_date": day})
    if rows:
        log.info("merged %d re-queued %s rows for %s", len(rows), target, source_id)
    return rows


def finish_requeue(run: Run) -> int:
    """After a committed load: move the run's re-queued files to ``requeue/done/``."""
    listing = run.requeue_json
    moved = 0
    for name in read_json(listing) if listing.exists() else []:
        path = Path(name)
        if path.exists():
            done = run.settings.data_dir / "requeue" / "done" / run.date_str / path.parent.name
            done.mkdir(parents=True, exist_ok=True)
            path.replace(done / path.name)
            moved += 1
    return moved
