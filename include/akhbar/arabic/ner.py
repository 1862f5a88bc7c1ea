"""CRF named-entity tagger (PER / LOC / ORG, BIO) on python-crfsuite.

The model (``models/ner.crfsuite``) is trained by ``scripts/train_ner.py``
from the public corpora under ``/work/shared/corpus/ner``; see
``models/README.md`` for provenance. Its features are built by
:mod:`akhbar.arabic.ner_features`; :class:`NameMemory` carries person names
from sentence to sentence.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from akhbar.arabic.ner_features import TAGS, sentence_features, shape, token_features
from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.rules.ner_cues import NOT_SURNAMES
from akhbar.arabic.tokenize import stem_candidates

__all__ = [
    "MODEL_PATH",
    "TAGS",
    "NameMemory",
    "fix_bio",
    "main_tag",
    "model_available",
    "tag_conll",
    "tag_tokens",
]

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner.crfsuite"
MEMORY_SENTENCES = 20  # a full name's surname is recalled this many sentences on


@lru_cache(maxsize=2)
def _tagger(path: str):  # -> pycrfsuite.Tagger
    import pycrfsuite

    if not Path(path).is_file():
        raise FileNotFoundError(f"NER model not found: {path} (run make train-ner)")
    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def model_available(path: Path | str = MODEL_PATH) -> bool:
    """Whether the CRF model file exists."""
    return Path(path).is_file()


def tag_tokens(
    tokens: list[str], model: Path | str = MODEL_PATH, gaz: list[str] | None = None
) -> list[str]:
    """BIO tags (B-/I- PER, LOC, ORG, else O) for one sentence of tokens.

    ``gaz``: the gazetteer BIO tag of each token when the caller already matched
    the gazetteer (saves matching twice); computed here when omitted."""
    if not tokens:
        return []
    tagger = _tagger(str(model))
    feats = sentence_features(tokens) if gaz is None else token_features(tokens, gaz)
    tags = tagger.tag(feats)
    return fix_bio(tags)


def fix_bio(tags: list[str]) -> list[str]:
    """Turn an ``I-X`` that does not continue an ``X`` into ``B-X``."""
    out: list[str] = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def _conll_sentences(lines: Iterable[str]) -> Iterable[list[str]]:
    sent: list[str] = []
    for raw in lines:
        line = raw.replace("\u200e", "").replace("\ufeff", "").strip()
        if not line:
            if sent:
                yield sent
                sent = []
            continue
        tok = line.split()[0]
        sent.append(tok)
        if tok == ".":
            yield sent
            sent = []
    if sent:
        yield sent


def tag_conll(lines: Iterable[str], model: Path | str = MODEL_PATH) -> Iterable[str]:
    """Tag CoNLL-style input (first column = token; blank line or ``.`` ends a
    sentence); yields ``token<TAB>tag`` lines, a blank line after each sentence."""
    names = NameMemory()
    for sent in _conll_sentences(lines):
        for tok, tag in zip(sent, names.tag(sent, model), strict=True):
            yield f"{tok}\t{tag}"
        yield ""


class NameMemory:
    """Tags a stream of sentences and carries person names across them.

    Newswire names a person in full once (إميل لحود) and by surname after
    (لحود); the CRF alone misses many of the bare surnames. After a sentence is
    tagged, the last word of every multi-word PER span is remembered for the
    next :data:`MEMORY_SENTENCES` sentences; a later token the CRF left ``O``
    whose form or clitic-stripped reading (ولحود) equals it becomes ``B-PER``.
    """

    def __init__(self, horizon: int = 0) -> None:
        self.horizon = horizon or MEMORY_SENTENCES
        self.seen: dict[str, int] = {}  # folded surname -> sentence number last seen
        self.n = 0

    def tag(self, words: list[str], model: Path | str = MODEL_PATH) -> list[str]:
        """BIO tags for the next sentence of the stream."""
        tags = tag_tokens(words, model)
        self.n += 1
        live = {w for w, k in self.seen.items() if self.n - k <= self.horizon}
        self.seen = {w: self.seen[w] for w in live}
        for i, tag in enumerate(tags):
            if (
                tag == "O"
                and live
                and shape(words[i]) == "arabic"
                and any(form in live for _, form in stem_candidates(words[i]))
            ):
                tags[i] = "B-PER"
        for i, tag in enumerate(tags):
            if tag == "B-PER" and i + 1 < len(tags) and tags[i + 1] == "I-PER":
                j = i + 1
                while j + 1 < len(tags) and tags[j + 1] == "I-PER":
                    j += 1
                last = normalize_for_match(words[j])
                if len(last) >= 3 and last not in NOT_SURNAMES:
                    self.seen[last] = self.n
        return tags


def main_tag(path: str) -> int:
    """CLI entry for ``akhbar tag --conll PATH`` (``-`` = stdin). Returns an exit code."""
    try:
        if path == "-":
            for line in tag_conll(sys.stdin):
                print(line)
            return 0
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in tag_conll(fh):
                print(line)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
