"""A run of one logical date: the date (parsed once), its settings and every staging path.

Every stage of a run reads and writes files under
``<data_dir>/staging/<run_date>/``; this module is the only place that knows
their layout, so the DAG, the CLI, the loader and the tests agree on it:

* ``<stage>/<source_id>.parquet``        rows of one source at one stage
  (``STAGES`` lists every stage with its column contract);
* ``<kind>/<step>-<source_id>.parquet``  quarantine and dq_result rows a
  step wrote for a source (``SIDE_KINDS``);
* ``done/<source_id>.json``              a source's chain finished in this run;
* ``sources.json`` / ``requeue.json``    the catalogue and re-queued files
  as the run started.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from akhbar.config import Settings, load_settings
from akhbar.pipeline import records

#: Every per-source stage file of a run and its column contract. ``*_ok`` are
#: the rows a quality gate let through.
STAGES: dict[str, pa.Schema] = {
    "feed_fetch": records.FEED_FETCH,
    "entries": records.FEED_ENTRY,
    "entries_ok": records.FEED_ENTRY,
    "pages": records.PAGE,
    "pages_ok": records.PAGE,
    "articles": records.ARTICLE,
    "articles_ok": records.ARTICLE,
    "mentions": records.ENTITY_MENTION,
    "mentions_ok": records.ENTITY_MENTION,
    "quotes": records.QUOTE,
    "quotes_ok": records.QUOTE,
    "dates": records.DATE_MENTION,
    "dates_ok": records.DATE_MENTION,
}
#: Rows a step sets aside for a source: quarantined records and expectation outcomes.
SIDE_KINDS: dict[str, pa.Schema] = {"quarantine": records.QUARANTINE, "dq": records.DQ_RESULT}


def parse_run_date(value: str | date | datetime) -> date:
    """``YYYY-MM-DD`` (or a date/datetime) to a date; the only parser of run dates."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"run date must be YYYY-MM-DD, got {value!r}") from None


@dataclass(frozen=True)
class Run:
    """One logical date of the pipeline and where its files live."""

    day: date
    settings: Settings
    run_id: str = "manual"
    #: When the run (the Airflow DAG run, or ``akhbar run``) started; recorded in pipeline_run.
    started_at: datetime | None = None

    @classmethod
    def of(
        cls,
        run_date: str | date | datetime,
        settings: Settings | None = None,
        run_id: str = "manual",
        started_at: datetime | None = None,
    ) -> Run:
        return cls(parse_run_date(run_date), settings or load_settings(), run_id, started_at)

    @property
    def date_str(self) -> str:
        return self.day.isoformat()

    @property
    def staging(self) -> Path:
        return self.settings.run_staging(self.date_str)

    @property
    def archive(self) -> Path:
        return self.settings.run_archive(self.date_str)

    @property
    def reference_time(self) -> datetime:
        """End of the logical day: the 'now' that date checks of this run compare with."""
        return datetime.combine(self.day, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)

    @property
    def sources_json(self) -> Path:
        return self.staging / "sources.json"

    @property
    def requeue_json(self) -> Path:
        return self.staging / "requeue.json"

    def path(self, stage: str, source_id: str) -> Path:
        if stage not in STAGES:
            raise KeyError(f"unknown stage {stage!r}; stages: {', '.join(STAGES)}")
        return self.staging / stage / f"{source_id}.parquet"

    def side_path(self, kind: str, step: str, source_id: str) -> Path:
        if kind not in SIDE_KINDS:
            raise KeyError(f"unknown side file kind {kind!r}")
        return self.staging / kind / f"{step}-{source_id}.parquet"

    def done_path(self, source_id: str) -> Path:
        return self.staging / "done" / f"{source_id}.json"

    def files(self, stage_or_kind: str) -> list[Path]:
        """Every source's file of a stage (or side kind) in this run, sorted."""
        if stage_or_kind not in STAGES and stage_or_kind not in SIDE_KINDS:
            raise KeyError(f"unknown stage {stage_or_kind!r}")
        folder = self.staging / stage_or_kind
        return sorted(folder.glob("*.parquet")) if folder.exists() else []

    def loaded_sources(self) -> list[str]:
        """Sources whose chain produced gated articles in this run."""
        return [p.stem for p in self.files("articles_ok")]

    def clear_source(self, source_id: str, *, keep: tuple[str, ...] = ()) -> None:
        """Remove a source's files of this run (but the stages and side-file steps
        in ``keep``), so a retry never mixes old and new rows."""
        for stage in STAGES:
            if stage not in keep:
                self.path(stage, source_id).unlink(missing_ok=True)
        for kind in SIDE_KINDS:
            for path in (self.staging / kind).glob(f"*-{source_id}.parquet"):
                if path.name.removesuffix(f"-{source_id}.parquet") not in keep:
                    path.unlink(missing_ok=True)
        self.done_path(source_id).unlink(missing_ok=True)

    def clear(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
