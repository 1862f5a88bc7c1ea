"""Gazetteer of Arabic names (``seeds/gazetteer.csv``) and a fast longest-match tagger.

Every ``name_ar`` and ``variants_ar`` form is tokenised and folded with
:func:`normalize_for_match`, so hamza/alef/taa-marbuta spelling variants need no
separate rows. Matching walks the tokens once; at each token it tries the
token itself and its proclitic-stripped readings (وموسكو -> موسكو, للحكومة ->
الحكومه) as the first word of a name, then extends word by word (longest match
wins). A stripped clitic is left out of the reported span.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.tokenize import Token, stem_candidates, tokenize

ENTITY_TYPES = ("PER", "LOC", "ORG")
COLUMNS = ("entity_id", "type", "name_ar", "variants_ar", "name_en", "wikidata_id")


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One entity of the gazetteer."""

    entity_id: str
    type: str
    name_ar: str
    name_en: str
    wikidata_id: str | None


@dataclass(frozen=True, slots=True)
class Match:
    """A gazetteer hit: ``text == source[start:end]`` (clitics excluded)."""

    text: str
    type: str
    start: int
    end: int
    entity_id: str


@dataclass(slots=True)
class Gazetteer:
    """Folded multi-word names keyed by their token tuple."""

    names: dict[tuple[str, ...], GazEntry]
    first: dict[str, tuple[int, ...]]  # first folded token -> name lengths, longest first
    known_tokens: frozenset[str]
    entities: dict[str, GazEntry]

    def lookup(self, name: str) -> GazEntry | None:
        """The entry whose (folded) name or variant is exactly ``name``."""
        return self.names.get(tuple(_fold(t.text) for t in tokenize(name)))


@lru_cache(maxsize=50_000)
def _fold(word: str) -> str:
    return normalize_for_match(word)


@lru_cache(maxsize=50_000)
def _readings(word: str) -> tuple[tuple[int, str], ...]:
    return tuple(stem_candidates(word))


def default_path() -> Path:
    """``$AKHBAR_SEEDS_DIR/gazetteer.csv``, else the repo's ``seeds/gazetteer.csv``
    (a seeds dir configured for other data need not carry its own gazetteer)."""
    from akhbar.config import REPO_ROOT

    path = _seeds_gazetteer(os.environ.get("AKHBAR_SEEDS_DIR", ""))
    return path if path.is_file() else REPO_ROOT / "seeds" / "gazetteer.csv"


@lru_cache(maxsize=16)
def _seeds_gazetteer(seeds_env: str) -> Path:
    """Resolved once per ``$AKHBAR_SEEDS_DIR`` value: this runs for every token
    (clitic splitting asks the gazetteer), and ``load_settings()`` resolving all
    configured paths each time was a third of the NER time (bench/README.md)."""
    from akhbar.config import load_settings

    return load_settings().seeds_dir / "gazetteer.csv"


def load_gazetteer(path: Path | str) -> Gazetteer:
    """Parse a gazetteer CSV. Raises ``ValueError`` on a malformed file."""
    names: dict[tuple[str, ...], GazEntry] = {}
    entities: dict[str, GazEntry] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: expected columns {COLUMNS}, got {reader.fieldnames}")
        for lineno, row in enumerate(reader, start=2):
            typ = (row["type"] or "").strip()
            eid = (row["entity_id"] or "").strip()
            if typ not in ENTITY_TYPES or not eid or not (row["name_ar"] or "").strip():
                raise ValueError(f"{path}:{lineno}: bad row {row}")
            entry = GazEntry(
                entity_id=eid,
                type=typ,
                name_ar=row["name_ar"].strip(),
                name_en=(row["name_en"] or "").strip(),
                wikidata_id=(row["wikidata_id"] or "").strip() or None,
            )
            entities[eid] = entry
            forms = [entry.name_ar, *(row["variants_ar"] or "").split("|")]
            for form in forms:
                key = tuple(_fold(t.text) for t in tokenize(form.strip()))
                if key and key not in names:  # first row wins on a clash
                    names[key] = entry
    first: dict[str, set[int]] = {}
    for key in names:
        first.setdefault(key[0], set()).add(len(key))
    known = frozenset(tok for key in names for tok in key)
    return Gazetteer(
        names=names,
        first={k: tuple(sorted(v, reverse=True)) for k, v in first.items()},
        known_tokens=known,
        entities=entities,
    )


@lru_cache(maxsize=4)
def _cached(path: str) -> Gazetteer:
    return load_gazetteer(path)


def get_gazetteer(path: Path | str | None = None) -> Gazetteer:
    """The gazetteer, loaded once per path and cached."""
    return _cached(str(path or default_path()))


def is_known_token(folded: str) -> bool:
    """Whether a folded word occurs in some gazetteer name (used for clitic splitting)."""
    return folded in _default_known_tokens(os.environ.get("AKHBAR_SEEDS_DIR", ""))


@lru_cache(maxsize=16)
def _default_known_tokens(seeds_env: str) -> frozenset[str]:
    """Once per ``$AKHBAR_SEEDS_DIR`` value: :func:`default_path` stats a file, and
    this runs for every clitic reading of every token (a fifth of NER time)."""
    return get_gazetteer().known_tokens


def match_tokens(
    tokens: list[Token], text: str, gaz: Gazetteer | None = None
) -> list[tuple[int, int, Match]]:
    """Longest matches over ``tokens`` as ``(first token index, end index, Match)``."""
    gaz = gaz or get_gazetteer()
    folded = [_fold(t.text) for t in tokens]
    out: list[tuple[int, int, Match]] = []
    i, n_tok = 0, len(tokens)
    while i < n_tok:
        best: tuple[int, int, GazEntry] | None = None  # (length, offset, entry)
        for off, cand in _readings(tokens[i].text):
            lengths = gaz.first.get(cand)
            if not lengths:
                continue
            for n in lengths:
                if i + n > n_tok or (best and n <= best[0]):
                    continue
                entry = gaz.names.get((cand, *folded[i + 1 : i + n]))
                if entry is not None:
                    best = (n, off, entry)
                    break
        if best is None:
            i += 1
            continue
        n, off, entry = best
        start, end = tokens[i].start + off, tokens[i + n - 1].end
        out.append((i, i + n, Match(text[start:end], entry.type, start, end, entry.entity_id)))
        i += n
    return out


def match(text: str, gaz: Gazetteer | None = None) -> list[Match]:
    """All longest, non-overlapping gazetteer matches in ``text`` (original offsets)."""
    if not text:
        return []
    return [m for _, _, m in match_tokens(tokenize(text), text, gaz)]


# --- NER lexicon (seeds/ner_lexicon.tsv): CRF features only, never rules ---------
LEXICON_KINDS = ("given", "surname", "place", "nisba")


def lexicon_path() -> Path:
    """``seeds/ner_lexicon.tsv`` beside the gazetteer in use (else the repo's)."""
    path = default_path().parent / "ner_lexicon.tsv"
    if path.is_file():
        return path
    from akhbar.config import REPO_ROOT

    return REPO_ROOT / "seeds" / "ner_lexicon.tsv"


@lru_cache(maxsize=4)
def load_lexicon(path: str = "") -> dict[str, tuple[str, ...]]:
    """Folded single word -> sorted kinds (given / surname / place / nisba).

    Built by ``scripts/train_ner.py --build-lexicon`` from registry wheels (see
    seeds/README.md). An absent file gives an empty lexicon (features off)."""
    file = Path(path) if path else lexicon_path()
    if not file.is_file():
        return {}
    kinds: dict[str, set[str]] = {}
    with open(file, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            form, kind = line.rstrip("\n").split("\t")[:2]
            if kind in LEXICON_KINDS:
                kinds.setdefault(form, set()).add(kind)
    return {form: tuple(sorted(k)) for form, k in kinds.items()}
