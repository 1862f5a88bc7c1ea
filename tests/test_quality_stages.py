"""Stage gates on real rows (tests/fixtures/quality, see its README) and mutated copies."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import subprocess
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path

import pandas as pd
import pytest

from akhbar.arabic.normalize import arabic_share, clean_text
from akhbar.pipeline import records
from akhbar.quality import BatchGateError, validate_stage
from akhbar.quality.quarantine import payload_row
from helpers import cpu_seconds

FIX = Path(__file__).parent / "fixtures" / "quality"
RUN = dt.date(2026, 11, 28)
# Reference time of the run: every Shafaq item (2026) is before it.
NOW = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKHBAR_DATA_DIR", str(tmp_path / "data"))


def _aid(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def shafaq_items() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((FIX / "shafaq").glob("shafaq_*.json"))]


def entries_df(source_id: str = "shafaq") -> pd.DataFrame:
    rows = []
    for d in shafaq_items():
        pub = pd.Timestamp(parsedate_to_datetime(d["published_at"])).tz_convert("UTC")
        rows.append(
            {
                "run_date": RUN,
                "source_id": source_id,
                "article_id": _aid(d["link"]),
                "entry_id": d["link"],
                "url": d["link"],
                "title": d["title"],
                "summary": None,
                "feed_text": html.unescape(d["description"]),
                "published_at": pub,
                "raw_published": d["published_at"],
                "image_url": d.get("image_url"),
            }
        )
    return pd.DataFrame(rows)


def articles_df(source_id: str = "shafaq") -> pd.DataFrame:
    e = entries_df(source_id)
    bodies = [clean_text(t) for t in e["feed_text"]]
    return pd.DataFrame(
        {
            "article_id": e["article_id"],
            "run_date": RUN,
            "source_id": source_id,
            "url": e["url"],
            "canonical_url": e["url"],
            "title": e["title"],
            "author": None,
            "published_at": e["published_at"],
            "fetched_at": pd.Timestamp(NOW),
            "language": "ar",
            "arabic_share": [arabic_share(b) for b in bodies],
            "body_text": bodies,
            "body_chars": [len(b) for b in bodies],
            "body_source": "feed",
            "content_hash": None,
            "simhash": None,
            "image_url": e["image_url"],
            "dateline_place": None,
            "dateline_source": None,
            "analysis_skipped": None,
        }
    )


def gate(stage: str, df: pd.DataFrame, **kw):
    return validate_stage(stage, df, run_date=RUN, now=NOW, **kw)


def rules_of(result) -> dict[str, str]:
    return dict(zip(result.quarantined["record_key"], result.quarantined["rule"], strict=True))


# --------------------------------------------------------------------------- entries


def test_real_entries_pass() -> None:
    df = entries_df()
    r = gate("entries", df)
    assert r.passed, r.batch_failures
    assert r.quarantined.empty
    assert len(r.good) == len(df) == 8
    assert list(r.good.columns) == list(df.columns)
    assert r.dq_rows["success"].all()
    assert {"expect_column_values_to_not_be_null", "expect_column_values_to_match_regex"} <= set(
        r.dq_rows["expectation"]
    )


def test_entries_mutations_are_quarantined_with_their_rule() -> None:
    df = entries_df()
    df.loc[0, "url"] = None  # missing URL
    df.loc[1, "url"] = "/ar/" + df.loc[1, "url"].split("/ar/", 1)[1]  # relative URL
    df.loc[2, "entry_id"] = df.loc[3, "entry_id"]  # duplicate id: row 3 comes later
    df.loc[4, "published_at"] = pd.Timestamp(NOW) + pd.Timedelta(days=3)  # future date
    df.loc[5, "published_at"] = pd.NaT  # raw date present but unparsed
    df.loc[5, "raw_published"] = "not a date"
    keys = [f"shafaq|{e}" for e in df["entry_id"]]
    r = gate("entries", df)
    got = dict(zip(r.quarantined["record_key"], r.quarantined["rule"], strict=True))
    assert got[keys[0]] == "url_missing"
    assert got[keys[1]] == "url_not_absolute"
    assert got[keys[4]] == "published_in_future"
    assert got[keys[5]] == "published_unparseable"
    # The duplicate: the first occurrence (row 2) is kept, the later one (row 3) quarantined.
    dup = r.quarantined[r.quarantined["rule"] == "duplicate_entry_id"]
    assert len(dup) == 1 and dup["record_key"].iat[0] == keys[3]
    assert df.loc[2, "title"] in set(r.good["title"])
    assert len(r.good) == 8 - 5 and len(r.quarantined) == 5
    # 5/8 of shafaq failed: more than half -> batch failure naming the source and a rule.
    assert not r.passed
    assert any("source shafaq" in m and "max_failed_share" in m for m in r.batch_failures)
    with pytest.raises(BatchGateError, match="shafaq"):
        r.raise_for_batch()
    # dq rows carry the outcome of each expectation.
    dq = r.dq_rows.set_index("column_name")
    assert dq.loc["chk_published_in_future", "unexpected_count"] == 1
    assert not dq.loc["chk_published_in_future", "success"]
    # Payload is the whole original row.
    p = payload_row(r.quarantined.set_index("rule").loc["published_in_future", "payload"])
    assert p["title"] == df.loc[4, "title"] and p["feed_text"] == df.loc[4, "feed_text"]


def test_naughty_string_titles() -> None:
    """Blank / invisible-only titles are quarantined; every other naughty string is kept intact."""
    lines = (FIX / "texts" / "blns.txt").read_text(encoding="utf-8").split("\n")
    strings = [s for s in lines if not s.startswith("#")]
    blank = [s for s in strings if not any(ch.isalnum() for ch in clean_text(s))]
    wordy = [s for s in strings if any(ch.isalnum() for ch in clean_text(s))][:60]
    assert blank and wordy
    base = entries_df().iloc[0]
    rows = []
    for i, title in enumerate(blank + wordy):
        row = base.copy()
        row["entry_id"] = f"{base['entry_id']}?n={i}"
        row["url"] = row["entry_id"]
        row["title"] = title
        rows.append(row)
    df = pd.DataFrame(rows).reset_index(drop=True)
    r = gate("entries", df)
    assert set(r.quarantined["rule"]) == {"title_missing"}
    assert len(r.quarantined) == len(blank)
    assert list(r.good["title"]) == wordy
    for payload, title in zip(r.quarantined["payload"], blank, strict=True):
        assert payload_row(payload)["title"] == title


def test_empty_run_and_volume_collapse() -> None:
    empty = entries_df().iloc[0:0]
    r = gate("entries", empty, polled_sources=["shafaq", "alsumaria"])
    assert not r.passed
    assert any(m.startswith("empty run") and "shafaq" in m for m in r.batch_failures)
    # Without successful polls an empty batch is not a failure (nothing was new).
    assert gate("entries", empty).passed
    history = pd.DataFrame(
        {
            "source_id": ["shafaq"] * 7 + ["tiny"] * 7,
            "run_date": [RUN - dt.timedelta(days=d) for d in range(1, 8)] * 2,
            "n": [50] * 7 + [1] * 7,
        }
    )
    r = gate("entries", entries_df(), history=history)  # 8 today vs 50/day
    assert any("source shafaq" in m and "volume collapse" in m for m in r.batch_failures)
    assert not any("tiny" in m for m in r.batch_failures)  # trivial average: no rule
    r = gate("entries", entries_df(), history=history.assign(n=[10] * 7 + [1] * 7))
    assert r.passed


def test_missing_column_is_a_batch_failure_not_a_crash() -> None:
    df = entries_df().drop(columns=["title"])
    r = gate("entries", df)
    assert any("missing column(s) title" in m for m in r.batch_failures)
    assert set(r.quarantined["rule"]) == {"title_missing"}


def test_unknown_stage() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        gate("feeds", entries_df())


# --------------------------------------------------------------------------- pages


def pages_df() -> pd.DataFrame:
    body = (FIX / "pages" / "cnn_arabic_1.html").read_bytes()
    url = "https://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/"
    rows = []
    for i in range(5):
        rows.append(
            {
                "run_date": RUN,
                "source_id": "cnn_arabic",
                "article_id": f"{_aid(url)}{i}",
                "url": f"{url}?v={i}",
                "final_url": f"{url}?v={i}",
                "http_status": 200,
                "content_type": "text/html; charset=utf-8",
                "bytes": len(body),
                "fetched_at": pd.Timestamp(NOW),
                "duration_ms": 120,
                "error": None,
                "body": body,
            }
        )
    return pd.DataFrame(rows)


def test_pages_gate() -> None:
    df = pages_df()
    df["http_status"] = df["http_status"].astype("Int32")
    df.loc[1, "http_status"] = 404
    df.loc[2, "content_type"] = "application/pdf"
    df.loc[3, "body"] = df.loc[3, "body"][:120]  # truncated page: below 200 bytes
    df.loc[4, "content_type"] = "APPLICATION/XHTML+XML"  # still fine
    err = df.iloc[[0]].assign(article_id="fetch_error", body=None, bytes=None, error="timeout")
    df = pd.concat([df, err], ignore_index=True)
    df.loc[5, "http_status"] = pd.NA  # no response at all
    r = gate("pages", df)
    got = rules_of(r)
    ids = list(df["article_id"])
    assert got == {
        ids[1]: "http_status_not_200",
        ids[2]: "content_type_not_html",
        ids[3]: "page_size_out_of_range",
        "fetch_error": "fetch_failed",  # the fetcher's reason code comes first
    }
    failed = r.quarantined.set_index("rule").loc[["fetch_failed"], "detail"].iat[0]
    assert "timeout" in failed and "page_size_out_of_range" in failed
    assert "404" in r.quarantined.set_index("rule").loc[["http_status_not_200"], "detail"].iat[0]
    assert list(r.good["article_id"]) == [ids[0], ids[4]]
    # The page body survives quarantine (base64 in the payload).
    payload = payload_row(r.quarantined.set_index("rule").loc["content_type_not_html", "payload"])
    assert payload["body"] == df.loc[2, "body"]
    assert not r.passed  # 4/6 of cnn_arabic failed


# --------------------------------------------------------------------------- articles


def test_articles_gate_language_length_dates_duplicates() -> None:
    df = articles_df()
    persian = clean_text((FIX / "texts" / "yjc_fa_1.txt").read_text(encoding="utf-8"))
    german = clean_text((FIX / "texts" / "die-tagespost_de.txt").read_text(encoding="utf-8"))
    # 0: a German page body behind an Arabic-labelled article -> quarantined.
    df.loc[0, ["body_text", "arabic_share"]] = [german, arabic_share(german)]
    # 1: a Persian article flagged by language -> kept (analysis is skipped downstream).
    df.loc[1, ["body_text", "arabic_share", "language", "analysis_skipped"]] = [
        persian,
        arabic_share(persian),
        "fa",
        "language_not_arabic",
    ]
    df.loc[2, "body_text"] = df.loc[2, "body_text"][:150]  # too short
    df.loc[3, "published_at"] = pd.Timestamp("1970-01-01", tz="UTC")  # epoch-zero date
    df.loc[4, "published_at"] = pd.Timestamp(NOW) + pd.Timedelta(days=30)
    df.loc[5, "title"] = None
    dup = df.iloc[[6]].assign(title="duplicate row")
    df = pd.concat([df, dup], ignore_index=True)
    r = gate("articles", df)
    got = rules_of(r)
    ids = list(df["article_id"])
    assert got[ids[0]] == "not_arabic"
    assert ids[1] not in got and "fa" in set(r.good["language"])
    assert got[ids[2]] == "body_too_short"
    assert got[ids[3]] == "published_too_old"
    assert got[ids[4]] == "published_in_future"
    assert got[ids[5]] == "title_missing"
    assert r.quarantined["rule"].tolist().count("duplicate_article_id") == 1
    assert "duplicate row" not in set(r.good["title"])
    assert len(r.good) == 3  # rows 1, 6, 7
    assert len(r.good) + len(r.quarantined) == len(df)  # nothing lost


def test_every_article_of_one_source_failing_fails_the_batch() -> None:
    good_src = articles_df("shafaq")
    bad_src = articles_df("shafaq_mirror").assign(
        article_id=lambda d: d["article_id"] + "m", title=None
    )
    r = gate("articles", pd.concat([good_src, bad_src], ignore_index=True))
    assert len(r.batch_failures) == 1
    msg = r.batch_failures[0]
    assert "source shafaq_mirror" in msg and "100%" in msg and "'title_missing'" in msg
    assert "max_failed_share 0.5" in msg
    assert len(r.good) == 8 and len(r.quarantined) == 8
    assert set(r.quarantined["source_id"]) == {"shafaq_mirror"}
    share = r.dq_rows[r.dq_rows["expectation"] == "akhbar_batch_max_failed_share"]
    assert dict(zip(share["column_name"], share["success"], strict=True)) == {
        "source_id=shafaq": True,
        "source_id=shafaq_mirror": False,
    }


# --------------------------------------------------------------------------- spans


def cnn_body() -> str:
    return clean_text((FIX / "pages" / "cnn_arabic_1.txt").read_text(encoding="utf-8"))


def mention(aid: str, idx: int, body: str, surface: str, typ: str) -> dict:
    start = body.index(surface)
    return {
        "article_id": aid,
        "mention_idx": idx,
        "text": surface,
        "type": typ,
        "start": start,
        "end": start + len(surface),
        "entity_id": None,
        "method": "gazetteer",
    }


def test_mentions_spans_and_types() -> None:
    body = cnn_body()
    bodies = {"cnn1": body}
    # Surface forms are real substrings of the CNN Arabic body; the type labels are ours.
    rows = [
        mention("cnn1", 0, body, "دمشق", "LOC"),
        mention("cnn1", 1, body, "بشار الأسد", "PER"),
        mention("cnn1", 2, body, "سوريا", "LOC"),
        mention("cnn1", 3, body, "الائتلاف الوطني السوري", "ORG"),
        mention("cnn1", 4, body, "دمشق", "LOC"),
        mention("cnn1", 5, body, "سوريا", "GPE"),  # type outside the allowed set
        mention("cnn_missing", 6, body, "دمشق", "LOC"),  # no body in this run
    ]
    rows[4] = rows[4] | {"start": len(body) - 2, "end": len(body) + 2}  # span past the end
    rows[2] = rows[2] | {"start": rows[2]["start"] + 1, "end": rows[2]["end"] + 1}  # shifted
    df = pd.DataFrame(rows)
    r = gate("mentions", df, bodies=bodies)
    assert rules_of(r) == {
        "cnn1|2": "span_text_mismatch",
        "cnn1|4": "span_outside_body",
        "cnn1|5": "type_not_allowed",
        "cnn_missing|6": "article_unknown",
    }
    assert list(r.good["mention_idx"]) == [0, 1, 3]
    assert r.passed is False  # 4/7 failed in the batch (no source_id column: whole batch)
    assert any("(all sources)" in m for m in r.batch_failures)


def test_quotes_and_dates() -> None:
    body = cnn_body()
    bodies = {"cnn1": body}
    q = body.index("ضبط النفس")
    quotes = pd.DataFrame(
        [
            # speaker/cue strings are taken from the same real body
            {"article_id": "cnn1", "quote_idx": 0, "kind": "indirect", "speaker": "الائتلاف الوطني السوري",
             "speaker_entity_id": None, "cue": "حض", "text": "ضبط النفس", "start": q, "end": q + 9},
            {"article_id": "cnn1", "quote_idx": 1, "kind": "direct", "speaker": None,
             "speaker_entity_id": None, "cue": "قال", "text": "ضبط النفس", "start": q, "end": q + 9},
            {"article_id": "cnn1", "quote_idx": 2, "kind": "paraphrase", "speaker": "الائتلاف",
             "speaker_entity_id": None, "cue": "حض", "text": "ضبط النفس", "start": q, "end": q + 9},
            {"article_id": "cnn1", "quote_idx": 3, "kind": "direct", "speaker": "الائتلاف",
             "speaker_entity_id": None, "cue": "حض", "text": "ضبط النفس", "start": -4, "end": 3},
        ]
    )  # fmt: skip
    r = gate("quotes", quotes, bodies=bodies)
    assert rules_of(r) == {
        "cnn1|1": "speaker_missing",
        "cnn1|2": "quote_kind_not_allowed",
        "cnn1|3": "span_outside_body",
    }
    dates = pd.DataFrame(
        [
            {"article_id": "cnn1", "mention_idx": 0, "text": "x", "value": None, "kind": "relative",
             "start": 0, "end": 4},
            {"article_id": "cnn1", "mention_idx": 1, "text": "x", "value": None, "kind": "relative",
             "start": 10, "end": 10},
        ]
    )  # fmt: skip
    r = gate("dates", dates, bodies=bodies)
    assert rules_of(r) == {"cnn1|1": "span_outside_body"}


# --------------------------------------------------------------------------- runtime


def test_import_is_light() -> None:
    code = "import sys, akhbar.quality; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_thousand_rows_fast_after_warmup(tmp_path: Path) -> None:
    base = articles_df()
    df = pd.concat([base] * 125, ignore_index=True)
    df["article_id"] = [f"a{i}" for i in range(len(df))]
    assert len(df) == 1000
    gate("articles", df.head(10))  # warm-up: GX import, context, suite
    r = gate("articles", df)
    assert r.passed and len(r.good) == 1000
    elapsed = cpu_seconds(gate, "articles", df, repeat=1)
    print(f"articles gate, 1000 rows: {elapsed:.3f}s CPU")
    assert elapsed < 5.0


@pytest.mark.parametrize("stage", ["entries", "pages", "articles", "mentions", "quotes", "dates"])
def test_garbage_of_wrong_types_never_crashes(stage: str) -> None:
    """Every column filled with naughty strings (wrong types everywhere): quarantine, no crash."""
    lines = (FIX / "texts" / "blns.txt").read_text(encoding="utf-8").split("\n")
    strings = [s for s in lines if s and not s.startswith("#")][:40]
    schema = records.STAGE_SCHEMAS[stage]
    df = pd.DataFrame({f.name: strings for f in schema})
    r = gate(stage, df, bodies={s: s for s in strings})
    assert len(r.good) + len(r.quarantined) == len(df)
    assert len(r.quarantined) > 0
    assert not r.passed  # most rows fail: batch failure, named
    assert all(isinstance(m, str) and "batch rule" in m for m in r.batch_failures)


def test_rows_that_bypass_a_gate_count_in_the_batch_share() -> None:
    """Five bad pages of a source whose other 245 articles fell back to the feed
    text are quarantined, but do not fail the source's batch."""
    df = pages_df()
    df["http_status"] = df["http_status"].astype("Int32")
    df["http_status"] = 404
    bad_only = gate("pages", df)
    assert bad_only.batch_failures  # 5 of 5 failing: the batch fails
    r = validate_stage("pages", df, run_date=RUN, now=NOW, passed_elsewhere={"cnn_arabic": 245})
    assert not r.batch_failures and len(r.quarantined) == len(df)
