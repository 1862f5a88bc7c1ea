"""CRF model: loads, tags, CoNLL CLI, feature sanity."""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.arabic import ner, ner_features
from helpers import SHARED

FIXTURE = Path(__file__).parent / "fixtures" / "seed" / "000_ef5b854259b45142.txt"


def test_model_is_committed_and_small() -> None:
    assert ner.MODEL_PATH.is_file()
    assert ner.MODEL_PATH.stat().st_size < 5 * 1024 * 1024


def test_tags_real_sentence() -> None:
    # words of the seed article's fifth line, as the tokenizer gives them
    words = ["وصرح", "وزير", "الخارجية", "الروسي", "سيرغي", "لافروف", "قائلاً"]
    tags = ner.tag_tokens(words)
    assert len(tags) == len(words)
    assert set(tags) <= {"O", *(f"{b}-{t}" for b in "BI" for t in ner.TAGS)}
    assert tags[4:6] == ["B-PER", "I-PER"]


def test_bio_is_well_formed() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    tags = ner.tag_tokens(text.split())
    prev = "O"
    for t in tags:
        if t.startswith("I-"):
            assert prev[2:] == t[2:]
        prev = t


def test_empty_input() -> None:
    assert ner.tag_tokens([]) == []


def test_tag_conll_sentences_and_format() -> None:
    lines = ["ليبيا\tX\n", "في\n", ".\n", "موسكو\n", "\n", "\n", "برلين\n"]
    out = list(ner.tag_conll(lines))
    rows = [o for o in out if o]
    assert [r.split("\t")[0] for r in rows] == ["ليبيا", "في", ".", "موسكو", "برلين"]
    assert out.count("") == 3  # one blank line after each of the three sentences
    # a one-word sentence is ambiguous (ANERcorp often tags capitals as ORG, metonymy)
    assert dict(r.split("\t") for r in rows)["موسكو"] in {"B-LOC", "B-ORG"}


def test_main_tag_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "in.conll"
    f.write_text("ليبيا O\nموسكو O\n.\n", encoding="utf-8")
    assert ner.main_tag(str(f)) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "ليبيا\tB-LOC"
    assert ner.main_tag(str(tmp_path / "missing.conll")) == 2


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="train-ner"):
        ner.tag_tokens(["ليبيا"], model=tmp_path / "none.crfsuite")


def test_features_include_gazetteer_and_cues() -> None:
    feats = ner_features.sentence_features(["الرئيس", "رجب", "طيب", "أردوغان"])
    assert "gaz=B-PER" in feats[1] and "gaz=I-PER" in feats[3]
    assert "cue-1=PER" in feats[1]
    assert any(f.startswith("stem=") for f in feats[0])
    feats = ner_features.sentence_features(["وموسكو"])
    assert "clitic=و" in feats[0] and "stem=موسكو" in feats[0] and "gaz=B-LOC" in feats[0]


def test_features_cues_through_clitics_window_and_stem_affixes() -> None:
    # words of the seed article ("ووزير" written with the conjunction)
    feats = ner_features.sentence_features(["ووزير", "الخارجية", "الروسي", "سيرغي", "لافروف"])
    assert "cs-1=PER" in feats[1]  # و + وزير: the cue survives the clitic
    assert "cuew=PER" in feats[3] and "cuew=PER" in feats[4]  # within CUE_WINDOW tokens
    assert "ss3=روف" in feats[4] and "sp2=لا" in feats[4]
    assert "nisba" in feats[2] and "gz-1|gz=<s>|O" in feats[0]
    assert "pos=0" in feats[0] and "pos=4" in feats[4]


# --- evaluation (scripts/eval_ner.py) -------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


def _eval_module():
    from scripts import eval_ner

    return eval_ner


def _train_module():
    from scripts import train_ner

    return train_ner


def test_drop_overlaps() -> None:
    tr = _train_module()
    # constructed token sequences (not Arabic text): only the window length matters
    held = [([f"w{i}" for i in range(10)], ["O"] * 10)]
    shares8 = ([f"x{i}" for i in range(3)] + [f"w{i}" for i in range(2, 10)], ["O"] * 11)
    shares7 = ([f"w{i}" for i in range(3, 10)] + ["y"], ["O"] * 8)
    assert tr.drop_overlaps([shares8, shares7], held) == [shares7]


CORPUS = SHARED / "corpus" / "ner"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared NER corpus not present")
def test_dev_is_unseen_by_training() -> None:
    """NewsFANE re-annotates ANERcorp text: no training sentence may share an
    8-token window with a dev sentence of either (Wojood's split is kept as published)."""
    tr = _train_module()
    splits = tr.load_splits()
    dev = [s for src in ("anercorp", "newsfane") for s in splits["dev"][src]]
    seen = {g for words, _ in dev for g in tr._grams(words)}
    for src in ("anercorp", "newsfane"):
        assert splits["train"][src]
        for words, _ in splits["train"][src]:
            assert not any(g in seen for g in tr._grams(words))


def test_bio_spans_and_prf() -> None:
    ev = _eval_module()
    assert ev.bio_spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "B-ORG"]) == {
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
        (5, 6, "ORG"),
    }
    res = ev.prf({(0, 2, "PER"), (3, 4, "LOC")}, {(0, 2, "PER"), (3, 5, "LOC")})
    assert res["PER"]["f1"] == 1.0 and res["LOC"]["f1"] == 0.0 and res["micro"]["f1"] == 0.5


def test_gold_spans_from_strings_on_seed() -> None:
    ev = _eval_module()
    text = FIXTURE.read_text(encoding="utf-8")
    gold = ev.gold_spans_from_strings(text, {"PER": ["خليفة حفتر", "حفتر"], "LOC": ["ليبيا"]})
    per = sorted(text[a:b] for a, b, t in gold if t == "PER")
    assert per.count("خليفة حفتر") == 3 and per.count("حفتر") == 4  # no nested duplicates
    # "الليبية" and "الليبي" are not occurrences of "ليبيا"; "بليبيا"-style clitics are
    assert all(text[b : b + 1] in ' .،,:\n"' for a, b, t in gold if t == "LOC")


@pytest.mark.skipif(
    not (SHARED / "corpus" / "ner").exists(),
    reason="the dev split is read from ../shared/corpus/ner (present in CI)",
)
def test_seed_and_dev_meet_floors(tmp_path: Path) -> None:
    ev = _eval_module()
    out = tmp_path / "res.json"
    assert ev.main(["--out", str(out)]) == 0
    import json

    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["seed"]["scores"]["micro"]["f1"] >= 0.97
    assert res["dev"]["scores"]["micro"]["f1"] >= 0.70
    # the full pipeline on the same dev split is reported and no worse than the CRF alone
    pip = res["dev_pipeline"]
    assert pip["scores"]["micro"]["f1"] >= res["dev"]["scores"]["micro"]["f1"] - 0.005
    assert set(pip["f1_micro_by_source"]) == {"anercorp", "wojood", "newsfane"}
    floors = tmp_path / "floors.json"
    floors.write_text('{"ner": {"seed_f1_micro": 1.01}}', encoding="utf-8")
    assert ev.main(["--skip-dev", "--floors", str(floors)]) == 1


# --- issue 13 features: lexicons from registry wheels, title/verb windows ---------------


def test_lexicon_marks_names_places_and_nisba() -> None:
    from akhbar.arabic.gazetteer import load_lexicon

    lex = load_lexicon()
    assert len(lex) > 15_000
    assert "surname" in lex["حفتر"] and "given" in lex["خليفه"]
    assert "place" in lex["لبنان"] and "nisba" in lex["اللبناني"] and "nisba" in lex["الروسيه"]


def test_features_lexicon_title_nisba_and_sport_windows() -> None:
    # words of the seed article: "ووزير الخارجية الروسي سيرغي لافروف"
    feats = ner_features.sentence_features(["ووزير", "الخارجية", "الروسي", "سيرغي", "لافروف"])
    assert "lex-1=nisba" in feats[3]
    # seed article: "الوطني بقيادة اللواء خليفة حفتر"; a clitic on the name (وخليفة)
    feats = ner_features.sentence_features(["الوطني", "بقيادة", "اللواء", "خليفة", "حفتر"])
    assert "lex=given" in feats[3] and "lex=surname" in feats[4] and "lex+1=surname" in feats[3]
    assert "lex=given" in ner_features.sentence_features(["وخليفة", "حفتر"])[0]
    # ANERcorp training part (sports page): "الذي سبق ان تغلب على كايزر تشيفس وفاز"
    words = ["الذي", "سبق", "ان", "تغلب", "على", "كايزر", "تشيفس", "وفاز"]
    assert all("sport" in f for f in ner_features.sentence_features(words))
    # ANERcorp training part: "جدد الرئيس اللبناني اميل لحود امس انتقاده للرئيس الفرنسي جاك شيراك"
    words = [
        "جدد",
        "الرئيس",
        "اللبناني",
        "اميل",
        "لحود",
        "امس",
        "انتقاده",
        "للرئيس",
        "الفرنسي",
        "جاك",
        "شيراك",
    ]
    feats = ner_features.sentence_features(words)
    assert "title_nisba-1" in feats[3] and "title_nisba-1" in feats[9]


def test_features_identical_with_gazetteer_given() -> None:
    """entities.py passes its own gazetteer tags: features must not change."""
    words = ["ووزير", "الخارجية", "الروسي", "سيرغي", "لافروف", "في", "موسكو"]
    gaz = ner_features.gaz_tags(
        [ner_features.Token(w, k, k + len(w)) for k, w in zip(_offsets(words), words, strict=True)]
    )
    assert ner_features.sentence_features(words) == ner_features.token_features(words, gaz)
    assert ner.tag_tokens(words) == ner.tag_tokens(words, gaz=gaz)


def _offsets(words: list[str]) -> list[int]:
    out, pos = [], 0
    for w in words:
        out.append(pos)
        pos += len(w) + 1
    return out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared NER corpus not present")
def test_name_memory_carries_surnames_over_sentences() -> None:
    """ANERcorp (training part): "جدد الرئيس اللبناني اميل لحود ..." then "وقال لحود
    في بيان ..." and "واضاف لحود ...": the bare surname is a person too."""
    sents = [
        w for w, _ in _train_module().read_anercorp(CORPUS / "anercorp" / "ANERCorp_train_part.txt")
    ]
    k = next(
        i for i, w in enumerate(sents) if w[6:11] == ["جدد", "الرئيس", "اللبناني", "اميل", "لحود"]
    )
    memory = ner.NameMemory()
    first = memory.tag(sents[k])
    assert first[9:11] == ["B-PER", "I-PER"] and "لحود" in memory.seen
    for words in sents[k + 1 : k + 3]:
        tags = memory.tag(words)
        assert tags[words.index("لحود")] == "B-PER"
        # memory only adds names: never removes or retypes what the CRF found
        crf = ner.tag_tokens(words)
        assert all(c == m or c == "O" for c, m in zip(crf, tags, strict=True))
