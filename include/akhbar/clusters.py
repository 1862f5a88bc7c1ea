"""Story clusters: the same story told by different outlets, not only copies.

Two signals, one guarded merge (method and tuning in ``docs/clusters.md``):

* **Copies**: MinHash/LSH over word 3-shingles of the body (the first
  ``COPY_WORDS`` words) proposes pairs; a pair with estimated Jaccard >=
  ``COPY_JACCARD`` is a near-copy (syndicated agency text, light edits).
* **Same story**: a TF-IDF vector per article over folded, article-stripped
  title tokens (weighted ``TITLE_WEIGHT``), lead tokens (the first
  ``LEAD_WORDS`` words of the body) and linked entity ids (``ENTITY_WEIGHT``).
  Candidate pairs share at least one rare feature (document frequency <=
  ``RARE_DF_FRACTION`` of the docs); their exact cosine must reach ``EDGE_MIN``.

Both only pair articles at most ``window_days`` apart. Edges are merged in a
fixed order (copies first, then by falling cosine) and a merge of two clusters
is accepted only when every member of each side has a mean cosine to the other
side >= ``SUPPORT_MIN`` (copies are exempt) and the merged cluster spans at most
``window_days + 1`` days. One article similar to two unrelated stories cannot
chain them: the far members of each side do not support the merge.

Cluster ids are a hash of the cluster's earliest member (day, then smallest
article_id), so re-running the same docs gives the same ids and a story that
gains later articles keeps its id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from akhbar.dedup import fold_text

# Tuned on the dev days 2015-08-01..04 of news_week (docs/clusters.md).
LEAD_WORDS = 60
TITLE_WEIGHT = 2.0
ENTITY_WEIGHT = 1.5
EDGE_MIN = 0.35
DAY_STEP = 0.05
SUPPORT_MIN = 0.20
RARE_DF_FRACTION = 0.01
RARE_DF_FLOOR = 20
COPY_WORDS = 200
COPY_JACCARD = 0.5
COPY_BANDS = 21
COPY_ROWS = 3
MINHASH_SEED = 1
_PRIME = np.uint64((1 << 31) - 1)


def _fixed_ints(tag: str, low: int) -> np.ndarray:
    """Permutation coefficients from a fixed hash (stable across numpy versions)."""
    values = [
        low + int.from_bytes(hashlib.blake2b(f"{tag}{MINHASH_SEED}:{i}".encode()).digest()[:8],
                             "big") % ((1 << 31) - 1 - low)
        for i in range(COPY_BANDS * COPY_ROWS)
    ]  # fmt: skip
    return np.array(values, dtype=np.uint64)


_PERM_A = _fixed_ints("a", 1)
_PERM_B = _fixed_ints("b", 0)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_ARTICLE_RE = re.compile(r"(?<!\S)(?:وبال|وال|بال|فال|كال|لل|ال)(?=\S{3})")
# Folded function words (normalize_for_match folds ى→ي, ة→ه, أ/إ→ا).
_STOPWORD_TEXT = """
    في من علي الي عن ان او مع هذا هذه ذلك تلك التي الذي الذين اللذين اللتين كان كانت
    يكون تكون قد لا ما لم لن كما بين بعد قبل حيث عند ثم اي كل وقد وفي ومن وعلي والي
    وان او ام بل هو هي هم هن انه انها به بها له لها لهم منه منها فيه فيها عليه عليها
    اليه اليها عنه عنها ذات غير الا اذا اذ لدي حتي خلال ضمن امس اليوم غدا وكان وكانت
    وهو وهي وقال قال قالت وقالت واضاف اضاف واكد اكد مما كذلك ايضا نحو عبر حول منذ
    لدي وذلك وهذا وهذه الي يتم تم وتم
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class ClusterDoc:
    """One article as the clusterer sees it."""

    article_id: str
    source_id: str
    day: dt.date
    title: str | None
    body_text: str
    entity_ids: frozenset[str]


def _head(text: str, words: int) -> str:
    """A prefix of ``text`` long enough for its first ``words`` words (cheap to fold)."""
    chars = words * 12
    return text if len(text) <= chars else text[:chars]


def _terms(text: str, limit: int | None = None) -> list[str]:
    """Folded content words with the article (ال, وال, بال...) stripped; no stop words."""
    words = _TOKEN.findall(fold_text(text if limit is None else _head(text, limit)))
    words = words if limit is None else words[:limit]
    terms = _ARTICLE_RE.sub("", " ".join(w for w in words if w not in STOPWORDS)).split()
    return [term for term in terms if len(term) >= 2 and term not in STOPWORDS]


def _features(doc: ClusterDoc) -> dict[str, float]:
    """Raw (pre-IDF) feature weights: sublinear tf of title and lead, plus entities."""
    counts: dict[str, float] = {}
    for term in _terms(doc.title or ""):
        counts["w:" + term] = counts.get("w:" + term, 0.0) + TITLE_WEIGHT
    for term in _terms(doc.body_text or "", LEAD_WORDS):
        counts["w:" + term] = counts.get("w:" + term, 0.0) + 1.0
    weights = {key: 1.0 + math.log(value) if value >= 1 else value for key, value in counts.items()}
    for eid in sorted(doc.entity_ids):
        if eid:
            weights["e:" + eid] = ENTITY_WEIGHT
    return weights


def _tfidf(docs: Sequence[ClusterDoc]) -> tuple[list[dict[int, float]], np.ndarray]:
    """Unit-length TF-IDF vectors (feature column -> weight) and each column's df."""
    vocab: dict[str, int] = {}
    raw = []
    for doc in docs:
        raw.append({vocab.setdefault(key, len(vocab)): w for key, w in _features(doc).items()})
    df = np.zeros(len(vocab), dtype=np.int64)
    for vec in raw:
        df[list(vec)] += 1
    idf = (np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0).tolist()
    vectors = []
    for vec in raw:
        weighted = {col: w * idf[col] for col, w in vec.items()}
        norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
        vectors.append({col: w / norm for col, w in weighted.items()})
    return vectors, df


def _dot(left: dict[int, float], right: dict[int, float]) -> float:
    if len(right) < len(left):
        left, right = right, left
    return sum(w * right[col] for col, w in left.items() if col in right)


def _csr(vectors: list[dict[int, float]], columns: np.ndarray, width: int) -> sparse.csr_matrix:
    """Rows restricted to ``columns`` (a boolean mask over features)."""
    indptr, indices, data = [0], [], []
    for vec in vectors:
        for col, w in vec.items():
            if columns[col]:
                indices.append(col)
                data.append(w)
        indptr.append(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(vectors), width))


def _story_edges(
    vectors: list[dict[int, float]], df: np.ndarray, days: np.ndarray, window: int
) -> list[tuple[float, int, int]]:
    """Pairs sharing a rare feature, within the window, with cosine >= EDGE_MIN.

    The cosine is the rare-feature part (one sparse product) plus the common-feature
    part (features seen once add nothing). The common part is bounded first by
    Cauchy-Schwarz; only pairs whose bound reaches EDGE_MIN get it computed, so the
    result equals scoring every candidate pair.
    """
    n_docs = len(vectors)
    max_df = max(RARE_DF_FLOOR, int(RARE_DF_FRACTION * n_docs))
    rare = (df >= 2) & (df <= max_df)
    if n_docs < 2 or not rare.any():
        return []
    rare_rows = _csr(vectors, rare, len(df))
    shared = sparse.triu(rare_rows @ rare_rows.T, k=1).tocoo()
    left, right, partial = shared.row, shared.col, shared.data
    common_rows = _csr(vectors, df > max_df, len(df))
    common_norm = np.sqrt(np.asarray(common_rows.multiply(common_rows).sum(axis=1)).ravel())
    keep = (np.abs(days[left] - days[right]) <= window) & (
        partial + common_norm[left] * common_norm[right] >= EDGE_MIN
    )
    left, right, partial = left[keep], right[keep], partial[keep]
    common = common_rows[left].multiply(common_rows[right]).sum(axis=1)
    cosine = partial + np.asarray(common).ravel()
    good = cosine >= EDGE_MIN + DAY_STEP * np.abs(days[left] - days[right])
    return list(zip(cosine[good].tolist(), left[good].tolist(), right[good].tolist(), strict=True))


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")


def _signatures(docs: Sequence[ClusterDoc]) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (rows x hash functions) of each body's word 3-shingles.

    Shingle hashes are mixed from blake2b word hashes; all docs are hashed in one
    array per hash function. Returns the rows that have >= 3 shingles and their
    signatures.
    """
    vocab: dict[str, int] = {}
    ids: list[int] = []
    starts: list[int] = []
    rows: list[int] = []
    for row, doc in enumerate(docs):
        words = _TOKEN.findall(_head(doc.body_text or "", COPY_WORDS))[:COPY_WORDS]
        if len(words) < 5:
            continue
        rows.append(row)
        starts.append(len(ids))
        ids.extend(vocab.setdefault(word, len(vocab)) for word in words)
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, COPY_BANDS * COPY_ROWS), np.uint64)
    hashes = np.array([_word_hash(word) for word in vocab], dtype=np.uint64)[np.array(ids)]
    first = np.array(starts, dtype=np.int64)
    # Shingle i spans words i..i+2 of one doc: drop the two positions before each start.
    inside = np.ones(len(ids) - 2, dtype=bool)
    for cut in (first[1:] - 1, first[1:] - 2):
        inside[cut] = False
    with np.errstate(over="ignore"):
        grams = hashes[:-2] * _MIX[0] + hashes[1:-1] * _MIX[1] + hashes[2:] * _MIX[2]
        grams = ((grams >> np.uint64(32)) ^ (grams & np.uint64(0xFFFFFFFF)))[inside]
    offsets = np.concatenate(([0], np.cumsum(np.diff(np.append(first, len(ids))) - 2)[:-1]))
    sigs = np.empty((len(rows), COPY_BANDS * COPY_ROWS), dtype=np.uint64)
    for k in range(sigs.shape[1]):
        sigs[:, k] = np.minimum.reduceat((_PERM_A[k] * grams + _PERM_B[k]) % _PRIME, offsets)
    return np.array(rows, dtype=np.int64), sigs


def _copy_edges(docs: Sequence[ClusterDoc], days: np.ndarray, window: int) -> list[tuple[int, int]]:
    """Near-copy pairs: LSH bands of MinHash signatures, confirmed by estimated Jaccard."""
    rows, sigs = _signatures(docs)
    candidates: set[tuple[int, int]] = set()
    for band in range(COPY_BANDS):
        block = np.ascontiguousarray(sigs[:, band * COPY_ROWS : (band + 1) * COPY_ROWS])
        _keys, inverse, counts = np.unique(
            block.view(np.dtype((np.void, block.dtype.itemsize * COPY_ROWS))).ravel(),
            return_inverse=True, return_counts=True,
        )  # fmt: skip
        shared = np.flatnonzero(counts[inverse.ravel()] >= 2)
        groups: dict[int, list[int]] = {}
        for index in shared.tolist():
            groups.setdefault(int(inverse.ravel()[index]), []).append(index)
        for members in groups.values():
            for i, left in enumerate(members):
                for right in members[i + 1 :]:
                    if abs(days[rows[left]] - days[rows[right]]) <= window:
                        candidates.add((left, right))
    return sorted(
        (int(rows[left]), int(rows[right]))
        for left, right in candidates
        if float(np.mean(sigs[left] == sigs[right])) >= COPY_JACCARD
    )


class _Clusters:
    """Union-find over doc rows that keeps members and day span per root."""

    def __init__(self, vectors: list[dict[int, float]], days: np.ndarray, window: int) -> None:
        self.vectors = vectors
        self.days = days
        self.window = window
        self.parent = list(range(len(vectors)))
        self.members: dict[int, list[int]] = {row: [row] for row in self.parent}
        # Refused guarded merges, keyed by both roots and their sizes then: an edge
        # between the same unchanged clusters is not checked twice.
        self.refused: set[tuple[int, int, int, int]] = set()

    def find(self, row: int) -> int:
        while self.parent[row] != row:
            self.parent[row] = self.parent[self.parent[row]]
            row = self.parent[row]
        return row

    def _span_ok(self, left: list[int], right: list[int]) -> bool:
        days = self.days[left + right]
        return int(days.max() - days.min()) <= self.window

    def _supported(self, left: list[int], right: list[int]) -> bool:
        """Every member of each side has mean cosine >= SUPPORT_MIN to the other side."""
        block = np.array([[_dot(self.vectors[a], self.vectors[b]) for b in right] for a in left])
        return bool(block.mean(axis=1).min() >= SUPPORT_MIN
                    and block.mean(axis=0).min() >= SUPPORT_MIN)  # fmt: skip

    def merge(self, left: int, right: int, *, guarded: bool) -> bool:
        root_l, root_r = self.find(left), self.find(right)
        if root_l == root_r:
            return False
        mem_l, mem_r = self.members[root_l], self.members[root_r]
        if not self._span_ok(mem_l, mem_r):
            return False
        # Two singletons joined by an edge support each other (EDGE_MIN >= SUPPORT_MIN).
        single = len(mem_l) == len(mem_r) == 1
        if guarded and not single:
            key = (root_l, root_r, len(mem_l), len(mem_r))
            if key in self.refused:
                return False
            if not self._supported(mem_l, mem_r):
                self.refused.add(key)
                return False
        if root_r < root_l:
            root_l, root_r, mem_l, mem_r = root_r, root_l, mem_r, mem_l
        self.parent[root_r] = root_l
        self.members[root_l] = mem_l + mem_r
        del self.members[root_r]
        return True


def cluster_id(docs: Sequence[ClusterDoc]) -> str:
    """16-hex id of a cluster: hash of its earliest member (day, then article_id)."""
    first = min(docs, key=lambda doc: (doc.day, doc.article_id))
    return hashlib.blake2b(f"story:{first.article_id}".encode(), digest_size=8).hexdigest()


def assign_story_clusters(docs: Sequence[ClusterDoc], *, window_days: int = 2) -> dict[str, str]:
    """Cluster articles into stories; returns ``article_id -> cluster_id`` for every doc.

    Deterministic: the result depends only on the set of docs (not their order).
    A doc repeated under one article_id is used once (the first in article_id order).
    """
    unique: dict[str, ClusterDoc] = {}
    for doc in sorted(docs, key=lambda d: (d.article_id, d.source_id, d.day)):
        unique.setdefault(doc.article_id, doc)
    ordered = list(unique.values())
    if not ordered:
        return {}
    days = np.array([doc.day.toordinal() for doc in ordered], dtype=np.int64)
    vectors, df = _tfidf(ordered)
    clusters = _Clusters(vectors, days, window_days)
    for left, right in _copy_edges(ordered, days, window_days):
        clusters.merge(left, right, guarded=False)
    edges = _story_edges(vectors, df, days, window_days)
    for _cos, left, right in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        clusters.merge(left, right, guarded=True)
    result: dict[str, str] = {}
    for members in clusters.members.values():
        cid = cluster_id([ordered[row] for row in members])
        for row in members:
            result[ordered[row].article_id] = cid
    return result
