"""The copy signal: MinHash signatures of body word 3-shingles, paired by LSH bands.

A pair whose estimated Jaccard reaches ``COPY_JACCARD`` is a near-copy
(syndicated agency text, light edits).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Sequence

import numpy as np

from akhbar.clusters import terms, tuning

_PRIME = np.uint64((1 << 31) - 1)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


def _fixed_ints(tag: str, low: int, count: int, seed: int) -> np.ndarray:
    """Permutation coefficients from a fixed hash (stable across numpy versions)."""
    values = [
        low + int.from_bytes(hashlib.blake2b(f"{tag}{seed}:{i}".encode()).digest()[:8],
                             "big") % ((1 << 31) - 1 - low)
        for i in range(count)
    ]  # fmt: skip
    return np.array(values, dtype=np.uint64)


@functools.lru_cache(maxsize=4)
def _permutations(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return _fixed_ints("a", 1, count, seed), _fixed_ints("b", 0, count, seed)


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "big")


def _factorize(words: list[str]) -> tuple[np.ndarray, list[str]]:
    """Integer code of each word and the distinct words, in first-seen order."""
    distinct = list(dict.fromkeys(words))
    index = {word: code for code, word in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    return codes, distinct


def signatures(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures (rows x hash functions) of each body's word 3-shingles.

    Shingle hashes are mixed from blake2b word hashes; all bodies are hashed in one
    array per hash function. Returns the rows with >= 5 words and their signatures.
    """
    width = tuning.COPY_BANDS * tuning.COPY_ROWS
    token_lists = [terms.words(body, tuning.COPY_WORDS, fold=False) for body in bodies]
    rows = [row for row, words in enumerate(token_lists) if len(words) >= 5]
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, width), np.uint64)
    kept = [token_lists[row] for row in rows]
    lengths = np.array([len(words) for words in kept], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).tolist()
    ids, vocab = _factorize(list(itertools.chain.from_iterable(kept)))
    del token_lists, kept
    hashes = np.array([_word_hash(word) for word in vocab], dtype=np.uint64)[ids]
    first = np.array(starts, dtype=np.int64)
    # Shingle i spans words i..i+2 of one body: drop the two positions before each start.
    inside = np.ones(len(ids) - 2, dtype=bool)
    for cut in (first[1:] - 1, first[1:] - 2):
        inside[cut] = False
    with np.errstate(over="ignore"):
        grams = hashes[:-2] * _MIX[0] + hashes[1:-1] * _MIX[1] + hashes[2:] * _MIX[2]
        grams = ((grams >> np.uint64(32)) ^ (grams & np.uint64(0xFFFFFFFF)))[inside]
    offsets = np.concatenate(([0], np.cumsum(np.diff(np.append(first, len(ids))) - 2)[:-1]))
    perm_a, perm_b = _permutations(width, tuning.MINHASH_SEED)
    sigs = np.empty((len(rows), width), dtype=np.uint64)
    for k in range(width):
        sigs[:, k] = np.minimum.reduceat((perm_a[k] * grams + perm_b[k]) % _PRIME, offsets)
    return np.array(rows, dtype=np.int64), sigs


def copy_edges(
    signed: Sequence[np.ndarray | None], days: np.ndarray, window: int
) -> list[tuple[int, int]]:
    """Near-copy pairs (rows of ``signed``): LSH bands of MinHash signatures within
    ``window`` days, confirmed by estimated Jaccard."""
    band_rows = tuning.COPY_ROWS
    rows = np.array([row for row, sig in enumerate(signed) if sig is not None], dtype=np.int64)
    sigs = np.array([signed[row] for row in rows.tolist()], dtype=np.uint64)
    sigs = sigs.reshape(len(rows), tuning.COPY_BANDS * band_rows)
    candidates: set[tuple[int, int]] = set()
    for band in range(tuning.COPY_BANDS):
        block = np.ascontiguousarray(sigs[:, band * band_rows : (band + 1) * band_rows])
        _keys, inverse, counts = np.unique(
            block.view(np.dtype((np.void, block.dtype.itemsize * band_rows))).ravel(),
            return_inverse=True, return_counts=True,
        )  # fmt: skip
        inverse = inverse.ravel()
        groups: dict[int, list[int]] = {}
        for index in np.flatnonzero(counts[inverse] >= 2).tolist():
            groups.setdefault(int(inverse[index]), []).append(index)
        for members in groups.values():
            for i, left in enumerate(members):
                for right in members[i + 1 :]:
                    if abs(days[rows[left]] - days[rows[right]]) <= window:
                        candidates.add((left, right))
    return sorted(
        (int(rows[left]), int(rows[right]))
        for left, right in candidates
        if float(np.mean(sigs[left] == sigs[right])) >= tuning.COPY_JACCARD
    )
