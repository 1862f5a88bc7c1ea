"""The same-story signal and the guarded merge.

A TF-IDF vector per article over folded, article-stripped title terms (weighted
``TITLE_WEIGHT``), lead terms and linked entity ids (``ENTITY_WEIGHT``).
Candidate pairs share at least one rare feature (document frequency <=
``RARE_DF_FRACTION`` of the docs); their exact cosine must reach ``EDGE_MIN``.
Merges are guarded (``StoryClusters.merge``), and a second pass joins whole
clusters whose title centroids agree (``join_stories``).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from scipy import sparse

from akhbar.clusters import tuning


class Parsed(Protocol):
    """What the story signal reads of one article."""

    @property
    def title(self) -> tuple[str, ...]: ...
    @property
    def lead(self) -> tuple[str, ...]: ...
    @property
    def entity_ids(self) -> frozenset[str]: ...


def _features(item: Parsed) -> dict[str, float]:
    """Raw (pre-IDF) feature weights: sublinear tf of title and lead, plus entities."""
    counts: dict[str, float] = {}
    for term in item.title:
        counts["w:" + term] = counts.get("w:" + term, 0.0) + tuning.TITLE_WEIGHT
    for term in item.lead:
        counts["w:" + term] = counts.get("w:" + term, 0.0) + 1.0
    weights = {key: 1.0 + math.log(value) for key, value in counts.items()}
    for eid in sorted(item.entity_ids):
        if eid:
            weights["e:" + eid] = tuning.ENTITY_WEIGHT
    return weights


def _csr(indptr: array, indices: array, data: array, shape: tuple[int, int]) -> sparse.csr_matrix:
    return sparse.csr_matrix(
        (np.frombuffer(data, dtype=np.float64), np.frombuffer(indices, dtype=np.int64),
         np.frombuffer(indptr, dtype=np.int64)),
        shape=shape,
    )  # fmt: skip


def tfidf(parsed: Sequence[Parsed]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Unit-length TF-IDF rows (docs x features, CSR) and each feature's df.

    Built in typed arrays, not Python lists: a 10k-article window has about a
    million non-zeros.
    """
    vocab: dict[str, int] = {}
    indptr, indices, data = array("q", [0]), array("q"), array("d")
    for item in parsed:
        for key, weight in _features(item).items():
            indices.append(vocab.setdefault(key, len(vocab)))
            data.append(weight)
        indptr.append(len(indices))
    matrix = _csr(indptr, indices, data, (len(parsed), len(vocab)))
    df = np.bincount(matrix.indices, minlength=len(vocab)).astype(np.int64)
    idf = np.log((1.0 + len(parsed)) / (1.0 + df)) + 1.0
    matrix.data *= idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
    return matrix, df


def _columns(matrix: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """``matrix`` with only the features in ``columns`` (a boolean mask) kept."""
    kept = matrix.multiply(columns.astype(np.float64)[np.newaxis, :]).tocsr()
    kept.eliminate_zeros()
    return kept


def story_edges(
    vectors: sparse.csr_matrix, df: np.ndarray, days: np.ndarray, window: int
) -> list[tuple[float, int, int]]:
    """Pairs sharing a rare feature, within the window, with cosine >= EDGE_MIN.

    The cosine is the rare-feature part (one sparse product) plus the common-feature
    part (features seen once add nothing). The common part is bounded first by
    Cauchy-Schwarz; only pairs whose bound reaches EDGE_MIN get it computed, so the
    result equals scoring every candidate pair. The product is taken in blocks of
    ``EDGE_BLOCK_ROWS`` rows, so its memory is bounded whatever the window holds.
    """
    n_docs = vectors.shape[0]
    max_df = max(tuning.RARE_DF_FLOOR, int(tuning.RARE_DF_FRACTION * n_docs))
    rare = (df >= 2) & (df <= max_df)
    if n_docs < 2 or not rare.any():
        return []
    rare_rows = _columns(vectors, rare)
    common_rows = _columns(vectors, df > max_df)
    common_norm = np.sqrt(np.asarray(common_rows.multiply(common_rows).sum(axis=1)).ravel())
    edges: list[tuple[float, int, int]] = []
    for start in range(0, n_docs, tuning.EDGE_BLOCK_ROWS):
        shared = (rare_rows[start : start + tuning.EDGE_BLOCK_ROWS] @ rare_rows.T).tocoo()
        left, right, partial = shared.row.astype(np.int64) + start, shared.col, shared.data
        gap = np.abs(days[left] - days[right])
        keep = (
            (right > left)
            & (gap <= window)
            & (partial + common_norm[left] * common_norm[right] >= tuning.EDGE_MIN)
        )
        left, right, partial, gap = left[keep], right[keep], partial[keep], gap[keep]
        del shared
        common = common_rows[left].multiply(common_rows[right]).sum(axis=1)
        cosine = partial + np.asarray(common).ravel()
        good = cosine >= tuning.EDGE_MIN + tuning.DAY_STEP * gap
        edges.extend(zip(cosine[good].tolist(), left[good].tolist(), right[good].tolist(),
                         strict=True))  # fmt: skip
    return edges


def _dot(left: dict[int, float], right: dict[int, float]) -> float:
    if len(right) < len(left):
        left, right = right, left
    return sum(w * right[col] for col, w in left.items() if col in right)


class StoryClusters:
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
        return bool(block.mean(axis=1).min() >= tuning.SUPPORT_MIN
                    and block.mean(axis=0).min() >= tuning.SUPPORT_MIN)  # fmt: skip

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


def _title_vectors(parsed: Sequence[Parsed]) -> sparse.csr_matrix:
    """Unit-length TF-IDF rows over title terms only (no lead, no entities)."""
    vocab: dict[str, int] = {}
    indptr, indices, data = array("q", [0]), array("q"), array("d")
    for item in parsed:
        counts: dict[int, int] = {}
        for term in item.title:
            col = vocab.setdefault(term, len(vocab))
            counts[col] = counts.get(col, 0) + 1
        indices.extend(counts)
        data.extend(1.0 + math.log(count) for count in counts.values())
        indptr.append(len(indices))
    matrix = _csr(indptr, indices, data, (len(parsed), len(vocab)))
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


def _core_terms(parsed: Sequence[Parsed], members: list[int]) -> set[str]:
    """Title terms found in at least half of the members' titles: the headline subject."""
    counts: dict[str, int] = {}
    for row in members:
        for term in set(parsed[row].title):
            counts[term] = counts.get(term, 0) + 1
    return {term for term, count in counts.items() if 2 * count >= len(members)}


def _join_ok(clusters: StoryClusters, parsed: Sequence[Parsed], left: int, right: int) -> bool:
    """Guard of the cluster-level pass, on the clusters as they are at that moment.

    Both headline subjects share >= JOIN_SHARED_TERMS core terms (one template word
    such as "weddings" or "jobs" is not a subject), and every member of each side
    keeps a mean full-vector cosine >= JOIN_SUPPORT_MIN to the other side, so a
    cluster cannot be pulled in by a few similar members (no chaining).
    """
    mem_l, mem_r = clusters.members[left], clusters.members[right]
    shared = _core_terms(parsed, mem_l) & _core_terms(parsed, mem_r)
    if len(shared) < tuning.JOIN_SHARED_TERMS:
        return False
    block = (clusters.vectors[mem_l] @ clusters.vectors[mem_r].T).toarray()
    return bool(min(block.mean(axis=1).min(), block.mean(axis=0).min()) >= tuning.JOIN_SUPPORT_MIN)


def join_stories(clusters: StoryClusters, parsed: Sequence[Parsed]) -> int:
    """Second pass: join clusters told with different leads but the same headline subject.

    Clusters of >= ``JOIN_MIN_SIZE`` articles are compared by the cosine of their
    title centroids; pairs >= ``JOIN_CENTROID_MIN`` are joined by falling
    similarity when ``_join_ok`` holds for the clusters as they are then and the
    day span stays within the window. Returns the number of joins.
    """
    roots = sorted(root for root, m in clusters.members.items() if len(m) >= tuning.JOIN_MIN_SIZE)
    if len(roots) < 2:
        return 0
    titles = _title_vectors(parsed)
    cents = _centroids(titles, [clusters.members[root] for root in roots])
    pairs = sparse.triu(cents @ cents.T, k=1).tocoo()
    keep = pairs.data >= tuning.JOIN_CENTROID_MIN
    order = sorted(zip((-pairs.data[keep]).tolist(), pairs.row[keep].tolist(),
                       pairs.col[keep].tolist(), strict=True))  # fmt: skip
    joins = 0
    for _sim, i, j in order:
        left, right = clusters.find(roots[i]), clusters.find(roots[j])
        if left != right and _join_ok(clusters, parsed, left, right):
            joins += clusters.merge(left, right, guarded=False)
    return joins
