"""The warehouse checks inside the real load (warehouse.load_checks): a rejected
article is quarantined with its rule and removed with its children, the rest of
the date commits; past the batch share nothing of the date loads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from akhbar.config import Settings, load_settings
from akhbar.pipeline.run import Run
from akhbar.quality import BatchGateError
from akhbar.warehouse.load import load_run
from analyst_warehouse import SHAFAQ_SOURCE, Staging, article_row

DAY = date(2015, 8, 1)
BODY = "بغداد/ شفق نيوز/ أعلنت وزارة الصحة العراقية اليوم السبت افتتاح مستشفى جديد في العاصمة."
GHOST = "ghost_source"  # in no catalogue: its articles fail source_unknown in the warehouse


def _stage(tmp_path: Path, sources: list[str]) -> Settings:
    settings = replace(
        load_settings(), data_dir=tmp_path / "data", warehouse=tmp_path / "data" / "akhbar.duckdb"
    )
    staging = Staging()
    at = datetime(2015, 8, 1, 9, tzinfo=UTC)
    for k, source in enumerate(sources):
        aid = f"a{k}"
        staging.add(DAY, "articles_ok", source, article_row(
            aid, source, DAY, f"https://example.org/{k}", f"خبر {k}", at, at,
            f"{BODY} ({k})", "feed", "بغداد", "شفق نيوز",
        ))  # fmt: skip
        staging.add(DAY, "mentions_ok", source, {
            "article_id": aid, "mention_idx": 0, "text": "بغداد", "type": "LOC", "start": 0,
            "end": 5, "entity_id": None, "method": "gazetteer",
        })  # fmt: skip
    staging.write(settings)
    return settings


def _rows(settings: Settings, query: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_rejected_article_is_quarantined_with_its_children(tmp_path: Path) -> None:
    settings = _stage(tmp_path, [SHAFAQ_SOURCE, SHAFAQ_SOURCE, SHAFAQ_SOURCE, GHOST])

    counts = load_run(Run.of(DAY, settings, run_id="checks"))

    assert counts["rejected_by_warehouse_checks"] == 1 and counts["articles"] == 3
    assert counts["quarantined"] == 1
    assert _rows(settings, "SELECT article_id FROM fact_article ORDER BY 1") == [
        ("a0",),
        ("a1",),
        ("a2",),
    ]
    assert _rows(settings, "SELECT article_id FROM fact_entity_mention ORDER BY 1") == [
        ("a0",),
        ("a1",),
        ("a2",),
    ]
    quarantined = _rows(
        settings, "SELECT record_key, rule, quarantined_at IS NOT NULL FROM quarantine"
    )
    assert quarantined == [("fact_article:a3", "source_unknown", True)], quarantined


def test_most_articles_rejected_is_a_batch_failure(tmp_path: Path) -> None:
    settings = _stage(tmp_path, [SHAFAQ_SOURCE, GHOST, GHOST, GHOST])

    with pytest.raises(BatchGateError, match="3 of 4 articles"):
        load_run(Run.of(DAY, settings, run_id="checks"))

    assert _rows(settings, "SELECT count(*) FROM fact_article") == [(0,)]
    assert _rows(settings, "SELECT count(*) FROM fact_entity_mention") == [(0,)]
