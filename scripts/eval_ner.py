#!/usr/bin/env python
"""Evaluate Akhbar NER: precision / recall / F1 per type, exact span match.

1. dev: the CRF tagger on the held-out development split defined in
   scripts/train_ner.py (last 10 % of ANERcorp train part + Wojood val.txt +
   last 10 % of NewsFANE part 1), gold tokens given; spans from BIO tags.
2. dev_pipeline: the full pipeline (``extract_entities``) on the same dev
   sentences, grouped into pseudo-articles of DOC_SENTENCES consecutive sentences
   joined by spaces (so in-article linking can work). A predicted character span
   is mapped to the corpus tokens it touches and must equal a gold token span and
   type (a clitic the pipeline leaves out of a span, وموسكو -> موسكو, still counts:
   the corpora tag whole tokens).
3. seed: the full pipeline (``extract_entities``: gazetteer + CRF + linking)
   on the seed article. Its gold lists surface strings per type, so gold spans
   are built as every occurrence of those strings in the text, longest strings
   first, skipping occurrences that overlap a span already taken, and only at
   word boundaries: the character after must not be a letter, the text before
   must be a non-letter optionally followed by proclitics (و ف ب ل ك).

Writes eval/ner_results.json, prints a table, and exits 1 if a number falls
below its floor in eval/floors.json (key "ner").

Usage: python scripts/eval_ner.py [--skip-dev] [--seed-dir DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO / "eval"
SEED_DIR = REPO / "tests" / "fixtures" / "seed"
SEED_ID = "000_ef5b854259b45142"
TYPES = ("PER", "LOC", "ORG")
CLITICS = "وفبلك"
DOC_SENTENCES = 10
NEWSWIRE = ("anercorp", "newsfane")  # the newswire part of dev (Wojood val is mixed media)
Span = tuple[int, int, str]


def _load_train_module():
    spec = importlib.util.spec_from_file_location("train_ner", REPO / "scripts" / "train_ner.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def bio_spans(tags: list[str]) -> set[Span]:
    """Exact spans ``(start, end, type)`` from BIO tags (an orphan I- opens a span)."""
    spans: set[Span] = set()
    start, typ = -1, ""
    for i, t in enumerate([*tags, "O"]):
        if t.startswith("I-") and t[2:] == typ:
            continue
        if typ:
            spans.add((start, i, typ))
            typ = ""
        if t.startswith(("B-", "I-")):
            start, typ = i, t[2:]
    return spans


def prf(gold: Iterable[Span], pred: Iterable[Span]) -> dict[str, dict[str, float]]:
    gold, pred = set(gold), set(pred)
    out: dict[str, dict[str, float]] = {}
    for typ in (*TYPES, "micro"):
        g = {s for s in gold if typ == "micro" or s[2] == typ}
        p = {s for s in pred if typ == "micro" or s[2] == typ}
        tp = len(g & p)
        pr = tp / len(p) if p else 0.0
        rc = tp / len(g) if g else 0.0
        f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        out[typ] = {
            "precision": round(pr, 4),
            "recall": round(rc, 4),
            "f1": round(f1, 4),
            "gold": len(g),
            "pred": len(p),
            "tp": tp,
        }
    return out


def eval_dev(model: Path | None = None) -> dict:
    """CRF alone on dev: scores overall, per source, on newswire (ANERcorp +
    NewsFANE) and recall per error class (:func:`error_class_recall`)."""
    from akhbar.arabic.ner import MODEL_PATH, NameMemory

    model = model or MODEL_PATH
    splits = _load_train_module().load_splits()
    vocab = {w for sents in splits["train"].values() for ws, _ in sents for w in ws}
    gold_all: list[Span] = []
    pred_all: list[Span] = []
    per_source: dict[str, dict] = {}
    newswire: tuple[list[Span], list[Span]] = ([], [])
    classes: dict[str, list[int]] = {}
    offset = 0
    for source, sents in splits["dev"].items():
        g_src: list[Span] = []
        p_src: list[Span] = []
        stream = NameMemory()  # as `akhbar tag --conll` reads one file: names carry over
        for words, tags in sents:
            gold = bio_spans(tags)
            pred = bio_spans(stream.tag(words, model))
            g_src += [(offset + a, offset + b, t) for a, b, t in gold]
            p_src += [(offset + a, offset + b, t) for a, b, t in pred]
            for name, (hit, total) in error_class_recall(words, gold, pred, vocab).items():
                acc = classes.setdefault(name, [0, 0])
                acc[0] += hit
                acc[1] += total
            offset += len(words) + 1
        per_source[source] = prf(g_src, p_src)
        if source in NEWSWIRE:
            newswire[0].extend(g_src)
            newswire[1].extend(p_src)
        gold_all += g_src
        pred_all += p_src
    return {
        "scores": prf(gold_all, pred_all),
        "f1_micro_by_source": {k: v["micro"]["f1"] for k, v in per_source.items()},
        "by_source": per_source,
        "newswire": prf(*newswire),
        "error_class_recall": {
            k: {"recall": round(h / t, 4) if t else 0.0, "gold": t} for k, (h, t) in classes.items()
        },
    }


def error_class_recall(
    words: list[str], gold: set[Span], pred: set[Span], vocab: set[str]
) -> dict[str, tuple[int, int]]:
    """``{class: (found, gold)}`` for the error classes of issue 13, one sentence.

    * ``per_after_cue``: PER right after a title, nationality adjective or
      reporting verb (الرئيس اللبناني ميشال عون، قال لافروف);
    * ``clitic_first``: an entity whose first token carries و/ب/ل/ف/ك
      (a reading without it is a known name part);
    * ``org_sports``: ORG in a sentence with sports words (فاز على + country);
    * ``unseen``: no token of the entity occurs in the training data."""
    from akhbar.arabic.ner_features import cue_types, lex_kinds
    from akhbar.arabic.rules.ner_cues import CUES

    sport = any("SPORT" in cue_types(w) for w in words)
    out: dict[str, tuple[int, int]] = {}

    def add(name: str, span: Span) -> None:
        hit, total = out.get(name, (0, 0))
        out[name] = (hit + (span in pred), total + 1)

    for span in gold:
        a, b, typ = span
        prev = cue_types(words[a - 1]) if a else ()
        if (
            typ == "PER"
            and a
            and ("PER" in prev or "SAY" in prev or "nisba" in lex_kinds(words[a - 1]))
        ):
            add("per_after_cue", span)
        first = words[a]
        if (
            first[:1] in CLITICS
            and len(first) > 3
            and (lex_kinds(first[1:]) or first[1:] in vocab)
            and first[1:] not in CUES["PER"]
        ):
            add("clitic_first", span)
        if typ == "ORG" and sport:
            add("org_sports", span)
        if not any(w in vocab for w in words[a:b]):
            add("unseen", span)
    return out


def eval_dev_pipeline() -> dict:
    from akhbar.arabic.entities import extract_entities

    splits = _load_train_module().load_splits()["dev"]
    gold_all: list[Span] = []
    pred_all: list[Span] = []
    per_source: dict[str, float] = {}
    offset = 0
    n_words = 0
    seconds = 0.0
    for source, sents in splits.items():
        g_src: list[Span] = []
        p_src: list[Span] = []
        for d in range(0, len(sents), DOC_SENTENCES):
            chunk = sents[d : d + DOC_SENTENCES]
            words = [w for ws, _ in chunk for w in ws]
            tags = [t for _, ts in chunk for t in ts]
            text = " ".join(words)
            token_at = [-1] * (len(text) + 1)
            pos = 0
            for k, w in enumerate(words):
                token_at[pos : pos + len(w)] = [k] * len(w)
                pos += len(w) + 1
            g_src += [(offset + a, offset + b, t) for a, b, t in bio_spans(tags)]
            t0 = time.perf_counter()
            ents = extract_entities(text)
            seconds += time.perf_counter() - t0
            n_words += len(words)
            for e in ents:
                a, b = token_at[e.start], token_at[e.end - 1] + 1
                p_src.append((offset + a, offset + b, e.type))
            offset += len(words) + 1
        per_source[source] = prf(g_src, p_src)["micro"]["f1"]
        gold_all += g_src
        pred_all += p_src
    return {
        "scores": prf(gold_all, pred_all),
        "f1_micro_by_source": per_source,
        "ms_per_1000_words": round(seconds * 1e6 / max(n_words, 1), 1),
    }


def gold_spans_from_strings(text: str, entities: dict[str, list[str]]) -> set[Span]:
    """Occurrence-based gold spans (see module docstring)."""
    items = sorted(
        ((s, t) for t, strs in entities.items() if t in TYPES for s in strs),
        key=lambda x: -len(x[0]),
    )
    taken = [False] * (len(text) + 1)
    spans: set[Span] = set()
    for s, typ in items:
        pos = text.find(s)
        while pos != -1:
            end = pos + len(s)
            if _boundary(text, pos, end) and not any(taken[pos:end]):
                spans.add((pos, end, typ))
                for k in range(pos, end):
                    taken[k] = True
            pos = text.find(s, pos + 1)
    return spans


def _boundary(text: str, start: int, end: int) -> bool:
    if end < len(text) and text[end].isalpha():
        return False
    i = start
    while i > 0 and text[i - 1] in CLITICS and start - i < 2:
        i -= 1
    return i == 0 or not text[i - 1].isalpha()


def eval_seed(seed_dir: Path = SEED_DIR) -> dict:
    from akhbar.arabic.entities import extract_entities

    text = (seed_dir / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    gold_doc = json.loads((seed_dir / f"{SEED_ID}.gold.json").read_text(encoding="utf-8"))
    gold = gold_spans_from_strings(text, gold_doc["entities"])
    t0 = time.perf_counter()
    pred = {(e.start, e.end, e.type) for e in extract_entities(text)}
    ms = (time.perf_counter() - t0) * 1000
    res = prf(gold, pred)
    return {
        "scores": res,
        "ms": round(ms, 1),
        "missed": sorted(text[a:b] + "/" + t for a, b, t in gold - pred),
        "spurious": sorted(text[a:b] + "/" + t for a, b, t in pred - gold),
    }


def check_floors(results: dict, floors_path: Path) -> list[str]:
    if not floors_path.is_file():
        return []
    floors = json.loads(floors_path.read_text(encoding="utf-8")).get("ner", {})
    flat = {}
    for split in ("dev", "dev_pipeline", "seed"):
        if split in results:
            for typ, sc in results[split]["scores"].items():
                flat[f"{split}_f1_{typ.lower()}"] = sc["f1"]
    if "dev" in results:
        for typ, sc in results["dev"]["newswire"].items():
            flat[f"newswire_f1_{typ.lower()}"] = sc["f1"]
        for name, sc in results["dev"]["error_class_recall"].items():
            flat[f"recall_{name}"] = sc["recall"]
    failures = []
    for key, floor in floors.items():
        if key in flat and flat[key] < floor:
            failures.append(f"{key} = {flat[key]:.4f} < floor {floor}")
    return failures


def _table(name: str, scores: dict) -> str:
    lines = [f"{name:<6} {'type':<6} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6} {'pred':>6}"]
    for typ, s in scores.items():
        lines.append(
            f"{'':<6} {typ:<6} {s['precision']:>7.3f} {s['recall']:>7.3f} {s['f1']:>7.3f}"
            f" {s['gold']:>6} {s['pred']:>6}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-dev", action="store_true", help="seed only (fast)")
    ap.add_argument("--seed-dir", type=Path, default=SEED_DIR)
    ap.add_argument("--out", type=Path, default=EVAL_DIR / "ner_results.json")
    ap.add_argument("--floors", type=Path, default=EVAL_DIR / "floors.json")
    args = ap.parse_args(argv)
    results: dict = {}
    if not args.skip_dev:
        results["dev"] = eval_dev()
        print(_table("dev", results["dev"]["scores"]))
        print("dev micro F1 by source:", results["dev"]["f1_micro_by_source"])
        print(_table("news", results["dev"]["newswire"]))
        for src, sc in results["dev"]["by_source"].items():
            print(_table(src[:6], sc))
        print("dev recall by error class:", results["dev"]["error_class_recall"])
        results["dev_pipeline"] = eval_dev_pipeline()
        print(_table("devpip", results["dev_pipeline"]["scores"]))
        print("dev pipeline micro F1 by source:", results["dev_pipeline"]["f1_micro_by_source"])
        print("dev pipeline ms per 1000 words:", results["dev_pipeline"]["ms_per_1000_words"])
    results["seed"] = eval_seed(args.seed_dir)
    print(_table("seed", results["seed"]["scores"]))
    print("seed missed:", results["seed"]["missed"])
    print("seed spurious:", results["seed"]["spurious"])
    if not args.skip_dev:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    failures = check_floors(results, args.floors)
    for f in failures:
        print("BELOW FLOOR:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
