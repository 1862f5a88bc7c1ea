"""Daily HTML digest of the warehouse: one self-contained right-to-left page.

``render_digest(con, run_date, out_path)`` reads the analyst views and writes
``<html lang="ar" dir="rtl">`` with inline CSS and an inline SVG chart (no
scripts, fonts, images or other external assets), so the file can be mailed or
archived as is. Every value from the warehouse is HTML-escaped.

Windows take articles collected by the runs of the last days (run_date) or
published in them, so the digest of a run shows what it brought in even when
the articles themselves are older.
Sections: the day in numbers; most-mentioned entities (7 days to run_date);
most-quoted named speakers (persons, organisations; not anonymous sources or
unresolved role nouns) with one quote each (7 days); articles per source over
the last 14 days (SVG small multiples); new story clusters (first seen on
run_date); source health.

The two rankings leave out outlet names (an outlet is who reports, not what the news
is about) and one-word generic nouns (الهيئة، المصدر): see
:mod:`akhbar.arabic.rules.digest_noise` for the lists and how a name that is both a
place and an outlet (الشرق الأوسط) is decided.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import cast

import duckdb

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.rules import digest_noise
from akhbar.sqlfiles import sql

TOP_N = 10
WINDOW_DAYS = 7
CHART_DAYS = 14
# Rows read per ranking before noise is dropped (the SQL cannot fold Arabic as
# normalize_for_match does); the page shows the first TOP_N that remain.
CANDIDATES = 8 * TOP_N
_PUNCT = str.maketrans({ch: " " for ch in "«»\"“”'()[]{}،,.:؛;!?-–—_/"})

CSS = """
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;background:#fff;color:#1d2733;
 font-family:"Noto Naskh Arabic","Noto Sans Arabic","Noto Sans","DejaVu Sans",Arial,sans-serif;
 font-size:16px;line-height:1.6}
h1{font-size:30px;margin:0 0 4px}
.sub{color:#5b6876;margin:0 0 20px}
h2{font-size:21px;border-bottom:3px solid #c8102e;padding-bottom:4px;margin:28px 0 12px}
.kpis{display:flex;gap:16px;flex-wrap:wrap}
.kpi{background:#f3f5f8;border-radius:8px;padding:10px 18px;min-width:130px}
.kpi b{display:block;font-size:26px;color:#0b4f8a}
table{border-collapse:collapse;width:100%}
th,td{text-align:start;padding:6px 10px;border-bottom:1px solid #e3e7ec;vertical-align:top}
th{background:#0b4f8a;color:#fff;font-weight:600}
tr:nth-child(even) td{background:#f8f9fb}
.num{text-align:end;font-variant-numeric:tabular-nums}
bdi.ltr{direction:ltr;unicode-bidi:isolate}
blockquote{margin:4px 0 0;padding:6px 12px;border-inline-start:4px solid #e0a526;background:#fff8e6}
.muted{color:#6b7785;font-size:14px}
.tag{display:inline-block;padding:0 8px;border-radius:10px;font-size:13px;color:#fff}
.ok{background:#2e7d32}.not_modified{background:#558b2f}.slow{background:#ef6c00}
.failing{background:#c62828}.dead{background:#4a148c}.skipped,.never_polled{background:#757575}
svg text{font-family:inherit}
"""


def _rows(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object] | None = None
) -> list[dict[str, object]]:
    """Rows of ``sql/digest/<name>.sql`` as dicts."""
    cur = con.execute(sql(f"digest/{name}"), params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _folded(name: str) -> str:
    return " ".join(normalize_for_match(name).lower().translate(_PUNCT).split())


def is_outlet_name(name: str | None, entity_type: str | None = None) -> bool:
    """``name`` is a news outlet (شفق نيوز، شفقنيوز، وكالة رويترز، نيوز alone); a
    place that shares an outlet's name (الرياض، الشرق الأوسط) counts as one only
    when it is not tagged LOC."""
    folded = _folded(name or "")
    if not folded:
        return False
    if folded in digest_noise.OUTLET_LATIN or folded in digest_noise.OUTLET_FRAGMENTS:
        return True
    headed = False  # صحيفة الشرق الأوسط: the noun says it is the outlet
    for noun in digest_noise.OUTLET_NOUNS:
        if folded.startswith(noun + " ") and len(folded) > len(noun) + 1:
            folded, headed = folded[len(noun) + 1 :], True
            break
    glued = folded.replace(" ", "")
    if glued not in digest_noise.OUTLETS and glued not in digest_noise.OUTLET_FRAGMENTS:
        return False
    return headed or not (entity_type == "LOC" and glued in digest_noise.PLACE_HOMONYMS)


def is_place_homonym(name: str) -> bool:
    """``name`` is a place and an outlet (الشرق الأوسط، الرياض، الخليج)."""
    return _folded(name).replace(" ", "") in digest_noise.PLACE_HOMONYMS


def is_generic_noun(name: str | None) -> bool:
    """A one-word common noun that names no one in particular (الهيئة، المصدر)."""
    words = _folded(name or "").split()
    if len(words) != 1:
        return False
    word = words[0]
    return word in digest_noise.GENERIC_NOUNS or (
        word.startswith("و") and word[1:] in digest_noise.GENERIC_NOUNS
    )


def is_digest_noise(name: str | None, entity_type: str | None = None) -> bool:
    """Left out of the digest's rankings: an outlet name or a generic noun."""
    return is_outlet_name(name, entity_type) or is_generic_noun(name)


def drop_noise(
    rows: list[dict[str, object]], name_field: str, type_field: str | None = None
) -> list[dict[str, object]]:
    """``rows`` (in rank order) without outlet names and generic nouns."""
    return [
        r
        for r in rows
        if not is_digest_noise(
            str(r[name_field] or ""), str(r[type_field] or "") if type_field else None
        )
    ]


def top_entities(
    con: duckdb.DuckDBPyConnection, run_date: date, top_n: int = TOP_N
) -> list[dict[str, object]]:
    """Most-mentioned entities of the window, outlets and generic nouns left out."""
    params = {"run_date": run_date, "days": WINDOW_DAYS, "top_n": max(CANDIDATES, 4 * top_n)}
    rows = [_as_place(r) for r in _rows(con, "top_entities", params)]
    rows = [r for r in rows if r["mentions"]]
    rows.sort(key=lambda r: (-cast(int, r["mentions"]), str(r["entity_name"])))
    return drop_noise(rows, "entity_name", "entity_type")[:top_n]


def _as_place(row: dict[str, object]) -> dict[str, object]:
    """A place that shares its name with an outlet counts only its mentions outside
    quotation marks and not right after ل: وقال مصدر لـ«الشرق الأوسط» is the daily."""
    if row["entity_type"] != "LOC" or not is_place_homonym(str(row["entity_name"] or "")):
        return row
    bare = {"mentions": row["bare_mentions"], "articles": row["bare_articles"]}
    return {**row, **bare, "all_mentions": row["mentions"]}


def top_speakers(
    con: duckdb.DuckDBPyConnection, run_date: date, top_n: int = TOP_N
) -> list[dict[str, object]]:
    """Most-quoted named speakers of the window, outlets and generic nouns left out."""
    params = {"run_date": run_date, "days": WINDOW_DAYS, "top_n": max(CANDIDATES, 4 * top_n)}
    rows = _rows(con, "top_speakers", params)
    return drop_noise(rows, "speaker_name")[:top_n]


def _e(value: object) -> str:
    return "" if value is None else escape(str(value), quote=True)


def _clip(text: object, n: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _kpis(con: duckdb.DuckDBPyConnection, run_date: date) -> str:
    row = _rows(con, "kpis", {"run_date": run_date})[0]
    labels = [
        ("loaded", "مقالات حُمّلت في هذا التشغيل"),
        ("published", "مقالات منشورة في اليوم"),
        ("outlets", "مصادر في هذا التشغيل"),
        ("quotes", "اقتباسات في هذا التشغيل"),
        ("mentions", "إشارات إلى كيانات في هذا التشغيل"),
    ]
    cells = "".join(
        f'<div class="kpi"><b class="num">{int(row[k] or 0)}</b>{_e(lab)}</div>'
        for k, lab in labels
    )
    return f'<section><div class="kpis">{cells}</div></section>'


def _top_entities(con: duckdb.DuckDBPyConnection, run_date: date) -> str:
    rows = top_entities(con, run_date)
    body = "".join(
        f"<tr><td>{_e(r['entity_name'])}</td><td>{_e(r['entity_type'])}</td>"
        f'<td class="num">{_e(r["mentions"])}</td><td class="num">{_e(r["articles"])}</td></tr>'
        for r in rows
    )
    if not rows:
        return _section("أكثر الكيانات ذكراً", '<p class="muted">لا إشارات في هذه الفترة.</p>')
    table = (
        "<table><thead><tr><th>الكيان</th><th>النوع</th><th>الإشارات</th><th>المقالات</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )
    return _section(f"أكثر الكيانات ذكراً (آخر {WINDOW_DAYS} أيام)", table)


def _top_speakers(con: duckdb.DuckDBPyConnection, run_date: date) -> str:
    rows = top_speakers(con, run_date)
    if not rows:
        return _section("أكثر المتحدثين اقتباساً", '<p class="muted">لا اقتباسات في هذه الفترة.</p>')
    body = "".join(
        f"<tr><td><b>{_e(r['speaker_name'])}</b>"
        f'<div class="muted">{_e("، ".join(map(str, r["outlet_names"] or [])))}</div></td>'
        f'<td class="num">{_e(r["quotes"])}</td>'
        f"<td><blockquote>«{_e(_clip(r['quote'], 220))}»</blockquote>"
        f'<div class="muted">{_e(r["quote_source"])}</div></td></tr>'
        for r in rows
    )
    table = (
        "<table><thead><tr><th>المتحدث</th><th>اقتباسات</th><th>اقتباس</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
    return _section(f"أكثر المتحدثين اقتباساً (آخر {WINDOW_DAYS} أيام)", table)


PALETTE = ("#0b4f8a", "#c8102e", "#2e7d32", "#e0a526", "#6a1b9a", "#00838f", "#5d4037")


def coverage_svg(series: dict[str, list[int]], days: list[date], labels: dict[str, str]) -> str:
    """Small multiples: one row of daily bars per source. Time runs left to right."""
    row_h, bar_area_w, label_w, pad = 46, 14 * 44, 230, 8
    width = label_w + bar_area_w + 2 * pad
    height = pad * 2 + row_h * max(1, len(series)) + 24
    step = bar_area_w / max(1, len(days))
    peak = max([max(v) for v in series.values() if v] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" direction="ltr" role="img" '
        f'aria-label="{_e("عدد المقالات لكل مصدر في آخر 14 يوماً")}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fbfcfd"/>',
    ]
    for i, (source_id, counts) in enumerate(series.items()):
        top = pad + i * row_h
        colour = PALETTE[i % len(PALETTE)]
        base = top + row_h - 10
        parts.append(
            f'<line x1="{pad}" y1="{base}" x2="{pad + bar_area_w}" y2="{base}" stroke="#c5ccd4"/>'
        )
        for j, n in enumerate(counts):
            h = 0 if not n else max(2.0, (row_h - 16) * n / peak)
            x = pad + j * step + 4
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{step - 8:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{_e(source_id)} {days[j].isoformat()}: {n}</title></rect>'
            )
            if n:
                parts.append(
                    f'<text x="{x + (step - 8) / 2:.1f}" y="{base - h - 3:.1f}" font-size="11" '
                    f'text-anchor="middle" fill="#333">{n}</text>'
                )
        parts.append(
            f'<text x="{width - pad}" y="{base - 8}" font-size="15" text-anchor="end" '
            f'fill="{colour}">{_e(_clip(labels.get(source_id, source_id), 26))}'
            f" ({sum(counts)})</text>"
        )
    axis_y = height - 8
    for j, d in enumerate(days):
        if j % 2 == 0 or j == len(days) - 1:
            parts.append(
                f'<text x="{pad + j * step + step / 2:.1f}" y="{axis_y}" font-size="11" '
                f'text-anchor="middle" fill="#555">{d.strftime("%m-%d")}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _coverage(con: duckdb.DuckDBPyConnection, run_date: date) -> str:
    days = [run_date - timedelta(days=CHART_DAYS - 1 - k) for k in range(CHART_DAYS)]
    rows = _rows(con, "coverage", {"first_day": days[0], "last_day": days[-1]})
    index = {d: k for k, d in enumerate(days)}
    series: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for r in sorted(rows, key=lambda r: str(r["source_id"])):
        sid = str(r["source_id"])
        series.setdefault(sid, [0] * CHART_DAYS)[index[r["day"]]] = int(r["n"])
        labels[sid] = str(r["name"] or sid)
    if not series:
        note = '<p class="muted">لا مقالات في آخر 14 يوماً.</p>'
        return _section("المقالات الجديدة لكل مصدر (آخر 14 يوماً)", note)
    return _section("المقالات الجديدة لكل مصدر (آخر 14 يوماً)", coverage_svg(series, days, labels))


def _new_clusters(con: duckdb.DuckDBPyConnection, run_date: date) -> str:
    rows = _rows(con, "new_clusters", {"run_date": run_date})
    if not rows:
        return _section("قصص جديدة", '<p class="muted">لا قصص جديدة في هذا اليوم.</p>')
    body = "".join(
        f"<tr><td>{_e(_clip(r['title'], 140))}</td><td class='num'>{_e(r['outlets'])}</td>"
        f"<td>{_e(r['first_source_name'])}</td>"
        f'<td class="muted">{_e(" ← ".join(map(str, r["coverage_order"] or [])))}</td></tr>'
        for r in rows
    )
    table = (
        "<table><thead><tr><th>القصة</th><th>المصادر</th><th>الأسبق</th><th>ترتيب التغطية</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )
    return _section("قصص جديدة", table)


def _health(con: duckdb.DuckDBPyConnection) -> str:
    rows = _rows(con, "source_health")
    body = "".join(
        f"<tr><td>{_e(r['source_name'] or r['source_id'])}</td>"
        f'<td><span class="tag {_e(r["health_status"])}">{_e(r["health_status"])}</span></td>'
        f'<td><bdi dir="ltr">{_e(str(r["last_poll_at"])[:16] if r["last_poll_at"] else "")}</bdi></td>'
        f'<td class="muted">{_e(_clip(r["last_error"], 60))}</td></tr>'
        for r in rows
    )
    table = (
        "<table><thead><tr><th>المصدر</th><th>الحالة</th><th>آخر استطلاع</th><th>آخر خطأ</th>"
        f"</tr></thead><tbody>{body}</tbody></table>"
    )
    return _section("صحة المصادر", table)


def _section(title: str, inner: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{inner}</section>"


def build_digest_html(con: duckdb.DuckDBPyConnection, run_date: date) -> str:
    """The digest page as a string (see :func:`render_digest`)."""
    sections = [
        _kpis(con, run_date),
        _top_entities(con, run_date),
        _top_speakers(con, run_date),
        _coverage(con, run_date),
        _new_clusters(con, run_date),
        _health(con),
    ]
    title = f"موجز أخبار {run_date.isoformat()}"
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<h1>موجز أخبار <bdi class="ltr" dir="ltr">{run_date.isoformat()}</bdi></h1>\n'
        f'<p class="sub">أخبار — مستودع الأخبار العربية · يوم التشغيل '
        f'<bdi class="ltr" dir="ltr">{run_date.isoformat()}</bdi></p>\n'
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def render_digest(con: duckdb.DuckDBPyConnection, run_date: date, out_path: Path) -> Path:
    """Write the digest for ``run_date`` to ``out_path`` (atomically) and return it."""
    html_text = build_digest_html(con, run_date)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.tmp")
    tmp.write_text(html_text, encoding="utf-8")
    os.replace(tmp, out_path)
    return out_path
