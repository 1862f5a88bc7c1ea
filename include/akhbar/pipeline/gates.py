"""Quality gates between steps: good rows go on, bad rows to quarantine.

A gate runs inside the task that produced the rows (Great Expectations is
imported once per task process, not once per step).
"""

from __future__ import annotations

import logging
from typing import Any

import pyarrow as pa

from akhbar.pipeline import records
from akhbar.pipeline.run import Run

log = logging.getLogger(__name__)

#: The staged files each gate validates, in order; an article's children are
#: validated only for articles that passed.
GATE_GROUPS: dict[str, list[tuple[str, pa.Schema]]] = {
    "entries": [("entries", records.FEED_ENTRY)],
    "pages": [("pages", records.PAGE)],
    "articles": [
        ("articles", records.ARTICLE),
        ("mentions", records.ENTITY_MENTION),
        ("quotes", records.QUOTE),
        ("dates", records.DATE_MENTION),
    ],
}


def gate(stage: str, source_id: str, run: Run) -> dict[str, int]:
    """Validate one source's files of a stage; write ``<name>_ok`` and side files.

    Raises :class:`akhbar.quality.BatchGateError` when the batch as a whole
    fails (most rows bad, an empty batch), after recording quarantine and
    ``dq_result`` rows, so nothing of that batch is loaded but the reason is kept.
    """
    import pandas as pd

    from akhbar.pipeline.files import read_frame, write_frame
    from akhbar.quality import BatchGateError

    counts: dict[str, int] = {}
    failures: list[str] = []
    quarantined: list[Any] = []
    dq_frames: list[Any] = []
    good_articles: dict[str, str] | None = None
    for name, schema in GATE_GROUPS[stage]:
        frame = read_frame([run.path(name, source_id)], schema)
        passed_aside = (
            frame[frame["fallback"].fillna(False).astype(bool)]
            if name == "pages"
            else frame.iloc[0:0]
        )
        if name == "pages":
            frame = frame[~frame.index.isin(passed_aside.index)]
        if name != "articles" and good_articles is not None:
            frame = frame[frame["article_id"].isin(set(good_articles))]
        result = _validate(
            name,
            frame.reset_index(drop=True),
            run,
            source_id,
            good_articles,
            {source_id: len(passed_aside)} if len(passed_aside) else {},
        )
        good = result.good
        if name == "articles":
            good_articles = dict(zip(good["article_id"], good["body_text"], strict=False))
        if len(passed_aside):  # feed-text fallbacks flow on to extraction unvalidated
            good = pd.concat([good, passed_aside], ignore_index=True)
        write_frame(run.path(f"{name}_ok", source_id), good, schema)
        quarantined.append(result.quarantined)
        dq_frames.append(result.dq_rows)
        failures.extend(result.batch_failures)
        counts[f"{name}_in"] = len(frame) + len(passed_aside)
        counts[f"{name}_ok"] = len(good)
        counts[f"{name}_quarantined"] = len(result.quarantined)
    write_frame(
        run.side_path("quarantine", stage, source_id),
        pd.concat(quarantined, ignore_index=True),
        records.QUARANTINE,
    )
    write_frame(
        run.side_path("dq", stage, source_id),
        pd.concat(dq_frames, ignore_index=True),
        records.DQ_RESULT,
    )
    log.info("gate %s/%s: %s", stage, source_id, " ".join(f"{k}={v}" for k, v in counts.items()))
    if failures:
        for name, _schema in GATE_GROUPS[stage]:  # nothing of a failed batch goes on
            run.path(f"{name}_ok", source_id).unlink(missing_ok=True)
        raise BatchGateError(f"{stage} ({source_id})", failures)
    return counts


def _validate(
    name: str,
    frame: Any,
    run: Run,
    source_id: str,
    bodies: dict[str, str] | None,
    passed_elsewhere: dict[str, int],
) -> Any:
    from akhbar.quality import validate_stage

    return validate_stage(
        name,
        frame,
        run_date=run.day,
        bodies=bodies,
        now=run.reference_time,
        results_dir=run.settings.data_dir / "quality",
        passed_elsewhere=passed_elsewhere,
        source_id=source_id,
    )
