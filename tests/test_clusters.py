"""Story clusters on real text: Shafaq News items (tests/fixtures/quotes_gold, see its
README for provenance) and, when ../shared is present, a day of news_week."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest

from akhbar.clusters import ClusterDoc, assign_story_clusters, cluster_id

GOLD = Path(__file__).parent / "fixtures" / "quotes_gold"
NEWS_WEEK = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "news_week"
DAY = dt.date(2026, 6, 11)  # the items' publication day


def _entities(text: str) -> frozenset[str]:
    from akhbar.arabic.entities import extract_entities

    return frozenset(e.entity_id for e in extract_entities(text) if e.entity_id)


def _gold_docs() -> list[ClusterDoc]:
    docs = []
    for meta_path in sorted(GOLD.glob("*.json")):
        text = meta_path.with_suffix(".txt").read_text("utf-8")
        title = json.loads(meta_path.read_text("utf-8")).get("title")
        docs.append(ClusterDoc(meta_path.stem, "shafaq", DAY, title, text, _entities(text)))
    return docs


@pytest.fixture(scope="module")
def gold() -> list[ClusterDoc]:
    return _gold_docs()


def _by_title(docs: list[ClusterDoc], fragment: str) -> ClusterDoc:
    (doc,) = [d for d in docs if fragment in (d.title or "")]
    return doc


def _drop_longest_sentence(text: str) -> str:
    sentences = re.split(r"(?<=[.!؟?])\s+", text)
    longest = max(range(len(sentences)), key=lambda i: len(sentences[i]))
    return " ".join(s for i, s in enumerate(sentences) if i != longest)


def _copy(doc: ClusterDoc, aid: str, source: str, day: dt.date | None = None) -> ClusterDoc:
    """A syndicated copy: another outlet, no title, one sentence dropped."""
    body = _drop_longest_sentence(doc.body_text)
    assert body != doc.body_text
    return ClusterDoc(aid, source, day or doc.day, None, body, doc.entity_ids)


def test_unrelated_stories_sharing_common_entities_stay_apart(gold: list[ClusterDoc]) -> None:
    # 30 different stories of one feed and day; 18 of them carry loc:baghdad and
    # 10 loc:iraq (real NER output), so the shared entity alone must not merge them.
    shared = [d for d in gold if "loc:baghdad" in d.entity_ids]
    assert len(shared) >= 10
    clusters = assign_story_clusters(gold)
    assert set(clusters) == {d.article_id for d in gold}
    assert len(set(clusters.values())) == len(gold)


def test_near_copies_merge_across_outlets(gold: list[ClusterDoc]) -> None:
    source = _by_title(gold, "ضريبة الموصل")
    copies = [_copy(source, "copy-a", "outlet_a"), _copy(source, "copy-b", "outlet_b", DAY)]
    clusters = assign_story_clusters([*gold, *copies])
    assert clusters["copy-a"] == clusters["copy-b"] == clusters[source.article_id]
    others = {clusters[d.article_id] for d in gold if d is not source}
    assert clusters[source.article_id] not in others


def test_copies_outside_the_window_do_not_merge(gold: list[ClusterDoc]) -> None:
    source = _by_title(gold, "ضريبة الموصل")
    near = _copy(source, "copy-near", "outlet_a", DAY + dt.timedelta(days=2))
    far = _copy(source, "copy-far", "outlet_b", DAY + dt.timedelta(days=3))
    clusters = assign_story_clusters([*gold, near, far], window_days=2)
    assert clusters["copy-near"] == clusters[source.article_id]
    assert clusters["copy-far"] != clusters[source.article_id]


def _roundup(first: ClusterDoc, second: ClusterDoc) -> ClusterDoc:
    """An article built from the leads of two real, unrelated items (a news round-up)."""
    lead_a = " ".join(first.body_text.split()[:35])
    lead_b = " ".join(second.body_text.split()[:35])
    title = f"{first.title} و{second.title}"
    return ClusterDoc("roundup", "outlet_r", DAY, title, f"{lead_a} {lead_b}",
                      first.entity_ids | second.entity_ids)  # fmt: skip


def test_chain_through_a_roundup_does_not_join_unrelated_stories(gold: list[ClusterDoc]) -> None:
    story_a = _by_title(gold, "السفارة الفرنسية")
    story_c = _by_title(gold, "مخصصات الخدمة الجامعية")
    roundup = _roundup(story_a, story_c)
    # The round-up is close enough to each story to join it on its own ...
    with_a = assign_story_clusters([*gold, roundup])
    assert with_a["roundup"] in {with_a[story_a.article_id], with_a[story_c.article_id]}
    for story in (story_a, story_c):
        alone = [d for d in gold if d not in (story_a, story_c)] + [story, roundup]
        pair = assign_story_clusters(alone)
        assert pair["roundup"] == pair[story.article_id]
    # ... but A~B~C must not collapse A and C into one cluster.
    assert with_a[story_a.article_id] != with_a[story_c.article_id]


def test_deterministic_order_free_and_stable_ids(gold: list[ClusterDoc]) -> None:
    source = _by_title(gold, "ضريبة الموصل")
    docs = [*gold, _copy(source, "copy-a", "outlet_a")]
    first = assign_story_clusters(docs)
    assert assign_story_clusters(list(reversed(docs))) == first
    assert assign_story_clusters(docs) == first
    assert all(re.fullmatch(r"[0-9a-f]{16}", cid) for cid in first.values())
    # The id is the hash of the earliest member (day, then article_id) ...
    members = [d for d in docs if first[d.article_id] == first[source.article_id]]
    assert first[source.article_id] == cluster_id(members)
    # ... so a later article joining the story keeps its id (here "0..." sorts first).
    later = _copy(source, "0-later-copy", "outlet_b", DAY + dt.timedelta(days=1))
    grown = assign_story_clusters([*docs, later])
    assert grown["0-later-copy"] == grown[source.article_id] == first[source.article_id]
    assert assign_story_clusters([]) == {}


def test_duplicate_article_ids_are_used_once(gold: list[ClusterDoc]) -> None:
    clusters = assign_story_clusters([*gold, gold[0]])
    assert len(clusters) == len(gold)


def _news_week_day(day: str) -> list[dict]:
    path = NEWS_WEEK / "dataset" / f"{day}.zip"
    if not path.exists():
        pytest.skip(f"news_week not available at {path} (read-only corpus under ../shared)")
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read(archive.namelist()[0]))


def test_suez_canal_opening_groups_outlets_without_foreign_articles() -> None:
    """2015-08-06, the new Suez Canal opens: the real articles of that day that name
    the canal, among a share of the day's other news (no NER here, to stay fast).

    The issue's target (one cluster over >= 8 outlets) is met in the eval only from
    the 08-07 load on, with the full window and NER entities (docs/clusters.md);
    on this subset of the 08-06 articles the opening stays split into sub-stories.
    This asserts what holds here: a cross-outlet canal cluster of >= 4 outlets,
    made of canal articles.
    """
    from akhbar.fetch.dedup import article_id

    records = [r for r in _news_week_day("2015-08-06") if (r.get("content") or "").strip()]
    records = [r for r in records if r["date_extracted"].startswith("2015-08-06")]
    suez = [r for r in records if "قناة السويس" in (r.get("title") or "")]
    background = [r for r in records if r not in suez][::6]  # a share of the day's other news
    docs = [
        ClusterDoc(
            article_id(r["url"]),
            r["source"],
            dt.date(2015, 8, 6),
            r["title"],
            r["content"],
            frozenset(),
        )
        for r in suez + background
    ]
    clusters = assign_story_clusters(docs)
    members: dict[str, list[ClusterDoc]] = {}
    for doc in docs:
        members.setdefault(clusters[doc.article_id], []).append(doc)
    canal = [m for m in members.values() if any("السويس" in (d.title or "") for d in m)]
    widest = max(canal, key=lambda m: (len({d.source_id for d in m}), len(m)))
    assert len({d.source_id for d in widest}) >= 4
    # A guard against topic chaining: the widest canal cluster is about the canal
    # (its title names it) for at least 3 in 4 members.
    on_topic = sum("السويس" in (d.title or "") for d in widest)
    assert on_topic >= 0.75 * len(widest), [d.title for d in widest]


def test_empty_and_single_docs_get_their_own_cluster(gold: list[ClusterDoc]) -> None:
    empty = ClusterDoc("empty", "x", DAY, None, "", frozenset())
    assert assign_story_clusters([empty]) == {"empty": cluster_id([empty])}
    clusters = assign_story_clusters([*gold[:3], empty])
    assert len(set(clusters.values())) == 4


def _news_week_docs(
    day: str, keys: tuple[str, ...], entity_ids: frozenset[str]
) -> tuple[list[ClusterDoc], list[ClusterDoc]]:
    """The real articles of ``day`` whose title holds one of ``keys`` (given
    ``entity_ids``), and every 6th other article of that day as background."""
    from akhbar.fetch.dedup import article_id

    records = [r for r in _news_week_day(day) if (r.get("content") or "").strip()]
    records = [r for r in records if r["date_extracted"].startswith(day)]
    picked = [r for r in records if any(key in (r.get("title") or "") for key in keys)]
    background = [r for r in records if r not in picked][::6]
    when = dt.date.fromisoformat(day)

    def build(rows: list[dict], ents: frozenset[str]) -> list[ClusterDoc]:
        return [ClusterDoc(article_id(r["url"]), r["source"], when, r["title"], r["content"], ents)
                for r in rows]  # fmt: skip

    return build(picked, entity_ids), build(background, frozenset())


def _groups(docs: list[ClusterDoc], mapping: dict[str, str]) -> dict[str, list[ClusterDoc]]:
    groups: dict[str, list[ClusterDoc]] = {}
    for doc in docs:
        groups.setdefault(mapping[doc.article_id], []).append(doc)
    return groups


def test_second_pass_joins_sub_stories_with_the_same_headline_subject(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """2015-08-02, Arsenal beat Chelsea for the Community Shield: five outlets' match
    reports form one first-pass cluster, two outlets' same-day curtain-raisers
    ("derby today") another (different leads, title cosine high). The cluster-level
    pass joins them; no background article comes along."""
    import akhbar.clusters.tuning as clusters_module

    story, background = _news_week_docs("2015-08-02", ("تشيلسي",), frozenset())
    docs = story + background
    report = next(d for d in story if "يهزم تشيلسي ويتوّج" in (d.title or ""))
    preview = next(d for d in story if "ديربي ساخن" in (d.title or ""))
    joined = assign_story_clusters(docs)
    assert joined[report.article_id] == joined[preview.article_id]
    members = _groups(docs, joined)[joined[report.article_id]]
    assert len({d.source_id for d in members}) >= 6
    assert all("تشيلسي" in (d.title or "") for d in members), [d.title for d in members]
    # Without the second pass the two sub-stories are separate clusters.
    monkeypatch.setattr(clusters_module, "JOIN_MIN_SIZE", 10**9)
    first = assign_story_clusters(docs)
    assert first[report.article_id] != first[preview.article_id]
    assert len(_groups(docs, first)[first[preview.article_id]]) >= 2


def test_second_pass_keeps_apart_clusters_sharing_a_frequent_entity() -> None:
    """2015-08-02, three stories about Aden, every article given the same entity
    (loc:aden) and naming عدن in its title: Qatar's aid flights, the coalition's
    "Aden is safe", and the Yemeni vice-president's visit. They stay three stories."""
    story, background = _news_week_docs("2015-08-02", ("عدن",), frozenset({"loc:aden"}))
    docs = story + background
    mapping = assign_story_clusters(docs)

    def cluster_of(fragment: str) -> str:
        (doc,) = [d for d in story if fragment in (d.title or "")]
        return mapping[doc.article_id]

    aid, safe = cluster_of("قطر تدشن جسراً"), cluster_of("عسيري: عدن آمنة")
    visit = cluster_of("خالد بحاح يتفقد عدن")
    groups = _groups(docs, mapping)
    assert min(len(groups[aid]), len(groups[safe]), len(groups[visit])) >= 2
    assert len({aid, safe, visit}) == 3
