"""Tokens with original offsets, sentence spans and Arabic proclitic analysis.

Arabic writes the conjunctions و/ف, the prepositions ب/ل/ك and the article ال
attached to the next word (وموسكو "and Moscow", بليبيا "in Libya", للحكومة
"for the government"). Stripping them blindly breaks names whose first letter
looks like a clitic (بريطانيا, لبنان, فرنسا), so :func:`split_clitics` only strips
a conjunction/preposition when the remaining stem is a known form (by default:
a gazetteer token), while article-bearing prefixes (وال, بال, لل ...) are
unambiguous enough to strip on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from akhbar.arabic.normalize import normalize_for_match

# A word: letters/digits plus Arabic diacritics and tatweel inside it.
_WORD = r"[^\W_][\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]*"
_TOKEN_RE = re.compile(rf"{_WORD}|\.+|…|[^\w\s]", re.UNICODE)
# Sentence terminators: ! ? ؟ ; ؛ newline, an ellipsis, or a '.' not between digits.
_SENT_END_RE = re.compile(r"\.{2,}|…|(?<!\d)\.|\.(?!\d)|[!?؟;؛\n]+")

# Proclitic sequences (longest first). Those ending in ال carry the article.
CLITIC_PREFIXES: tuple[str, ...] = (
    "وبال", "وكال", "فبال", "فكال", "ولل", "فلل",
    "وال", "فال", "بال", "كال", "لل",
    "وب", "ول", "وك", "فب", "فل", "فك",
    "و", "ف", "ب", "ل", "ك",
)  # fmt: skip
_ARTICLE_PREFIXES = frozenset(p for p in CLITIC_PREFIXES if p.endswith("ال") or p.endswith("لل"))


@dataclass(frozen=True, slots=True)
class Token:
    """A token and its ``[start, end)`` character span in the original text."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words, dot runs and single punctuation marks, with original offsets."""
    if not text:
        return []
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)``; each span keeps its terminator, no edge spaces."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END_RE.finditer(text):
        _add_span(text, start, m.end(), spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b > a and any(ch.isalnum() for ch in text[a:b]):
        out.append((a, b))
    elif b > a and out and out[-1][1] <= a:
        # punctuation-only tail (e.g. a stray quote): attach to the previous sentence
        out[-1] = (out[-1][0], b)


def _prefix_len(word: str, prefix: str) -> int:
    """Length in original characters of ``prefix`` at the start of ``word``
    (diacritics / tatweel between the letters are skipped), or 0 if absent."""
    i = 0
    for ch in prefix:
        while i < len(word) and normalize_for_match(word[i]) == "":
            i += 1
        if i >= len(word) or normalize_for_match(word[i]) != ch:
            return 0
        i += 1
    return i


def stem_candidates(word: str) -> list[tuple[int, str]]:
    """All readings ``(chars stripped, folded stem)`` of ``word``, the word itself first.

    For article-bearing prefixes the stem is offered both with and without ال
    (للحكومة -> الحكومه and حكومه; والحكومة -> الحكومه at offset 1 and حكومه).
    """
    return list(_stem_candidates(word))


@lru_cache(maxsize=50_000)
def _stem_candidates(word: str) -> tuple[tuple[int, str], ...]:
    """Cached body of :func:`stem_candidates` (called several times per token by the
    gazetteer, the CRF features and linking with the same words)."""
    folded = normalize_for_match(word)
    out: list[tuple[int, str]] = [(0, folded)]
    seen = {folded}
    for prefix in CLITIC_PREFIXES:
        if not folded.startswith(prefix) or len(folded) - len(prefix) < 2:
            continue
        n = _prefix_len(word, prefix)
        if not n:
            continue
        rest = folded[len(prefix) :]
        cands: list[tuple[int, str]] = []
        if prefix.endswith("ال"):
            # keep the article in the stem reading too: وال|حكومه -> و|الحكومه
            cands.append((_prefix_len(word, prefix[:-2]), "ال" + rest))
        elif prefix.endswith("لل"):
            cands.append((n, "ال" + rest))
        cands.append((n, rest))
        for off, stem in cands:
            if stem not in seen:
                seen.add(stem)
                out.append((off, stem))
    return tuple(out)


def _default_known() -> Callable[[str], bool]:
    from akhbar.arabic.gazetteer import is_known_token

    return is_known_token


def split_clitics(
    word: str, known: Callable[[str], bool] | Iterable[str] | None = None
) -> tuple[str, str]:
    """Split leading proclitics: ``(prefix, stem)`` in original characters.

    ``known`` tells whether a folded stem is a real word/name (default: the
    gazetteer's single-token forms). A stem is only split off when it is known,
    except after article-bearing prefixes (وال، بال، لل ...), which are stripped
    whenever at least two letters remain. Unknown words stay whole:
    ``split_clitics("بريطانيا") == ("", "بريطانيا")``.
    """
    if not word:
        return "", ""
    if known is None:
        is_known = _default_known()
    elif callable(known):
        is_known = known
    else:
        known_set = {normalize_for_match(k) for k in known}
        is_known = known_set.__contains__
    folded = normalize_for_match(word)
    if is_known(folded):
        return "", word
    cands = stem_candidates(word)[1:]
    for off, stem in cands:
        if is_known(stem):
            return word[:off], word[off:]
    for prefix in CLITIC_PREFIXES:
        if (
            prefix in _ARTICLE_PREFIXES
            and folded.startswith(prefix)
            and len(folded) - len(prefix) >= 2
        ):
            n = _prefix_len(word, prefix)
            if n:
                return word[:n], word[n:]
    return "", word
