"""WARC archive: round trip, atomic close, index lookup, damaged files."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from akhbar.fetch.archive import (
    ArchiveIndex,
    WarcArchive,
    canonical_url,
    iter_responses,
    warc_files,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AKHBAR_SHARED_DIR", REPO_ROOT.parent / "shared"))
HOSTILE_WARC = SHARED / "corpus" / "hostile" / "warc"
SNAPSHOT_WARC = REPO_ROOT / "snapshot" / "warc"

T1 = datetime(2026, 6, 11, 7, 2, 42, tzinfo=UTC)
T2 = datetime(2026, 6, 12, 8, 0, 0, tzinfo=UTC)
# Constructed example bodies (not real news text).
HTML = "<html><head><title>اختبار</title></head><body>نص</body></html>".encode()


def test_round_trip_stores_decoded_body(tmp_path: Path) -> None:
    path = tmp_path / "run.warc.gz"
    with WarcArchive(path) as warc:
        warc.write_response(
            "https://example.org/a?x=1",
            200,
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
                ("Content-Length", "17"),
                ("ETag", '"abc"'),
            ],
            HTML,
            fetched_at=T1,
        )
        warc.write_response("https://example.org/gone", 404, [], b"", fetched_at=T2)
        assert warc.records_written == 2

    got = list(iter_responses(path))
    assert [r.url for r in got] == ["https://example.org/a?x=1", "https://example.org/gone"]
    first = got[0]
    assert first.status == 200
    assert first.body == HTML
    assert first.fetched_at == T1
    assert first.header("content-type") == "text/html; charset=utf-8"
    assert first.header("Content-Encoding") is None
    assert first.header("Transfer-Encoding") is None
    assert first.header("CONTENT-LENGTH") == str(len(HTML))
    assert first.header("etag") == '"abc"'
    assert got[1].status == 404 and got[1].body == b""

    # gzip per record: every record is its own gzip member, readable standalone.
    rows = [
        json.loads(x) for x in path.with_name(path.name + ".idx.jsonl").read_text().split("\n") if x
    ]
    assert [r["status"] for r in rows] == [200, 404]
    raw = path.read_bytes()
    member = gzip.decompress(raw[rows[0]["offset"] : rows[0]["offset"] + rows[0]["length"]])
    assert member.startswith(b"WARC/1.1\r\n")
    assert b"WARC-Type: response" in member and HTML in member
    assert rows[-1]["offset"] + rows[-1]["length"] == len(raw)


def test_file_appears_only_on_close(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "run.warc.gz"
    warc = WarcArchive(path)
    warc.write_response("https://example.org/", 200, [], b"x", fetched_at=T1)
    assert not path.exists()
    assert warc.tmp_path.exists()
    assert list(iter_responses(tmp_path)) == []  # .tmp is not a WARC name
    warc.close()
    assert path.exists() and not warc.tmp_path.exists()
    warc.close()  # idempotent
    with pytest.raises(ValueError):
        warc.write_response("https://example.org/", 200, [], b"x")

    aborted = WarcArchive(tmp_path / "aborted.warc.gz")
    aborted.write_response("https://example.org/", 200, [], b"x")
    aborted.abort()
    assert not (tmp_path / "aborted.warc.gz").exists()
    assert not aborted.tmp_path.exists()


def test_concurrent_writers_produce_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "threads.warc.gz"
    with WarcArchive(path) as warc:

        def work(n: int) -> None:
            for i in range(25):
                warc.write_response(f"https://example.org/{n}/{i}", 200, [], os.urandom(2000))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    urls = [r.url for r in iter_responses(path)]
    assert len(urls) == 200 and len(set(urls)) == 200
    assert len(ArchiveIndex(tmp_path)) == 200


def test_index_latest_wins_and_iri_lookup(tmp_path: Path) -> None:
    iri = "https://www.alyaum.com/articles/1/طهران"
    with WarcArchive(tmp_path / "a" / "day1.warc.gz") as w:
        w.write_response(iri, 200, [], b"old", fetched_at=T1)
        w.write_response("http://example.org/only-here", 200, [], b"one", fetched_at=T1)
    with WarcArchive(tmp_path / "b" / "day2.warc") as w:  # uncompressed works too
        w.write_response(iri, 200, [], b"new", fetched_at=T2)
    # An older fetch written last must not shadow the newer one.
    with WarcArchive(tmp_path / "c" / "late.warc.gz") as w:
        w.write_response(iri, 200, [], b"older", fetched_at=datetime(2020, 1, 1, tzinfo=UTC))

    idx = ArchiveIndex(tmp_path)
    encoded = canonical_url(iri)
    assert "%D8%B7%D9%87%D8%B1%D8%A7%D9%86" in encoded
    for form in (
        iri,
        encoded,
        encoded.lower().replace("https://www.alyaum.com", "HTTPS://WWW.alyaum.com:443"),
    ):
        hit = idx.get(form)
        assert hit is not None and hit.body == b"new", form
        assert form in idx
    assert idx.get("http://example.org/only-here").body == b"one"  # type: ignore[union-attr]
    assert idx.get("http://example.org/missing") is None
    assert "http://example.org/missing" not in idx
    assert idx.urls() == {encoded, "http://example.org/only-here"}

    # Without sidecars, or with a stale one, the index rescans and agrees.
    for sidecar in tmp_path.rglob("*.idx.jsonl"):
        sidecar.unlink()
    (tmp_path / "a" / "day1.warc.gz.idx.jsonl").write_text(
        json.dumps({"url": "http://x/", "offset": 0, "length": 5, "status": 200, "fetched_at": ""})
        + "\n"
    )
    again = ArchiveIndex(tmp_path)
    assert again.urls() == idx.urls()
    assert again.get(iri).body == b"new"  # type: ignore[union-attr]


def test_truncated_own_file_keeps_the_complete_records(tmp_path: Path, caplog) -> None:
    path = tmp_path / "run.warc.gz"
    with WarcArchive(path) as w:
        for i in range(3):
            w.write_response(f"https://example.org/{i}", 200, [], os.urandom(5000), fetched_at=T1)
    rows = [
        json.loads(x) for x in path.with_name(path.name + ".idx.jsonl").read_text().split("\n") if x
    ]
    broken = tmp_path / "broken" / "cut.warc.gz"
    broken.parent.mkdir()
    broken.write_bytes(path.read_bytes()[: rows[2]["offset"] + 100])
    with caplog.at_level("WARNING", logger="akhbar.fetch.archive"):
        got = [r.url for r in iter_responses([broken, path])]
    assert got[:2] == ["https://example.org/0", "https://example.org/1"]
    assert got[2:] == [f"https://example.org/{i}" for i in range(3)]  # next file still read
    assert any("cut.warc.gz" in rec.getMessage() for rec in caplog.records)


_HOSTILE_SCRIPT = r"""
import json, logging, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
messages = []
class H(logging.Handler):
    def emit(self, record):
        messages.append(record.getMessage())
logging.getLogger("akhbar.fetch.archive").addHandler(H())
from akhbar.fetch.archive import iter_responses
paths = [sys.argv[1]] + sys.argv[2:]
out = []
for r in iter_responses(paths):
    out.append({"url": r.url, "status": r.status, "len": len(r.body),
                "cl": r.header("Content-Length"), "ce": r.header("Content-Encoding"),
                "te": r.header("Transfer-Encoding"), "head": r.body[:300].decode("latin-1")})
print(json.dumps({"records": out, "warnings": messages}))
"""


@pytest.mark.skipif(not HOSTILE_WARC.is_dir(), reason="shared corpus not available")
def test_hostile_warcs_are_tolerated() -> None:
    extra = [
        HOSTILE_WARC / "warcio/test/data/example-bad.warc.gz.bad",
        HOSTILE_WARC / "warcio/test/data/example.arc.gz",
        HOSTILE_WARC / "warcio/test/data/bad.arc",
    ]
    proc = subprocess.run(
        [sys.executable, "-c", _HOSTILE_SCRIPT, str(HOSTILE_WARC), *map(str, extra)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(proc.stdout.splitlines()[-1])
    records, warnings = result["records"], result["warnings"]
    # Damaged files are named in a warning and do not stop the run.
    for name in (
        "example-bad-non-chunked.warc.gz",
        "example-wrong-chunks.warc.gz",
        "example-bad.warc.gz.bad",
    ):
        assert any(name in w for w in warnings), name
    # The valid control and the de-chunked IANA page are read.
    assert any("Example Domain" in r["head"] or r["url"] == "http://example.com/" for r in records)
    iana = [r for r in records if r["url"] == "http://www.iana.org/"]
    assert iana and iana[0]["head"].lstrip().lower().startswith("<!doctype html>")
    # ClueWeb quirk file: 30 records, gzip payloads decoded, headers cleaned.
    clue = [r for r in records if "uraharajuku" in r["url"]]
    assert len(clue) >= 25
    for r in records:
        assert r["ce"] is None and r["te"] is None
        assert r["cl"] == str(r["len"])
    # ARC files are converted (directory mode ignores them; explicit paths read them).
    assert sum(r["url"] == "http://example.com/" for r in records) >= 3


def test_warc_files_expands_directories(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/2.warc.gz", "1.warc", "x.txt", "3.warc.gz.tmp", "4.warc.gz.idx.jsonl"):
        (tmp_path / name).write_bytes(b"")
    assert [p.relative_to(tmp_path).as_posix() for p in warc_files(tmp_path)] == [
        "1.warc",
        "b/2.warc.gz",
    ]
    assert list(iter_responses(tmp_path)) == []  # empty files: nothing, no crash


@pytest.mark.skipif(not SNAPSHOT_WARC.is_dir(), reason="snapshot not built")
def test_snapshot_index_uses_sidecars() -> None:
    idx = ArchiveIndex(SNAPSHOT_WARC)
    assert len(idx) == 20  # 11 feeds + 9 pages
    assert "https://www.shafaq.com/rss/ar/%D9%85%D8%AC%D8%AA%D9%80%D9%85%D8%B9" in idx
