"""The run's sources: read the catalogue once, snapshot it, plan the mapped tasks."""

from __future__ import annotations

import logging
import math
from typing import Any

from akhbar.pipeline.files import write_json
from akhbar.pipeline.requeue import requeue_files
from akhbar.pipeline.run import Run
from akhbar.pipeline.sources import read_sources

log = logging.getLogger(__name__)

#: Airflow refuses to map over more items than ``[core] max_map_length`` (1024 by default).
DEFAULT_MAX_UNITS = 1024


def read_catalogue(run: Run) -> list[dict[str, Any]]:
    """Read the sources catalogue, snapshot it for the run, return the enabled sources."""
    sources = read_sources(run.settings.sources_file)
    write_json(run.sources_json, [s.to_dict() for s in sources])
    write_json(run.requeue_json, requeue_files(run.settings))
    log.info("catalogue %s: %d enabled sources", run.settings.sources_file, len(sources))
    return [s.to_dict() for s in sources]


def plan_units(
    sources: list[dict[str, Any]], max_units: int = DEFAULT_MAX_UNITS
) -> list[list[dict[str, Any]]]:
    """Group sources into at most ``max_units`` units of work (one mapped task each).

    Up to ``max_units`` sources, every source is its own unit: per-source labels,
    a broken source fails only itself. A larger catalogue is dealt round-robin
    into ``max_units`` shards of near-equal size (a shard runs its sources one
    after another and a retry repeats only those that did not finish).
    """
    if max_units < 1:
        raise ValueError("max_units must be at least 1")
    if len(sources) <= max_units:
        return [[s] for s in sources]
    n_units = min(max_units, math.ceil(len(sources) / math.ceil(len(sources) / max_units)))
    units: list[list[dict[str, Any]]] = [[] for _ in range(n_units)]
    for i, source in enumerate(sources):
        units[i % n_units].append(source)
    log.info(
        "%d sources in %d shards of up to %d", len(sources), n_units, max(len(u) for u in units)
    )
    return units


def unit_label(unit: list[dict[str, Any]]) -> str:
    """What the Airflow grid shows for a mapped task: the source id, or the shard's range."""
    if len(unit) == 1:
        return str(unit[0]["source_id"])
    return f"{unit[0]['source_id']} +{len(unit) - 1} more"
