"""The story clusterer's knobs, in one place (tuned on the dev days 2015-08-01..04
of news_week; method and tuning in ``docs/clusters.md``).

Sub-modules read them as ``tuning.NAME`` at call time, so a tuning run
(``scripts/eval_clusters.py --set NAME=VALUE``) or a test can override one.
"""

from __future__ import annotations

# Same-story signal: TF-IDF over title terms, lead terms and linked entities.
LEAD_WORDS = 60
TITLE_WEIGHT = 2.0
ENTITY_WEIGHT = 1.5
EDGE_MIN = 0.35
DAY_STEP = 0.05
SUPPORT_MIN = 0.20
RARE_DF_FRACTION = 0.01
RARE_DF_FLOOR = 20
# Copy signal: MinHash/LSH over word 3-shingles of the body's first COPY_WORDS words.
COPY_WORDS = 200
COPY_JACCARD = 0.5
COPY_BANDS = 21
COPY_ROWS = 3
MINHASH_SEED = 1
# Second, cluster-level pass: join whole clusters by their titles.
JOIN_MIN_SIZE = 2
JOIN_CENTROID_MIN = 0.45
JOIN_SUPPORT_MIN = 0.10
JOIN_SHARED_TERMS = 2
# Parsed articles kept in-process (the loader's windows overlap by most of their days).
PARSED_CACHE_SIZE = 40_000
# Rows of the rare-feature product computed at once (bounds the story edges' memory).
EDGE_BLOCK_ROWS = 500


def body_chars() -> int:
    """Characters of a body the clusterer can read: ``terms.words`` scans at most
    12 per word, and the copy signal reads the most words."""
    return max(COPY_WORDS, LEAD_WORDS) * 12
