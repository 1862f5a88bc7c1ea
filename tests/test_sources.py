from pathlib import Path

import pytest

from akhbar.pipeline.sources import CatalogueError, Source, read_sources

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


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"\xef\xbb\xbfsource_id,name,feed_url\na,A,http://x/a\n")
    (only,) = read_sources(path)
    assert only.source_id == "a"


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("min_delay_s", "abc", "column min_delay_s: 'abc' is not a number"),
        ("max_concurrency", "two", "column max_concurrency: 'two' is not a whole number"),
        ("max_concurrency", "1.5", "column max_concurrency: '1.5' is not a whole number"),
        ("min_delay_s", "nan", "column min_delay_s: 'nan' must be a finite number >= 0"),
        ("min_delay_s", "-1", "column min_delay_s: '-1' must be a finite number >= 0"),
    ],
)
def test_bad_numbers_name_file_line_and_column(tmp_path, column, value, expected):
    path = tmp_path / "sources.csv"
    other = "max_concurrency" if column == "min_delay_s" else "min_delay_s"
    path.write_text(
        f"source_id,name,feed_url,{column},{other}\n"
        "a,A,http://x/a,1,1\n"
        '"b","B with a\nquoted newline",http://x/b,1,1\n'
        f"c,C,http://x/c,{value},1\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as info:
        read_sources(path)
    # the physical line 5: the quoted newline in row b takes two lines
    assert str(info.value) == f"{path}:5: {expected}"
