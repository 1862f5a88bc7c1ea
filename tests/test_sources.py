from pathlib import Path

import pytest

from akhbar.sources import CatalogueError, Source, read_sources

REPO = Path(__file__).resolve().parents[1]


def test_live_and_snapshot_catalogues_parse():
    live = read_sources(REPO / "seeds" / "sources.csv", only_enabled=False)
    snap = read_sources(REPO / "snapshot" / "sources.csv")
    assert len(live) >= 70
    assert {s.source_id for s in snap} >= {"shafaq", "alalam", "cnn_arabic"}
    assert all(s.feed_url.startswith(("http://", "https://")) for s in live + snap)


def test_duplicate_ids_and_missing_columns_are_errors(tmp_path):
    bad = tmp_path / "s.csv"
    bad.write_text("source_id,name,feed_url\na,A,http://x/a\na,B,http://x/b\n")
    with pytest.raises(CatalogueError, match="duplicate source_id"):
        read_sources(bad)
    bad.write_text("source_id,name\na,A\n")
    with pytest.raises(CatalogueError, match="feed_url"):
        read_sources(bad)


def test_disabled_sources_are_skipped_and_round_trip(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "source_id,name,feed_url,enabled,min_delay_s,max_concurrency\n"
        "a,A,http://x/a,true,2.5,3\nb,B,http://x/b,false,,\n"
    )
    (only,) = read_sources(path)
    assert (only.source_id, only.min_delay_s, only.max_concurrency) == ("a", 2.5, 3)
    assert Source.from_dict(only.to_dict()) == only
    assert len(read_sources(path, only_enabled=False)) == 2
