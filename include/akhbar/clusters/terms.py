"""Words and content terms of a title or a body, as the clusterer compares them."""

from __future__ import annotations

import re

from akhbar.arabic.normalize import normalize_for_match

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

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_ARTICLES = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")
# folded word -> its content term (or None), shared by every article parsed in a
# process, so an article keeps references to one string per term, not its own copies.
_TERMS: dict[str, str | None] = {}
_TERMS_MAX = 500_000


def strip_article(word: str) -> str | None:
    """The content term of a folded word: the article prefix removed when >= 3
    letters remain; None for a stop word or a term shorter than 2 letters."""
    if word in STOPWORDS:
        return None
    for prefix in _ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    return word if len(word) >= 2 and word not in STOPWORDS else None


def words(text: str, limit: int, *, fold: bool) -> list[str]:
    """The first ``limit`` word tokens of ``text[: limit * 12]`` (folded with
    ``normalize_for_match``).

    A shorter prefix is scanned first: when it yields more than ``limit`` tokens,
    the first ``limit`` are complete words and equal those of the long prefix.
    """
    for chars in (limit * 7, limit * 12):
        head = text[:chars]
        found = _TOKEN.findall(normalize_for_match(head) if fold else head)
        if len(found) > limit or len(head) < chars or chars == limit * 12:
            return found[:limit]
    return []


def content_terms(folded: list[str]) -> tuple[str, ...]:
    """The content terms of folded words, in order (stop words dropped)."""
    if len(_TERMS) > _TERMS_MAX:
        _TERMS.clear()
    for word in folded:
        if word not in _TERMS:
            _TERMS[word] = strip_article(word)
    return tuple(term for word in folded if (term := _TERMS[word]))
