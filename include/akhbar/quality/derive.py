"""Derived checks: per stage, the ``chk_*`` columns a suite's rules read, computed
from the stage's rows, each with a per-row text saying why a row failed.

GX expectations test the columns; what needs more than one column, the run's
bodies or the clock (duplicates, spans inside bodies, dates in the future) is
computed here first.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from akhbar.arabic.normalize import arabic_share, clean_text
from akhbar.quality import suites


def timestamps(series: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "could not infer format" on junk
        return pd.to_datetime(series, utc=True, errors="coerce")


def str_or_none(v: Any) -> str | None:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def has_text(v: Any) -> bool:
    s = str_or_none(v)
    return bool(s) and any(ch.isalnum() for ch in clean_text(s))


def int_or_none(v: Any) -> int | None:
    try:
        if v is None or pd.isna(v):
            return None
        return int(v)
    except (TypeError, ValueError):
        return None


Details = dict[str, list[str]]  # chk column -> per-row detail text


def _first_duplicate_flags(keys: pd.Series) -> tuple[list[bool], list[str]]:
    dup = keys.duplicated(keep="first") & keys.notna()
    ok = [not d for d in dup.tolist()]
    detail = [
        f"duplicate of an earlier row with key {k!r}" if d else ""
        for k, d in zip(keys, dup, strict=True)
    ]
    return ok, detail


def _dates_checks(
    frame: pd.DataFrame, df: pd.DataFrame, now: dt.datetime, details: Details, *, too_old: bool
) -> None:
    pub = (
        timestamps(df["published_at"])
        if "published_at" in df
        else pd.Series(pd.NaT, index=df.index)
    )
    limit = pd.Timestamp(now) + pd.Timedelta(days=suites.FUTURE_TOLERANCE_DAYS)
    future = (pub > limit).fillna(False).tolist()
    frame["chk_published_in_future"] = [not f for f in future]
    details["chk_published_in_future"] = [
        f"published_at {p.isoformat()} after now+{suites.FUTURE_TOLERANCE_DAYS}d ({limit.isoformat()})"
        if f
        else ""
        for p, f in zip(pub, future, strict=True)
    ]
    if too_old:
        floor = pd.Timestamp(dt.datetime(suites.MIN_PUBLISHED_YEAR, 1, 1, tzinfo=dt.UTC))
        old = (pub < floor).fillna(False).tolist()
        frame["chk_published_too_old"] = [not o for o in old]
        details["chk_published_too_old"] = [
            f"published_at {p.isoformat()} before {suites.MIN_PUBLISHED_YEAR}" if o else ""
            for p, o in zip(pub, old, strict=True)
        ]


def _derive_entries(df: pd.DataFrame, frame: pd.DataFrame, ctx: Context, details: Details) -> None:
    key = df["entry_id"].where(df["entry_id"].notna(), df["url"])
    composite = df["source_id"].astype("string").fillna("") + "\x1f" + key.astype("string")
    composite = composite.where(key.notna(), None)
    frame["chk_duplicate_entry_id"], details["chk_duplicate_entry_id"] = _first_duplicate_flags(
        pd.Series(composite)
    )
    frame["chk_title_missing"] = [has_text(t) for t in df["title"]]
    details["chk_title_missing"] = [
        "" if ok else f"title {str_or_none(t)!r} has no letters"
        for t, ok in zip(df["title"], frame["chk_title_missing"], strict=True)
    ]
    raw = df["raw_published"] if "raw_published" in df else pd.Series([None] * len(df))
    pub = timestamps(df["published_at"])
    bad = [
        bool(str_or_none(r) and str(r).strip()) and pd.isna(p)
        for r, p in zip(raw, pub, strict=True)
    ]
    frame["chk_published_unparseable"] = [not b for b in bad]
    details["chk_published_unparseable"] = [
        f"raw_published {str_or_none(r)!r} not parsed" if b else ""
        for r, b in zip(raw, bad, strict=True)
    ]
    _dates_checks(frame, df, ctx.now, details, too_old=False)


def _derive_pages(df: pd.DataFrame, frame: pd.DataFrame, ctx: Context, details: Details) -> None:
    sizes = []
    bodies = df["body"] if "body" in df else pd.Series([None] * len(df))
    declared = df["bytes"] if "bytes" in df else pd.Series([None] * len(df))
    for body, n in zip(bodies, declared, strict=True):
        if isinstance(body, bytes | bytearray | memoryview):
            sizes.append(len(body))
        else:
            sizes.append(int_or_none(n) or 0)
    frame["chk_size"] = sizes
    details["chk_size"] = [
        ""
        if suites.MIN_PAGE_BYTES <= s <= suites.MAX_PAGE_BYTES
        else f"{s} bytes outside [{suites.MIN_PAGE_BYTES}, {suites.MAX_PAGE_BYTES}]"
        for s in sizes
    ]


def _derive_articles(df: pd.DataFrame, frame: pd.DataFrame, ctx: Context, details: Details) -> None:
    frame["chk_duplicate_article_id"], details["chk_duplicate_article_id"] = _first_duplicate_flags(
        df["article_id"]
    )
    bodies = [str_or_none(b) or "" for b in df["body_text"]]
    lengths = [len(clean_text(b)) for b in bodies]
    frame["cleaned_body_chars"] = lengths
    details["cleaned_body_chars"] = [
        "" if n >= suites.MIN_BODY_CHARS else f"body has {n} chars < {suites.MIN_BODY_CHARS}"
        for n in lengths
    ]
    langs = df["language"] if "language" in df else pd.Series([None] * len(df))
    shares_in = df["arabic_share"] if "arabic_share" in df else pd.Series([None] * len(df))
    ok, det, checked = [], [], []
    for lang, share, body in zip(langs, shares_in, bodies, strict=True):
        code = (str_or_none(lang) or "").strip().lower().split("-")[0]
        try:
            s = float(share) if not pd.isna(share) else arabic_share(body)
        except (TypeError, ValueError):
            s = arabic_share(body)
        if code and code not in suites.ARABIC_LANGUAGES:
            ok.append(True)  # non-Arabic articles are kept, flagged by `language`
            det.append("")
            checked.append(None)  # null: the between expectation skips it
        else:
            checked.append(s)
            ok.append(s >= suites.MIN_ARABIC_SHARE)
            det.append(
                ""
                if ok[-1]
                else f"arabic_share {s:.2f} < {suites.MIN_ARABIC_SHARE} (language {code or 'unset'})"
            )
    frame["arabic_share_checked"] = checked
    details["arabic_share_checked"] = det
    frame["chk_title_missing"] = [has_text(t) for t in df["title"]]
    details["chk_title_missing"] = [
        "" if ok else f"title {str_or_none(t)!r} has no letters"
        for t, ok in zip(df["title"], frame["chk_title_missing"], strict=True)
    ]
    _dates_checks(frame, df, ctx.now, details, too_old=True)


def _derive_spans(
    df: pd.DataFrame, frame: pd.DataFrame, ctx: Context, details: Details, *, match_text: bool
) -> None:
    known, inside, matches = [], [], []
    d_known, d_inside, d_match = [], [], []
    for aid, start, end, text in zip(
        df["article_id"], df["start"], df["end"], df["text"], strict=True
    ):
        s, e = int_or_none(start), int_or_none(end)
        body = None if ctx.bodies is None else ctx.bodies.get(str_or_none(aid) or "")
        is_known = ctx.bodies is None or body is not None
        known.append(is_known)
        d_known.append("" if is_known else f"no body for article_id {aid!r} in this run")
        n = len(body) if body is not None else None
        ok_span = s is not None and e is not None and 0 <= s < e and (n is None or e <= n)
        inside.append(ok_span or not is_known)
        d_inside.append("" if inside[-1] else f"span [{s}, {e}) outside body of {n} chars")
        ok_text = True
        if match_text and body is not None and ok_span:
            ok_text = body[s:e] == (str_or_none(text) or "")
        matches.append(ok_text)
        d_match.append(
            ""
            if ok_text
            else f"text {str_or_none(text)!r} != body[{s}:{e}] {body[s:e]!r}"[:300]
            if body
            else ""
        )
    frame["chk_article_unknown"], details["chk_article_unknown"] = known, d_known
    frame["chk_span_outside_body"], details["chk_span_outside_body"] = inside, d_inside
    if match_text:
        frame["chk_span_text_mismatch"], details["chk_span_text_mismatch"] = matches, d_match


def _derive_mentions(df: pd.DataFrame, frame: pd.DataFrame, ctx: Context, details: Details) -> None:
    _derive_spans(df, frame, ctx, details, match_text=True)


def _derive_quotes(df: pd.DataFrame, frame: pd.DataFrame, ctx: Context, details: Details) -> None:
    _derive_spans(df, frame, ctx, details, match_text=False)
    frame["chk_speaker_missing"] = [has_text(s) for s in df["speaker"]]
    details["chk_speaker_missing"] = [
        "" if ok else "quote has no speaker" for ok in frame["chk_speaker_missing"]
    ]
    frame["chk_quote_text_missing"] = [has_text(t) for t in df["text"]]
    details["chk_quote_text_missing"] = [
        "" if ok else "quote text empty" for ok in frame["chk_quote_text_missing"]
    ]


def _derive_dates(df: pd.DataFrame, frame: pd.DataFrame, ctx: Context, details: Details) -> None:
    _derive_spans(df, frame, ctx, details, match_text=False)


@dataclass
class Context:
    now: dt.datetime
    bodies: Mapping[str, str] | None


DERIVE: dict[str, Callable[[pd.DataFrame, pd.DataFrame, Context, Details], None]] = {
    "entries": _derive_entries,
    "pages": _derive_pages,
    "articles": _derive_articles,
    "mentions": _derive_mentions,
    "quotes": _derive_quotes,
    "dates": _derive_dates,
}


def validation_frame(
    stage: str,
    rules: Sequence[suites.Rule],
    work: pd.DataFrame,
    *,
    now: dt.datetime,
    bodies: Mapping[str, str] | None,
) -> tuple[pd.DataFrame, Details]:
    """The frame GX validates: the columns the rules read (nulls as None) plus the
    stage's derived ``chk_*`` columns, and per derived column the per-row details."""
    used = sorted({c for r in rules if not r.derived for c in r.columns})
    frame = pd.DataFrame({c: work[c].astype(object).where(work[c].notna(), None) for c in used})
    details: Details = {}
    DERIVE[stage](work, frame, Context(now=now, bodies=bodies), details)
    return frame, details
