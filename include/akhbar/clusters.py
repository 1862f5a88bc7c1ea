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

A second, cluster-level pass then joins whole clusters (of >= ``JOIN_MIN_SIZE``
articles) whose title centroids have cosine >= ``JOIN_CENTROID_MIN``: outlets
that each wrote their own lead about one event share the headline subject even
when their leads share too little for a story edge. A join needs >=
``JOIN_SHARED_TERMS`` title terms common to half of each side's titles and the
same group-average support (``JOIN_SUPPORT_MIN``) as above.

Per-article parsing (folded title and lead terms, MinHash signature) is cached
in-process keyed by article_id and a hash of title and body: the loader's
windows overlap by seven of eight days.

Cluster ids are a hash of the cluster's earliest member (day, then smallest
article_id), so re-running the same docs gives the same ids and a story that
gains later articles keeps its id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from akhbar.arabic.normalize import normalize_for_match

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
PARSED_CACHE_SIZE = 40_000
# Second, cluster-level pass (docs/clusters.md): join whole clusters by their titles.
JOIN_MIN_SIZE = 2
JOIN_CENTROID_MIN = 0.45
JOIN_SUPPORT_MIN = 0.10
JOIN_SHARED_TERMS = 2
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


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_ARTICLES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")


def _strip_article(word: str) -> str | None:
    """The content term of a folded word: the article prefix removed when >= 3
    letters remain; None for a stop word or a term shorter than 2 letters."""
    if word in STOPWORDS:
        return None
    for prefix in _ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    return word if len(word) >= 2 and word not in STOPWORDS else None


def _words(text: str, limit: int, *, fold: bool) -> list[str]:
    """The first ``limit`` word tokens of ``text[: limit * 12]`` (folded with
    ``normalize_for_match``).

    A shorter prefix is scanned first: when it yields more than ``limit`` tokens,
    the first ``limit`` are complete words and equal those of the long prefix.
    """
    for chars in (limit * 7, limit * 12):
        head = text[:chars]
        words = _TOKEN.findall(normalize_for_match(head) if fold else head)
        if len(words) > limit or len(head) < chars or chars == limit * 12:
            return words[:limit]
    return []


@dataclass(frozen=True, slots=True)
class _Parsed:
    """What one article contributes, independent of the other docs of the call."""

    title: tuple[str, ...]
    lead: tuple[str, ...]
    signature: np.ndarray | None  # MinHash over body shingles; None under 5 words


# article_id + hash of (title, body) -> parsed article. The loader's windows overlap
# by 7 of 8 days, so a process clustering several days parses each article once.
_PARSED: dict[tuple[str, int], _Parsed] = {}


def _parse(docs: Sequence[ClusterDoc]) -> list[_Parsed]:
    """Parsed articles, from the in-process cache or computed in one batch."""
    # The parse settings are part of the key, so a tuning run that changes them
    # in-process never reads an article parsed under other settings.
    keys = [(doc.article_id, hash((doc.title, doc.body_text, LEAD_WORDS, COPY_WORDS)))
            for doc in docs]  # fmt: skip
    todo = list(dict.fromkeys(i for i, key in enumerate(keys) if key not in _PARSED))
    if todo:
        memo: dict[str, str | None] = {}
        rows, sigs = _signatures([docs[i].body_text or "" for i in todo])
        signature: dict[int, np.ndarray] = dict(zip(rows.tolist(), sigs, strict=True))
        for position, i in enumerate(todo):
            title = _words(docs[i].title or "", sys.maxsize // 12, fold=True)
            lead = _words(docs[i].body_text or "", LEAD_WORDS, fold=True)
            _PARSED[keys[i]] = _Parsed(_content(title, memo), _content(lead, memo),
                                       signature.get(position))  # fmt: skip
        for stale in list(_PARSED)[: max(0, len(_PARSED) - PARSED_CACHE_SIZE)]:
            del _PARSED[stale]
    return [_PARSED[key] for key in keys]


def _content(words: list[str], memo: dict[str, str | None]) -> tuple[str, ...]:
    for word in words:
        if word not in memo:
            memo[word] = _strip_article(word)
    return tuple(term for word in words if (term := memo[word]))


def _features(doc: ClusterDoc, title: Sequence[str], lead: Sequence[str]) -> dict[str, float]:
    """Raw (pre-IDF) feature weights: sublinear tf of title and lead, plus entities."""
    counts: dict[str, float] = {}
    for term in title:
        counts["w:" + term] = counts.get("w:" + term, 0.0) + TITLE_WEIGHT
    for term in lead:
        counts["w:" + term] = counts.get("w:" + term, 0.0) + 1.0
    weights = {key: 1.0 + math.log(value) for key, value in counts.items()}
    for eid in sorted(doc.entity_ids):
        if eid:
            weights["e:" + eid] = ENTITY_WEIGHT
    return weights


def _tfidf(
    docs: Sequence[ClusterDoc], parsed: Sequence[_Parsed]
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Unit-length TF-IDF rows (docs x features, CSR) and each feature's df."""
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for doc, item in zip(docs, parsed, strict=True):
        for key, weight in _features(doc, item.title, item.lead).items():
            indices.append(vocab.setdefault(key, len(vocab)))
            data.append(weight)
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), indptr),
        shape=(len(docs), len(vocab)),
    )
    df = np.bincount(matrix.indices, minlength=len(vocab)).astype(np.int64)
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    matrix.data *= idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
    return matrix, df


def _dot(left: dict[int, float], right: dict[int, float]) -> float:
    if len(right) < len(left):
        left, right = right, left
    return sum(w * right[col] for col, w in left.items() if col in right)


def _columns(matrix: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """``matrix`` with only the features in ``columns`` (a boolean mask) kept."""
    kept = matrix.multiply(columns.astype(np.float64)[np.newaxis, :]).tocsr()
    kept.eliminate_zeros()
    return kept


def _story_edges(
    vectors: sparse.csr_matrix, df: np.ndarray, days: np.ndarray, window: int
) -> list[tuple[float, int, int]]:
    """Pairs sharing a rare feature, within the window, with cosine >= EDGE_MIN.

    The cosine is the rare-feature part (one sparse product) plus the common-feature
    part (features seen once add nothing). The common part is bounded first by
    Cauchy-Schwarz; only pairs whose bound reaches EDGE_MIN get it computed, so the
    result equals scoring every candidate pair.
    """
    n_docs = vectors.shape[0]
    max_df = max(RARE_DF_FLOOR, int(RARE_DF_FRACTION * n_docs))
    rare = (df >= 2) & (df <= max_df)
    if n_docs < 2 or not rare.any():
        return []
    rare_rows = _columns(vectors, rare)
    shared = sparse.triu(rare_rows @ rare_rows.T, k=1).tocoo()
    left, right, partial = shared.row, shared.col, shared.data
    common_rows = _columns(vectors, df > max_df)
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


def _factorize(words: list[str]) -> tuple[np.ndarray, list[str]]:
    """Integer code of each word and the distinct words, in first-seen order."""
    distinct = list(dict.fromkeys(words))
    index = {word: code for code, word in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    return codes, distinct


def _signatures(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (rows x hash functions) of each body's word 3-shingles.

    Shingle hashes are mixed from blake2b word hashes; all docs are hashed in one
    array per hash function. Returns the rows that have >= 3 shingles and their
    signatures.
    """
    token_lists = [_words(body, COPY_WORDS, fold=False) for body in bodies]
    rows = [row for row, words in enumerate(token_lists) if len(words) >= 5]
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, COPY_BANDS * COPY_ROWS), np.uint64)
    kept = [token_lists[row] for row in rows]
    lengths = np.array([len(words) for words in kept], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).tolist()
    ids, vocab = _factorize(list(itertools.chain.from_iterable(kept)))
    hashes = np.array([_word_hash(word) for word in vocab], dtype=np.uint64)[ids]
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


def _copy_edges(parsed: Sequence[_Parsed], days: np.ndarray, window: int) -> list[tuple[int, int]]:
    """Near-copy pairs: LSH bands of MinHash signatures, confirmed by estimated Jaccard."""
    rows = np.array([row for row, item in enumerate(parsed) if item.signature is not None],
                    dtype=np.int64)  # fmt: skip
    sigs = np.array([parsed[row].signature for row in rows.tolist()], dtype=np.uint64)
    sigs = sigs.reshape(len(rows), COPY_BANDS * COPY_ROWS)
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

    def __init__(self, vectors: sparse.csr_matrix, days: np.ndarray, window: int) -> None:
        self.vectors = vectors
        self.days = days
        self.window = window
        self.parent = list(range(vectors.shape[0]))
        self.members: dict[int, list[int]] = {row: [row] for row in self.parent}
        # Refused guarded merges, keyed by both roots and their sizes then: an edge
        # between the same unchanged clusters is not checked twice.
        self.refused: set[tuple[int, int, int, int]] = set()
        self.rows: dict[int, dict[int, float]] = {}

    def _row(self, row: int) -> dict[int, float]:
        """One doc's vector as a dict (built on first use; few rows are ever compared)."""
        if row not in self.rows:
            span = slice(self.vectors.indptr[row], self.vectors.indptr[row + 1])
            self.rows[row] = dict(zip(self.vectors.indices[span].tolist(),
                                      self.vectors.data[span].tolist(), strict=True))  # fmt: skip
        return self.rows[row]

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
        block = np.array([[_dot(self._row(a), self._row(b)) for b in right] for a in left])
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


def _title_vectors(parsed: Sequence[_Parsed]) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows over title terms only (no lead, no entities)."""
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for item in parsed:
        counts: dict[int, int] = {}
        for term in item.title:
            col = vocab.setdefault(term, len(vocab))
            counts[col] = counts.get(col, 0) + 1
        indices.extend(counts)
        data.extend(1.0 + math.log(count) for count in counts.values())
        indptr.append(len(indices))
    matrix = sparse.csr_matrix((np.array(data, dtype=np.float64),
                                np.array(indices, dtype=np.int64), indptr),
                               shape=(len(parsed), len(vocab)))  # fmt: skip
    df = np.bincount(matrix.indices, minlength=len(vocab))
    matrix.data *= (np.log((1.0 + len(parsed)) / (1.0 + df)) + 1.0)[matrix.indices]
    return _unit_rows(matrix)


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _centroids(titles: sparse.csr_matrix, groups: list[list[int]]) -> sparse.csr_matrix:
    """Unit-length mean title vector of each group of rows."""
    rows = np.concatenate([np.full(len(g), i) for i, g in enumerate(groups)])
    cols = np.concatenate([np.array(g, dtype=np.int64) for g in groups])
    member = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)),
                               shape=(len(groups), titles.shape[0]))  # fmt: skip
    return _unit_rows(member @ titles)


def _core_terms(parsed: Sequence[_Parsed], members: list[int]) -> set[str]:
    """Title terms found in at least half of the members' titles: the headline subject."""
    counts: dict[str, int] = {}
    for row in members:
        for term in set(parsed[row].title):
            counts[term] = counts.get(term, 0) + 1
    return {term for term, count in counts.items() if 2 * count >= len(members)}


def _join_ok(clusters: _Clusters, parsed: Sequence[_Parsed], left: int, right: int) -> bool:
    """Guard of the cluster-level pass, on the clusters as they are at that moment.

    Both headline subjects share >= JOIN_SHARED_TERMS core terms (one template word
    such as "weddings" or "jobs" is not a subject), and every member of each side
    keeps a mean full-vector cosine >= JOIN_SUPPORT_MIN to the other side, so a
    cluster cannot be pulled in by a few similar members (no chaining).
    """
    mem_l, mem_r = clusters.members[left], clusters.members[right]
    shared = _core_terms(parsed, mem_l) & _core_terms(parsed, mem_r)
    if len(shared) < JOIN_SHARED_TERMS:
        return False
    block = (clusters.vectors[mem_l] @ clusters.vectors[mem_r].T).toarray()
    return bool(min(block.mean(axis=1).min(), block.mean(axis=0).min()) >= JOIN_SUPPORT_MIN)


def _join_stories(clusters: _Clusters, parsed: Sequence[_Parsed]) -> int:
    """Second pass: join clusters told with different leads but the same headline subject.

    Clusters of >= ``JOIN_MIN_SIZE`` articles are compared by the cosine of their
    title centroids; pairs >= ``JOIN_CENTROID_MIN`` are joined by falling
    similarity when ``_join_ok`` holds for the clusters as they are then and the
    day span stays within the window. Returns the number of joins.
    """
    roots = sorted(root for root, m in clusters.members.items() if len(m) >= JOIN_MIN_SIZE)
    if len(roots) < 2:
        return 0
    titles = _title_vectors(parsed)
    cents = _centroids(titles, [clusters.members[root] for root in roots])
    pairs = sparse.triu(cents @ cents.T, k=1).tocoo()
    keep = pairs.data >= JOIN_CENTROID_MIN
    order = sorted(zip((-pairs.data[keep]).tolist(), pairs.row[keep].tolist(),
                       pairs.col[keep].tolist(), strict=True))  # fmt: skip
    joins = 0
    for _sim, i, j in order:
        left, right = clusters.find(roots[i]), clusters.find(roots[j])
        if left != right and _join_ok(clusters, parsed, left, right):
            joins += clusters.merge(left, right, guarded=False)
    return joins


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
    parsed = _parse(ordered)
    vectors, df = _tfidf(ordered, parsed)
    clusters = _Clusters(vectors, days, window_days)
    for left, right in _copy_edges(parsed, days, window_days):
        clusters.merge(left, right, guarded=False)
    edges = _story_edges(vectors, df, days, window_days)
    for _cos, left, right in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        clusters.merge(left, right, guarded=True)
    _join_stories(clusters, parsed)
    result: dict[str, str] = {}
    for members in clusters.members.values():
        cid = cluster_id([ordered[row] for row in members])
        for row in members:
            result[ordered[row].article_id] = cid
    return result
