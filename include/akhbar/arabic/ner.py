"""CRF named-entity tagger (PER / LOC / ORG, BIO) on python-crfsuite.

The model (``models/ner.crfsuite``) is trained by ``scripts/train_ner.py``
from the public corpora under ``/work/shared/corpus/ner``; see
``models/README.md`` for provenance. Features are folded word forms, affixes
(of the word and of its bare stem), the clitic-stripped stem, the gazetteer
match covering the token and its neighbours, neighbouring words, shapes and
bigrams, position, and title/place/organisation cue words just before (also
after clitics: ووزير) or within a few tokens.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from akhbar.arabic.gazetteer import load_lexicon, match_tokens
from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.tokenize import Token, split_clitics, stem_candidates

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner.crfsuite"
TAGS = ("PER", "LOC", "ORG")

# Cue words (folded) whose presence just before a token hints at its type.
CUES: dict[str, frozenset[str]] = {
    "PER": frozenset(
        normalize_for_match(w)
        for w in (
            "الرئيس", "رئيس", "وزير", "وزيرة", "الوزير", "اللواء", "العميد", "العقيد",
            "المشير", "الفريق", "الجنرال", "الشيخ", "الملك", "الأمير", "السيد", "السيدة",
            "الدكتور", "د", "النائب", "المتحدث", "الناطق", "المستشار", "السفير", "المبعوث",
            "القائد", "الزعيم", "الإمام", "المرشد", "الرئيسة", "نائب", "قال", "أكد",
            "أعلن", "صرح", "أضاف", "الكاتب", "الصحفي", "المدرب", "اللاعب", "الفنان",
            "السلطان", "ولي", "الحاكم", "المحافظ", "رئيسة", "مستشار", "بن", "ابن", "أبو",
        )
    ),
    "LOC": frozenset(
        normalize_for_match(w)
        for w in (
            "مدينة", "محافظة", "ولاية", "إقليم", "منطقة", "بلدة", "قرية", "عاصمة",
            "العاصمة", "جزيرة", "نهر", "بحر", "جبل", "مخيم", "ضواحي", "شمال", "جنوب",
            "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "حي", "دولة", "بلاد", "إلى",
            "من", "في",
        )
    ),
    "ORG": frozenset(
        normalize_for_match(w)
        for w in (
            "وزارة", "حركة", "حزب", "منظمة", "جمعية", "شركة", "جامعة", "مجلس", "هيئة",
            "وكالة", "مؤسسة", "صحيفة", "قناة", "اتحاد", "بنك", "مصرف", "لجنة", "جبهة",
            "تنظيم", "جماعة", "نادي", "محكمة", "المحكمة", "مجموعة", "تحالف", "قوات",
            "كتائب", "جيش", "الجيش", "حكومة", "الحكومة", "برلمان", "مكتب", "معهد",
        )
    ),
    # reporting verbs: the name after them is the speaker (قال لافروف، وأكدت ميركل)
    "SAY": frozenset(
        normalize_for_match(w)
        for w in (
            "قال", "قالت", "أكد", "أكدت", "أعلن", "أعلنت", "صرح", "صرحت", "أضاف", "أضافت",
            "أوضح", "أوضحت", "أشار", "أشارت", "تابع", "تابعت", "اعتبر", "اعتبرت", "رأى",
            "دعا", "دعت", "طالب", "طالبت", "نفى", "نفت", "شدد", "شددت", "يقول", "تقول",
            "ذكر", "ذكرت", "أفاد", "أفادت", "لفت", "لفتت", "حذر", "حذرت", "التقى", "استقبل",
        )
    ),
    # sports context: a country or city named here is usually a team (ORG in newswire gold)
    "SPORT": frozenset(
        normalize_for_match(w)
        for w in (
            "فاز", "فوز", "تعادل", "خسر", "هزم", "تغلب", "مباراة", "المباراة", "منتخب",
            "المنتخب", "الدوري", "كأس", "هدف", "هدفين", "أهداف", "بطولة", "البطولة", "نادي",
            "النادي", "فريق", "الفريق", "لاعب", "اللاعب", "مدرب", "المدرب", "الشوط", "ضد",
            "أمام", "مواجهة", "الملعب", "التصفيات", "نهائي", "النهائي", "تأهل",
        )
    ),
}  # fmt: skip
SPORT_WINDOW = 6
MEMORY_SENTENCES = 20  # a full name's surname is recalled this many sentences on
# last words of PER spans that are not surnames (titles, particles, numerals)
_NOT_SURNAMES = frozenset(
    normalize_for_match(w) for w in ("الله", "الدين", "الثاني", "الأول")
)  # sports words this many tokens either side mark the sentence sporty

# Relative-adjective (nisba) endings, folded: الروسي، الفلسطينيه، المصريين.
_NISBA = ("ي", "يه", "يين", "يون", "يان")
CUE_WINDOW = 4  # cue words this many tokens back still count ("cuew=")
_OPENERS = frozenset(("(", "«", '"', "'"))
_ARABIC = re.compile(r"[\u0621-\u064A]")
_LATIN = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=100_000)
def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if any(ch.isdigit() for ch in word):
        return "hasdigit"
    if _LATIN.search(word):
        return "latin"
    if _ARABIC.search(word):
        return "arabic"
    return "punct" if not any(ch.isalnum() for ch in word) else "other"


def _gaz_tags(tokens: list[Token]) -> list[str]:
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


@lru_cache(maxsize=100_000)
def _word_feats(word: str) -> tuple[str, ...]:
    f = normalize_for_match(word)
    feats = [f"w={f}", f"shape={_shape(word)}", f"len={min(len(f), 8)}"]
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
    if f.endswith(_NISBA):
        feats.append("nisba")
    feats.extend(f"lex={k}" for k in _lex_kinds(word))
    if _LATIN.search(word) and _ARABIC.match(word):
        feats.append("clitic_latin")  # وGoogle، لـ CNN glued: a name after a clitic
    return tuple(feats)


@lru_cache(maxsize=100_000)
def _lex_kinds(word: str) -> tuple[str, ...]:
    """Lexicon kinds (given / surname / place / nisba) of the word or of a
    clitic-stripped reading (ولافروف -> لافروف, بالفرنسي -> الفرنسي -> فرنسي)."""
    lex = load_lexicon()
    kinds: set[str] = set()
    for _, form in stem_candidates(word):
        kinds.update(lex.get(form, ()))
    return tuple(sorted(kinds))


@lru_cache(maxsize=100_000)
def _cue_types(word: str) -> tuple[str, ...]:
    """Cue types of a word or of its clitic-stripped readings (ووزير، للرئيس)."""
    out = {t for _, form in stem_candidates(word) for t in _cue(form)}
    return tuple(sorted(out))


@lru_cache(maxsize=100_000)
def _split(word: str) -> tuple[str, str]:
    return split_clitics(word)


def _stem(word: str) -> str:
    return normalize_for_match(_split(word)[1])


def _cue(f: str) -> list[str]:
    return [t for t, words in CUES.items() if f in words]


@lru_cache(maxsize=200_000)
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
        f"sh{d:+d}={_shape(word)}",
        f"stem{d:+d}={_stem(word)}",
        *(f"lex{d:+d}={k}" for k in _lex_kinds(word)),
    ]
    if d == 1:
        out.extend(f"cue+1={c}" for c in _cue_types(word))
    else:
        out.extend(f"cue-1={c}" for c in _cue(f))
        out.extend(f"cs-1={c}" for c in _cue_types(word))
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
    cues = [_cue_types(w) for w in words]
    lex = [_lex_kinds(w) for w in words]
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
    return token_features(words, _gaz_tags(tokens))


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
    return _fix_bio(tags)


def _fix_bio(tags: list[str]) -> list[str]:
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
                and _shape(words[i]) == "arabic"
                and any(form in live for _, form in stem_candidates(words[i]))
            ):
                tags[i] = "B-PER"
        for i, tag in enumerate(tags):
            if tag == "B-PER" and i + 1 < len(tags) and tags[i + 1] == "I-PER":
                j = i + 1
                while j + 1 < len(tags) and tags[j + 1] == "I-PER":
                    j += 1
                last = normalize_for_match(words[j])
                if len(last) >= 3 and last not in _NOT_SURNAMES:
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
