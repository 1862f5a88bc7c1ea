"""Deduplication: canonical URLs, stable ids, title keys and near-duplicate clusters.

* :func:`normalize_url` gives one spelling per article URL (courlan first, then
  our own rules for tracking parameters, AMP / mobile variants and canonical
  percent-encoding of Arabic paths), so :func:`article_id` is stable across
  feeds that link the same story differently.
* :func:`simhash` and :func:`assign_clusters` find the same story copied or
  lightly edited across sources. Everything is deterministic (fixed hash
  functions and seeds, sorted iteration), so a re-run gives the same ids.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from courlan import normalize_url as _courlan_normalize

from akhbar.arabic.normalize import normalize_for_match

# Query parameters that only track the click; dropped from canonical URLs.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "mc_cid", "mc_eid",
        "igshid", "_ga", "_gl", "ref", "ref_src", "ref_url", "cmpid", "ocid", "ito",
        "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
        "xtor", "spm", "share", "s_cid", "wt.mc_id", "__twitter_impression", "amp",
        "outputtype", "output",
    }
)  # fmt: skip
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "mtm_", "pk_", "hsa_", "vero_", "oly_")
# ``?outputType=amp`` / ``?output=amp`` are AMP switches; other values are kept.
AMP_SWITCH_PARAMS: frozenset[str] = frozenset({"amp", "outputtype", "output"})
MOBILE_HOST_PREFIXES: tuple[str, ...] = ("m.", "mobile.", "amp.", "wap.")
AMP_PATH_SEGMENTS: frozenset[str] = frozenset({"amp", "amp.html"})
# Second-level labels under a ccTLD ("co.uk", "com.sa"): registrable domain has 3 labels.
_SECOND_LEVEL = frozenset({"com", "co", "net", "org", "gov", "edu", "ac", "info", "news"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left unescaped in a canonical path / query (RFC 3986 unreserved + sub-delims).
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_WORD = re.compile(r"\w+", re.UNICODE)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _registrable_labels(host: str) -> int:
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return 3
    return 2


def _canonical_host(host: str) -> str:
    host = host.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    for prefix in MOBILE_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            # m.example.com -> www.example.com (the desktop host); m.news.example.com
            # -> news.example.com.
            if len(host.split(".")) == _registrable_labels(host):
                host = "www." + host
            break
    return host


def _canonical_component(text: str, safe: str) -> str:
    """Decode then re-encode so %d9%85, %D9%85 and a raw م all give %D9%85."""
    return quote(unquote(text, errors="surrogateescape"), safe=safe, errors="surrogateescape")


def _is_tracking(key: str, value: str) -> bool:
    k = key.lower()
    if k in AMP_SWITCH_PARAMS:
        return k == "amp" or value.lower() == "amp"
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """Canonical form of an article URL (see module doc). Never raises; junk in,
    stripped junk out."""
    raw = (url or "").strip()
    if not raw:
        return ""
    try:
        base = _courlan_normalize(raw, strict=False, trailing_slash=True)
    except Exception:  # courlan raises on some malformed input
        base = raw
    try:
        parts = urlsplit(base)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return raw
    host = _canonical_host(parts.hostname or "")
    netloc = host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    if ":" in host and not host.startswith("["):  # IPv6 literal
        netloc = f"[{host}]" + (f":{port}" if port and _DEFAULT_PORTS.get(scheme) != port else "")

    segments = [s for s in parts.path.split("/")]
    kept = [s for s in segments if s.lower() not in AMP_PATH_SEGMENTS]
    path = "/".join(kept) or "/"
    if path.lower().endswith(".amp"):
        path = path[:-4]
    path = _canonical_component(path, _PATH_SAFE)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    if not path.startswith("/"):
        path = "/" + path

    pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k and not _is_tracking(k, v)
    ]
    pairs.sort()
    query = urlencode(pairs, doseq=True, quote_via=quote, safe="-._~")
    return urlunsplit((scheme, netloc, path, query, ""))


def _hex16(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def article_id(url: str) -> str:
    """Stable 16-hex id of the canonical URL."""
    return _hex16(normalize_url(url))


def fold_text(text: str) -> str:
    """Folded, punctuation-free, single-spaced form used by every comparison here."""
    folded = normalize_for_match(text or "")
    return _NON_WORD.sub(" ", folded).strip()


def title_key(title: str) -> str:
    """16-hex hash of the folded title, so spelling/punctuation variants collide."""
    return _hex16(fold_text(title))


def shingles(text: str, k: int = 3) -> list[str]:
    """Word k-shingles of the folded text (the words themselves when shorter than k)."""
    words = _WORD.findall(fold_text(text))
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


def _h64(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "big")


def simhash(text: str) -> int:
    """64-bit SimHash over word 3-shingles, as a signed int64 (0 for empty text)."""
    import numpy as np

    grams = shingles(text)
    if not grams:
        return 0
    # Bit b of the result is set when more shingle hashes have b set than not
    # (the +1/-1 weight sum is positive): count the ones per bit column at once.
    hashes = np.array([_h64(gram) for gram in grams], dtype=np.uint64)
    ones = ((hashes[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).sum(axis=0)
    value = 0
    for bit in np.flatnonzero(2 * ones > len(grams)).tolist():
        value |= 1 << bit
    return value - (1 << 64) if value >= (1 << 63) else value


def hamming(a: int, b: int) -> int:
    """Bit distance between two (signed or unsigned) 64-bit SimHashes."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


NUM_PERM = 128
MINHASH_SEED = 1


def _minhash(grams: Iterable[str]):  # -> datasketch.MinHash
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
    mh.update_batch([g.encode("utf-8") for g in sorted(set(grams))])
    return mh


def assign_clusters(docs: Iterable[tuple[str, str, str]], threshold: float = 0.5) -> dict[str, str]:
    """Cluster near-duplicate bodies; returns ``article_id -> cluster_id`` for every doc.

    MinHash LSH proposes candidate pairs, each pair is confirmed by its estimated
    Jaccard similarity >= ``threshold``, and clusters are the connected components
    (union-find). ``cluster_id`` is the smallest article_id of the component.
    Docs without any word get their own cluster. ``source_id`` is not used to
    split clusters: the same story syndicated by two sources is one cluster.
    """
    from datasketch import MinHashLSH

    by_id: dict[str, str] = {}
    for aid, _source, body in docs:
        by_id[aid] = body or ""
    ids = sorted(by_id)
    parent = {aid: aid for aid in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            parent[rb] = ra

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = {}
    for aid in ids:
        grams = shingles(by_id[aid])
        if not grams:
            continue
        mh = _minhash(grams)
        hashes[aid] = mh
        for other in sorted(lsh.query(mh)):
            # Already in one component: confirming the pair cannot change the
            # clusters (saves most Jaccard checks on large clusters of copies).
            if find(other) != find(aid) and mh.jaccard(hashes[other]) >= threshold:
                union(aid, other)
        lsh.insert(aid, mh)
    return {aid: find(aid) for aid in ids}
