"""Tokenizer offsets, sentence spans and clitic analysis."""

from __future__ import annotations

from pathlib import Path

from akhbar.arabic.tokenize import sentences, split_clitics, stem_candidates, tokenize

SEED = Path(__file__).parent / "fixtures" / "seed" / "000_ef5b854259b45142.txt"


def test_token_offsets_index_the_original() -> None:
    text = SEED.read_text(encoding="utf-8")
    toks = tokenize(text)
    assert len(toks) > 300
    for t in toks:
        assert text[t.start : t.end] == t.text
    # the real seed phrase "وخليفة حفتر" is one token then another
    words = [t.text for t in toks]
    assert "وخليفة" in words and "حفتر" in words


def test_punctuation_and_dot_runs() -> None:
    # constructed example
    toks = [t.text for t in tokenize('قال: "نعم".. ثم، انتهى؟')]
    assert toks == ["قال", ":", '"', "نعم", '"', "..", "ثم", "،", "انتهى", "؟"]


def test_diacritics_stay_inside_words() -> None:
    toks = tokenize("قائلاً مُحمّد")  # constructed example
    assert [t.text for t in toks] == ["قائلاً", "مُحمّد"]


def test_sentences_split_on_terminators() -> None:
    text = SEED.read_text(encoding="utf-8")
    spans = sentences(text)
    assert spans[0] == (0, 14)  # the dateline line "العالم - ليبيا"
    assert all(text[a:b].strip() == text[a:b] for a, b in spans)
    joined = [text[a:b] for a, b in spans]
    assert any(s.endswith("النار..") for s in joined)  # '..' run ends a sentence
    # constructed example: ؟ ! ; and a decimal point that does not split
    assert len(sentences("هل جاء؟ نعم! بلغ 2.5 مليون; انتهى")) == 4
    assert sentences("") == [] and sentences("  \n ") == []


def test_clitics_split_only_to_known_stems() -> None:
    assert split_clitics("وموسكو") == ("و", "موسكو")
    assert split_clitics("بليبيا") == ("ب", "ليبيا")
    assert split_clitics("للحكومة") == ("لل", "حكومة")
    assert split_clitics("والحكومة") == ("و", "الحكومة")
    assert split_clitics("وبالحكومة") == ("وب", "الحكومة")
    # letters that belong to the stem are not stripped
    for name in ("بريطانيا", "لبنان", "فرنسا", "كندا", "بغداد"):
        assert split_clitics(name) == ("", name)
    assert split_clitics("ولبنان") == ("و", "لبنان")
    assert split_clitics("") == ("", "")
    # explicit lexicon
    assert split_clitics("وكتاب", known={"كتاب"}) == ("و", "كتاب")
    assert split_clitics("وكتاب", known=set()) == ("", "وكتاب")


def test_stem_candidates_offer_article_reading() -> None:
    cands = dict((stem, off) for off, stem in stem_candidates("للحكومة"))
    assert cands["الحكومه"] == 2 and cands["حكومه"] == 2
    cands = dict((stem, off) for off, stem in stem_candidates("والحكومة"))
    assert cands["الحكومه"] == 1 and cands["حكومه"] == 3
