"""Story clusters: the same story told by different outlets, not only copies.

Two signals, one guarded merge (method and tuning in ``docs/clusters.md``; the
knobs in :mod:`akhbar.clusters.tuning`):

* **Copies** (:mod:`.minhash`): MinHash/LSH over word 3-shingles of the body
  (the first ``COPY_WORDS`` words) proposes pairs; a pair with estimated
  Jaccard >= ``COPY_JACCARD`` is a near-copy (syndicated agency text, light edits).
* **Same story** (:mod:`.stories`): TF-IDF over folded title and lead terms
  (:mod:`.terms`) and linked entity ids; candidate pairs share a rare feature
  and their exact cosine must reach ``EDGE_MIN``.

Both only pair articles at most ``window_days`` apart. Edges are merged in a
fixed order (copies first, then by falling cosine) and a merge of two clusters
is accepted only when every member of each side has a mean cosine to the other
side >= ``SUPPORT_MIN`` (copies are exempt) and the merged cluster spans at most
``window_days + 1`` days. One article similar to two unrelated stories cannot
chain them: the far members of each side do not support the merge. A second,
cluster-level pass then joins whole clusters whose title centroids agree.

Memory: an article is parsed once into what the signals read (content terms of
its title and lead, a MinHash signature, entity ids) and its text is dropped,
so a caller can stream a window of thousands of articles in batches
(:func:`parse_docs`, then :func:`cluster_parsed`) and hold only the parsed form.
Parsing is cached in-process keyed by article_id and a hash of title and body:
the loader's windows overlap by most of their days.

Cluster ids are a hash of the cluster's earliest member (day, then smallest
article_id), so re-running the same docs gives the same ids and a story that
gains later articles keeps its id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from akhbar.clusters import minhash, stories, terms, tuning

__all__ = ["ClusterDoc", "ParsedDoc", "assign_story_clusters", "cluster_id", "cluster_parsed",
           "parse_docs"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ClusterDoc:
    """One article as the clusterer sees it."""

    article_id: str
    source_id: str
    day: dt.date
    title: str | None
    body_text: str
    entity_ids: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Parsed:
    """What one article's text contributes, independent of the other docs."""

    title: tuple[str, ...]
    lead: tuple[str, ...]
    signature: np.ndarray | None  # MinHash over body shingles; None under 5 words


@dataclass(frozen=True, slots=True)
class ParsedDoc:
    """One article after parsing: no text, only what the signals compare."""

    article_id: str
    source_id: str
    day: dt.date
    entity_ids: frozenset[str]
    parsed: _Parsed

    @property
    def title(self) -> tuple[str, ...]:
        return self.parsed.title

    @property
    def lead(self) -> tuple[str, ...]:
        return self.parsed.lead


# article_id + hash of (title, body, parse settings) -> parsed text. A tuning run
# that changes the settings in-process never reads an article parsed under others.
_PARSED: dict[tuple[str, int], _Parsed] = {}


def _parse_texts(docs: Sequence[ClusterDoc]) -> list[_Parsed]:
    """Parsed texts, from the in-process cache or computed in one batch."""
    keys = [(doc.article_id,
             hash((doc.title, doc.body_text, tuning.LEAD_WORDS, tuning.COPY_WORDS)))
            for doc in docs]  # fmt: skip
    todo = list(dict.fromkeys(i for i, key in enumerate(keys) if key not in _PARSED))
    if todo:
        rows, sigs = minhash.signatures([docs[i].body_text or "" for i in todo])
        signature: dict[int, np.ndarray] = dict(zip(rows.tolist(), sigs, strict=True))
        for position, i in enumerate(todo):
            title = terms.words(docs[i].title or "", sys.maxsize // 12, fold=True)
            lead = terms.words(docs[i].body_text or "", tuning.LEAD_WORDS, fold=True)
            _PARSED[keys[i]] = _Parsed(terms.content_terms(title), terms.content_terms(lead),
                                       signature.get(position))  # fmt: skip
        for stale in list(_PARSED)[: max(0, len(_PARSED) - tuning.PARSED_CACHE_SIZE)]:
            del _PARSED[stale]
    return [_PARSED[key] for key in keys]


def parse_docs(docs: Sequence[ClusterDoc]) -> list[ParsedDoc]:
    """One batch of articles parsed for clustering (their text can then be dropped)."""
    return [ParsedDoc(doc.article_id, doc.source_id, doc.day, doc.entity_ids, parsed)
            for doc, parsed in zip(docs, _parse_texts(docs), strict=True)]  # fmt: skip


class _Member(Protocol):
    @property
    def article_id(self) -> str: ...
    @property
    def day(self) -> dt.date: ...


def cluster_id(docs: Iterable[_Member]) -> str:
    """16-hex id of a cluster: hash of its earliest member (day, then article_id)."""
    first = min(docs, key=lambda doc: (doc.day, doc.article_id))
    return hashlib.blake2b(f"story:{first.article_id}".encode(), digest_size=8).hexdigest()


def cluster_parsed(items: Iterable[ParsedDoc], *, window_days: int = 2) -> dict[str, str]:
    """Cluster parsed articles into stories; ``article_id -> cluster_id`` for each.

    Deterministic: the result depends only on the set of articles (not their
    order). An article repeated under one article_id is used once (the first in
    (article_id, source_id, day) order).
    """
    unique: dict[str, ParsedDoc] = {}
    for item in sorted(items, key=lambda d: (d.article_id, d.source_id, d.day)):
        unique.setdefault(item.article_id, item)
    ordered = list(unique.values())
    if not ordered:
        return {}
    days = np.array([item.day.toordinal() for item in ordered], dtype=np.int64)
    vectors, df = stories.tfidf(ordered)
    clusters = stories.StoryClusters(vectors, days, window_days)
    signed = [item.parsed.signature for item in ordered]
    for left, right in minhash.copy_edges(signed, days, window_days):
        clusters.merge(left, right, guarded=False)
    edges = stories.story_edges(vectors, df, days, window_days)
    for _cos, left, right in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        clusters.merge(left, right, guarded=True)
    del edges
    stories.join_stories(clusters, ordered)
    result: dict[str, str] = {}
    for members in clusters.members.values():
        cid = cluster_id(ordered[row] for row in members)
        for row in members:
            result[ordered[row].article_id] = cid
    return result


def assign_story_clusters(docs: Sequence[ClusterDoc], *, window_days: int = 2) -> dict[str, str]:
    """Cluster articles into stories; returns ``article_id -> cluster_id`` for every doc.

    Deterministic: the result depends only on the set of docs (not their order).
    A doc repeated under one article_id is used once (see :func:`cluster_parsed`).
    """
    return cluster_parsed(parse_docs(docs), window_days=window_days)
