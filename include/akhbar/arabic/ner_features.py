"""Features of the CRF named-entity tagger, one list of strings per token.

Folded word forms, affixes (of the word and of its bare stem), the
clitic-stripped stem, the gazetteer match covering the token and its
neighbours, neighbouring words, shapes and bigrams, position, and
title/place/organisation cue words (:mod:`akhbar.arabic.rules.ner_cues`) just
before (also after clitics: ووزير) or within a few tokens. Everything a word
contributes is cached per word: feature building is the tagger's hot path.
"""

from __future__ import annotations

import re
from functools import lru_cache

from akhbar.arabic.gazetteer import load_lexicon, match_tokens
from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.rules.ner_cues import CUES, NISBA_ENDINGS
from akhbar.arabic.tokenize import Token, split_clitics, stem_candidates

TAGS = ("PER", "LOC", "ORG")
SPORT_WINDOW = 6  # sports words this many tokens either side mark the sentence sporty
CUE_WINDOW = 4  # cue words this many tokens back still count ("cuew=")
_OPENERS = frozenset(("(", "«", '"', "'"))
# Per-word feature caches: the hot path of tagging. Bounded so that an ingest task's
# memory stays flat (each cached word holds ~25 feature strings, ~1.5 kB): 20k
# distinct words keep the hit rate of a day's news and about 30 MB per cache.
WORD_CACHE = 20_000
_ARABIC = re.compile(r"[\u0621-\u064A]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=WORD_CACHE)
def shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if any(ch.isdigit() for ch in word):
        return "hasdigit"
    if _LATIN.search(word):
        return "latin"
    if _ARABIC.search(word):
        return "arabic"
    return "punct" if not any(ch.isalnum() for ch in word) else "other"


def gaz_tags(tokens: list[Token]) -> list[str]:
    """``B-TYPE`` / ``I-TYPE`` / ``O`` for the gazetteer match covering each token."""
    tags = ["O"] * len(tokens)
    if not tokens:
        return tags
    # rebuild a text with the original offsets so Match spans stay valid
    text = "".join(_splice(tokens, tokens[-1].end))
    for i, j, m in match_tokens(tokens, text):
        tags[i] = "B-" + m.type
        for k in range(i + 1, j):
            tags[k] = "I-" + m.type
    return tags


def _splice(tokens: list[Token], length: int) -> list[str]:
    out: list[str] = []
    pos = 0
    for t in tokens:
        if t.start < pos:  # overlapping synthetic tokens: fall back to spaces
            continue
        out.append(" " * (t.start - pos))
        out.append(t.text)
        pos = t.end
    out.append(" " * max(length - pos, 0))
    return out


@lru_cache(maxsize=WORD_CACHE)
def _word_feats(word: str) -> tuple[str, ...]:
    f = normalize_for_match(word)
    feats = [f"w={f}", f"shape={shape(word)}", f"len={min(len(f), 8)}"]
    for k in (1, 2, 3):
        if len(f) > k:
            feats.append(f"p{k}={f[:k]}")
            feats.append(f"s{k}={f[-k:]}")
    prefix, stem = _split(word)
    if prefix:
        feats.append(f"clitic={normalize_for_match(prefix)}")
    s = normalize_for_match(stem)
    feats.append(f"stem={s}")
    readings = stem_candidates(word)
    if len(readings) > 1:
        feats.append(f"stem2={readings[-1][1]}")
    if f.startswith("ال") or any(r[1].startswith("ال") for r in readings[1:]):
        feats.append("has_al")
    # affixes of the bare stem (clitics and article off): name-like endings (ـوف، ـيان)
    if s.startswith("ال") and len(s) > 3:
        s = s[2:]
    for k in (2, 3, 4):
        if len(s) > k:
            feats.append(f"sp{k}={s[:k]}")
            feats.append(f"ss{k}={s[-k:]}")
    feats.append(f"slen={min(len(s), 8)}")
    if f.endswith(NISBA_ENDINGS):
        feats.append("nisba")
    feats.extend(f"lex={k}" for k in lex_kinds(word))
    if _LATIN.search(word) and _ARABIC.match(word):
        feats.append("clitic_latin")  # وGoogle، لـ CNN glued: a name after a clitic
    return tuple(feats)


@lru_cache(maxsize=WORD_CACHE)
def lex_kinds(word: str) -> tuple[str, ...]:
    """Lexicon kinds (given / surname / place / nisba) of the word or of a
    clitic-stripped reading (ولافروف -> لافروف, بالفرنسي -> الفرنسي -> فرنسي)."""
    lex = load_lexicon()
    kinds: set[str] = set()
    for _, form in stem_candidates(word):
        kinds.update(lex.get(form, ()))
    return tuple(sorted(kinds))


@lru_cache(maxsize=WORD_CACHE)
def cue_types(word: str) -> tuple[str, ...]:
    """Cue types of a word or of its clitic-stripped readings (ووزير، للرئيس)."""
    out = {t for _, form in stem_candidates(word) for t in _cue(form)}
    return tuple(sorted(out))


@lru_cache(maxsize=WORD_CACHE)
def _split(word: str) -> tuple[str, str]:
    return split_clitics(word)


def _stem(word: str) -> str:
    return normalize_for_match(_split(word)[1])


def _cue(f: str) -> list[str]:
    return [t for t, words in CUES.items() if f in words]


@lru_cache(maxsize=2 * WORD_CACHE)
def _context_feats(word: str, d: int) -> tuple[str, ...]:
    """Features a word gives its neighbour at distance ``d`` (cached: hot path):
    its form, affixes, shape and stem at distance 1, cue and lexicon classes."""
    f = normalize_for_match(word)
    if d == -2:
        return (f"w-2={f}", *(f"cue-2={c}" for c in _cue(f)))
    if d == 2:
        return (f"w+2={f}",)
    out = [
        f"w{d:+d}={f}",
        f"s2{d:+d}={f[-2:]}",
        f"p2{d:+d}={f[:2]}",
        f"sh{d:+d}={shape(word)}",
        f"stem{d:+d}={_stem(word)}",
        *(f"lex{d:+d}={k}" for k in lex_kinds(word)),
    ]
    if d == 1:
        out.extend(f"cue+1={c}" for c in cue_types(word))
    else:
        out.extend(f"cue-1={c}" for c in _cue(f))
        out.extend(f"cs-1={c}" for c in cue_types(word))
        if f in _OPENERS:
            out.append("after_open")
    return tuple(out)


_GAZ_AT = {
    d: {g: f"gaz{d:+d}={g}" for g in ("O", *(f"{b}-{t}" for b in "BI" for t in TAGS))}
    for d in (-2, -1, 1, 2)
}
_POS = tuple(f"pos={k}" for k in range(5))


def token_features(words: list[str], gaz: list[str]) -> list[list[str]]:
    """Feature strings for each word of one sentence (``gaz`` = gazetteer BIO tags).

    Everything a word contributes is cached per word (:func:`_word_feats`,
    :func:`_context_feats`); only pairs and windows are built per position."""
    folded = [normalize_for_match(w) for w in words]
    cues = [cue_types(w) for w in words]
    lex = [lex_kinds(w) for w in words]
    n = len(words)
    sport = _near(["SPORT" in c for c in cues], SPORT_WINDOW)
    out: list[list[str]] = []
    for i in range(n):
        g = gaz[i]
        feats = ["bias", *_word_feats(words[i]), f"gaz={g}", _POS[min(i, 4)]]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                feats.extend(_context_feats(words[j], d))
                feats.append(_GAZ_AT[d].get(gaz[j]) or f"gaz{d:+d}={gaz[j]}")
            else:
                feats.append(f"w{d:+d}=<pad>")
        feats.append(f"gz-1|gz={gaz[i - 1] if i else '<s>'}|{g}")
        feats.append(f"gz|gz+1={g}|{gaz[i + 1] if i < n - 1 else '</s>'}")
        if sport[i]:
            feats.append("sport")
            feats.append(f"sport|gaz={g}")
        if i > 0:
            feats.append(f"w-1|w={folded[i - 1]}|{folded[i]}")
            feats.extend(_left_feats(cues, lex, i))
        if i < n - 1:
            feats.append(f"w|w+1={folded[i]}|{folded[i + 1]}")
        if i == 0:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        out.append(feats)
    return out


def _left_feats(cues: list[tuple[str, ...]], lex: list[tuple[str, ...]], i: int) -> list[str]:
    """Cue words within :data:`CUE_WINDOW` before ``i``; title/verb + nisba just before."""
    window: set[str] = set()
    for c in cues[max(0, i - CUE_WINDOW) : i]:
        window.update(c)
    feats = [f"cuew={c}" for c in sorted(window)]
    # الرئيس اللبناني + name: a nationality adjective right after a title
    if i > 1 and "nisba" in lex[i - 1]:
        if "PER" in cues[i - 2]:
            feats.append("title_nisba-1")
        if "SAY" in cues[i - 2]:
            feats.append("say_nisba-1")
    return feats


def _near(flags: list[bool], width: int) -> list[bool]:
    """Whether a flagged position lies within ``width`` tokens of each position."""
    out = [False] * len(flags)
    for i, flag in enumerate(flags):
        if flag:
            for k in range(max(0, i - width), min(len(flags), i + width + 1)):
                out[k] = True
    return out


def sentence_features(words: list[str]) -> list[list[str]]:
    """Features for a sentence given as plain words (gazetteer computed here)."""
    tokens: list[Token] = []
    pos = 0
    for w in words:
        tokens.append(Token(w, pos, pos + len(w)))
        pos += len(w) + 1
    return token_features(words, gaz_tags(tokens))
