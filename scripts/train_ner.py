#!/usr/bin/env python
"""Train the Akhbar CRF NER model deterministically.

Data (read-only, public; see /work/shared/corpus/ner/README.md):
  * ANERcorp training part   -> first 90 % of sentences train, last 10 % dev
  * Wojood sample            -> train.txt train, val.txt dev
  * NewsFANE Gold part 1     -> first 90 % of sentences train, last 10 % dev
Training sentences that share an 8-token window with any dev sentence are dropped
(NewsFANE re-annotates ANERcorp text). Tags are mapped to PER / LOC / ORG / O with
include/akhbar/arabic/models/tag_map.json. The ANERcorp test split and the Wojood
test file are never read. L-BFGS c1 = c2 = 0.05, 300 iterations: chosen on a
validation slice carved from the training part (last 10 % of each source), not dev.

Usage: python scripts/train_ner.py [--corpus DIR] [--out PATH] [--max-iterations N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from akhbar.arabic.ner import MODEL_PATH, fix_bio
from akhbar.arabic.ner_features import sentence_features
from akhbar.arabic.normalize import normalize_for_match

# ../shared beside the repo (as on developer machines and CI), or $AKHBAR_SHARED.
SHARED = Path(os.environ.get("AKHBAR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus" / "ner"
TAG_MAP_PATH = MODEL_PATH.parent / "tag_map.json"
DEV_SHARE = 0.10
OVERLAP_N = 8  # a training sentence sharing this many consecutive tokens with dev is dropped
Sentence = tuple[list[str], list[str]]
LEXICON_OUT = Path(__file__).resolve().parents[1] / "seeds" / "ner_lexicon.tsv"
AQMAR = False  # mix AQMAR (Wikipedia) into training: measured, see models/README.md
LEXICON_MIN_COUNT = 2  # a name part must be attested at least twice in the wheel's index


def tag_map() -> dict[str, dict[str, str]]:
    return json.loads(TAG_MAP_PATH.read_text(encoding="utf-8"))


def _coarse(tag: str, mapping: dict[str, str]) -> str:
    if tag in ("", "O") or "-" not in tag:
        return "O"
    bio, _, label = tag.partition("-")
    coarse = mapping.get(label, "O")
    return "O" if coarse == "O" or bio not in ("B", "I") else f"{bio}-{coarse}"


def read_anercorp(path: Path) -> list[Sentence]:
    """``token TAG`` per line; a ``.`` token ends a sentence."""
    mapping = tag_map()["anercorp"]
    sents: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        parts = raw.replace("\u200f", "").replace("\u200e", "").split()
        if not parts:
            continue
        words.append(parts[0])
        tags.append(_coarse(parts[1] if len(parts) > 1 else "O", mapping))
        if parts[0] == ".":
            sents.append((words, fix_bio(tags)))
            words, tags = [], []
    if words:
        sents.append((words, fix_bio(tags)))
    return sents


def read_wojood(path: Path) -> list[Sentence]:
    """Nested tags: per token keep the outermost tag whose class maps to PER/LOC/ORG."""
    mapping = tag_map()["wojood"]
    sents: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = raw.split()
        if not parts:
            if words:
                sents.append((words, fix_bio(tags)))
                words, tags = [], []
            continue
        words.append(parts[0])
        chosen = "O"
        for t in parts[1:]:
            c = _coarse(t, mapping)
            if c != "O":
                chosen = c
                break
        tags.append(chosen)
    return sents


def read_newsfane(path: Path) -> list[Sentence]:
    """``token<TAB>TAG``; blank line between sentences; U+200E / BOM / CR stripped."""
    mapping = tag_map()["newsfane"]
    sents: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    text = path.read_text(encoding="utf-8").replace("\ufeff", "").replace("\u200e", "")
    for raw in [*text.replace("\r", "").split("\n"), ""]:
        parts = raw.split("\t")
        tok = parts[0].strip()
        if not tok:
            if words:
                sents.append((words, fix_bio(tags)))
                words, tags = [], []
            continue
        words.append(tok)
        tags.append(_coarse(parts[1].strip() if len(parts) > 1 else "O", mapping))
    return sents


def read_aqmar(directory: Path) -> list[Sentence]:
    """AQMAR (Arabic Wikipedia, IOB2): PER/LOC/ORG kept, MIS* and malformed tags O;
    articles in sorted file order, blank line between sentences."""
    sents: list[Sentence] = []
    for path in sorted(directory.glob("*.txt")):
        words: list[str] = []
        tags: list[str] = []
        for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
            parts = raw.split()
            if not parts:
                if words:
                    sents.append((words, fix_bio(tags)))
                    words, tags = [], []
                continue
            words.append(parts[0])
            tag = parts[1].replace("--", "-") if len(parts) > 1 else "O"
            bio, _, label = tag.partition("-")
            ok = bio in ("B", "I") and label in ("PER", "LOC", "ORG")
            tags.append(f"{bio}-{label}" if ok else "O")
    return sents


def _split(sents: list[Sentence]) -> tuple[list[Sentence], list[Sentence]]:
    cut = int(len(sents) * (1 - DEV_SHARE))
    return sents[:cut], sents[cut:]


def _grams(words: list[str]) -> Iterable[tuple[str, ...]]:
    folded = [normalize_for_match(w) for w in words]
    return (tuple(folded[i : i + OVERLAP_N]) for i in range(len(folded) - OVERLAP_N + 1))


def drop_overlaps(train: list[Sentence], held_out: list[Sentence]) -> list[Sentence]:
    """Training sentences sharing no ``OVERLAP_N``-token window (folded) with ``held_out``.

    NewsFANE re-annotates ANERcorp's newswire: 65 of the 72 NewsFANE dev sentences
    also sit in ANERcorp's training part, which inflated NewsFANE-dev F1 (0.82 with
    the leak, 0.70 without)."""
    seen = {g for words, _ in held_out for g in _grams(words)}
    return [(w, t) for w, t in train if not any(g in seen for g in _grams(w))]


def load_splits(corpus: Path = CORPUS, aqmar: bool = False) -> dict[str, dict[str, list[Sentence]]]:
    """``{"train"|"dev": {source: sentences}}``, deterministic; training sentences
    that overlap any dev sentence are dropped (:func:`drop_overlaps`)."""
    aner_tr, aner_dev = _split(read_anercorp(corpus / "anercorp" / "ANERCorp_train_part.txt"))
    fane_tr, fane_dev = _split(
        read_newsfane(corpus / "newsfane_gold" / "NewsFANE_Gold_2014_part1.txt")
    )
    dev = {
        "anercorp": aner_dev,
        "wojood": read_wojood(corpus / "wojood_sample" / "val.txt"),
        "newsfane": fane_dev,
    }
    dev_all = [s for sents in dev.values() for s in sents]
    # Wojood's own train/val split is kept as published (its overlaps are boilerplate
    # headings of the archive it samples, not shared sentences)
    train = {
        "anercorp": drop_overlaps(aner_tr, dev_all),
        "wojood": read_wojood(corpus / "wojood_sample" / "train.txt"),
        "newsfane": drop_overlaps(fane_tr, dev_all),
    }
    if aqmar:
        train["aqmar"] = drop_overlaps(read_aqmar(corpus / "aqmar" / "articles"), dev_all)
    return {"train": train, "dev": dev}


def _progress_trainer_class():  # -> type[pycrfsuite.Trainer]
    import pycrfsuite

    class ProgressTrainer(pycrfsuite.Trainer):
        """Prints one line every 25 L-BFGS iterations to stderr."""

        def __init__(self, total: int) -> None:
            super().__init__(verbose=False)
            self.total = total

        def message(self, message: str) -> None:
            if self.logparser.feed(message) != "iteration":
                return
            info = self.logparser.last_iteration
            k = int(info.get("num", 0))
            if k % 25 == 0:
                loss = info.get("loss", 0.0)
                print(f"L-BFGS {k}/{self.total} loss {loss:.1f}", file=sys.stderr, flush=True)

    return ProgressTrainer


def _progress_trainer(total: int):  # -> ProgressTrainer
    return _progress_trainer_class()(total)


def train(
    corpus: Path, out: Path, max_iterations: int, c1: float, c2: float, aqmar: bool = AQMAR
) -> dict:
    splits = load_splits(corpus, aqmar)
    trainer = _progress_trainer(max_iterations)
    n_sent = n_tok = 0
    for source, sents in splits["train"].items():
        for words, tags in sents:
            trainer.append(sentence_features(words), tags)
            n_sent += 1
            n_tok += len(words)
        print(f"features: {source} {len(sents)} sentences", file=sys.stderr, flush=True)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": max_iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    t0 = time.perf_counter()
    trainer.train(str(tmp))
    tmp.replace(out)
    info = {
        "sentences": n_sent,
        "tokens": n_tok,
        "seconds": round(time.perf_counter() - t0, 1),
        "bytes": out.stat().st_size,
        "c1": c1,
        "c2": c2,
        "max_iterations": max_iterations,
    }
    return info


def _person_name_rows() -> list[tuple[str, str]]:
    """Single-word given names and surnames from ``arabic-name-romanizer``'s
    ``resources/names.sqlite3`` (Wikidata CC0 + DziriNames), seen at least twice."""
    import sqlite3
    from importlib.resources import files

    db = files("arabic_name_romanizer") / "resources" / "names.sqlite3"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT arabic_key, CASE role WHEN 'given' THEN 'given' ELSE 'surname' END AS kind,"
        " SUM(count) FROM units WHERE instr(arabic_key, ' ') = 0 GROUP BY 1, 2"
    ).fetchall()
    con.close()
    return [(normalize_for_match(k), kind) for k, kind, n in rows if n >= LEXICON_MIN_COUNT]


def _nisba_forms(stem: str) -> list[str]:
    """Relative adjective forms of a folded stem ending in ي (روسي -> الروسيه ...)."""
    return [pre + stem + suf for pre in ("", "ال") for suf in ("", "ه", "ون", "ين", "ان")]


def _nisba_stem(name: str) -> str | None:
    """A country name's nisba stem by the regular patterns (لبنان -> لبناني,
    سوريا -> سوري, العراق -> عراقي); multi-word names give none."""
    if " " in name or len(name) < 3:
        return None
    if name.startswith("ال"):
        name = name[2:]
    if name.endswith("يا") or name.endswith("ا"):
        name = name[:-1].rstrip("ي")
    return name + "ي" if len(name) >= 2 else None


def _cldr_rows() -> list[tuple[str, str]]:
    """Arabic territory names (places) and language / derived country nisba
    adjectives from CLDR as shipped in ``babel``."""
    from babel import Locale

    loc = Locale.parse("ar")
    rows: list[tuple[str, str]] = []
    for code, name in sorted(loc.territories.items()):
        folded = normalize_for_match(name)
        if " " not in folded:
            rows.append((folded, "place"))
        stem = _nisba_stem(folded)
        if stem and code.isalpha():
            rows += [(f, "nisba") for f in _nisba_forms(stem)]
    for _, name in sorted(loc.languages.items()):
        folded = normalize_for_match(name)
        if " " not in folded and folded.startswith("ال") and folded.endswith("يه"):
            rows += [(f, "nisba") for f in _nisba_forms(folded[2:-1])]
    return rows


# Nisba stems of countries/regions whose CLDR name is several words or irregular.
_EXTRA_NISBA = (
    "امريكي", "اميركي", "سعودي", "اماراتي", "بريطاني", "كوري", "اوروبي", "افريقي",
    "اسيوي", "عربي", "خليجي", "لاتيني", "سوداني", "صومالي", "كويتي", "قطري", "بحريني",
)  # fmt: skip


def build_lexicon(out: Path) -> int:
    """Write ``seeds/ner_lexicon.tsv`` (folded form, kind) from the installed wheels."""
    import babel

    extra = [(f, "nisba") for stem in _EXTRA_NISBA for f in _nisba_forms(stem)]
    rows = sorted(set(_person_name_rows()) | set(_cldr_rows()) | set(extra))
    rows = [(f, k) for f, k in rows if len(f) >= 2]
    header = (
        "# form<TAB>kind; built by scripts/train_ner.py --build-lexicon from"
        f" arabic-name-romanizer {_dist_version('arabic-name-romanizer')} (names.sqlite3,"
        f" MIT; Wikidata CC0) and babel {babel.__version__} (CLDR ar territories/languages,"
        " Unicode licence). See seeds/README.md.\n"
    )
    out.write_text(header + "".join(f"{f}\t{k}\n" for f, k in rows), encoding="utf-8")
    return len(rows)


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--max-iterations", type=int, default=300)
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.05)
    ap.add_argument("--aqmar", choices=("yes", "no"), default=None, help="override AQMAR")
    ap.add_argument(
        "--build-lexicon",
        action="store_true",
        help="rewrite seeds/ner_lexicon.tsv from the installed wheels, then exit",
    )
    args = ap.parse_args(argv)
    if args.build_lexicon:
        print(f"{build_lexicon(LEXICON_OUT)} rows -> {LEXICON_OUT}")
        return 0
    if not args.corpus.is_dir():
        print(f"error: corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    aqmar = AQMAR if args.aqmar is None else args.aqmar == "yes"
    info = train(args.corpus, args.out, args.max_iterations, args.c1, args.c2, aqmar)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
