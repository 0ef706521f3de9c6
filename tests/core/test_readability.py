"""The plain-language checks of the public notice: Kandel–Moles score, sentence lengths and
jargon, on fixed French samples whose expected values are computed by hand below.

Kandel–Moles (French Flesch): 207 − 1.015 × words/sentences − 73.6 × syllables/words.
Syllables per word come from textstat's French count (Pyphen's hyphenation points + 1); the
counts used below are written next to each sample.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import textstat

from boussole.core import readability as r
from boussole.core.errors import InvalidDocument

SHORT = "Le chat dort. La maison est grande."
# 2 sentences, 7 words; syllables: le 1, chat 1, dort 1, la 1, mai-son 2, est 1, grande 1 = 8.
# 207 − 1.015 × 7/2 − 73.6 × 8/7 = 207 − 3.5525 − 84.1143 = 119.33
SHORT_SCORE = 119.33

PLAIN = ("La métropole utilise un programme pour trier les courriers des habitants. "
         "Un agent relit chaque résultat avant de répondre.")
# 2 sentences, 11 + 8 = 19 words; syllables: la 1, mé-tro-pole 3, uti-lise 2, un 1,
# pro-gramme 2, pour 1, trier 1, les 1, cour-riers 2, des 1, ha-bi-tants 3 (= 18);
# un 1, agent 1, re-lit 2, chaque 1, ré-sul-tat 3, avant 1, de 1, ré-pondre 2 (= 12) → 30.
# 207 − 1.015 × 19/2 − 73.6 × 30/19 = 207 − 9.6425 − 116.2105 = 81.147
PLAIN_SCORE = 81.15

HEAVY = ("Dans le cadre de la mise en œuvre de la politique métropolitaine de transition "
         "écologique et de sobriété hydrique, la direction du cycle de l’eau procède à la "
         "comparaison trimestrielle des consommations individuelles des abonnés avec celles "
         "de foyers de référence modélisés.")
# 1 sentence of 42 words, 74 syllables (politique 3, métropolitaine 5, transition 3,
# écologique 3, sobriété 3, hydrique 2, direction 3, procède 2, comparaison 4,
# trimestrielle 3, consommations 3, individuelles 4, abonnés 2, référence 3, modélisés 4,
# and 27 words of one syllable: 3+5+3+3+3+2+3+2+4+3+3+4+2+3+4 = 47, 47 + 27 = 74).
# 207 − 1.015 × 42 − 73.6 × 74/42 = 207 − 42.63 − 129.6762 = 34.694
HEAVY_SCORE = 34.69


@pytest.mark.parametrize(("text", "words", "sentences", "syllables", "expected"), [
    (SHORT, 7, 2, 8, SHORT_SCORE),
    (PLAIN, 19, 2, 30, PLAIN_SCORE),
    (HEAVY, 42, 1, 74, HEAVY_SCORE),
])
def test_kandel_moles_scores_of_fixed_samples(text: str, words: int, sentences: int,
                                              syllables: int, expected: float) -> None:
    result = r.analyse(text, jargon={})
    assert (result.words, result.sentences, result.syllables) == (words, sentences, syllables)
    assert result.score == pytest.approx(expected, abs=0.06)


def test_bands_and_target() -> None:
    assert r.analyse(SHORT, jargon={}).band == "tres_facile"
    plain = r.analyse(PLAIN, jargon={})
    assert plain.band == "facile" and plain.band_label == "facile" and not plain.below_target
    heavy = r.analyse(HEAVY, jargon={})
    assert heavy.band == "difficile" and heavy.below_target and not heavy.plain


def test_sentence_lengths_and_long_sentences() -> None:
    plain = r.analyse(PLAIN, jargon={})
    assert plain.average_sentence_words == 9.5 and plain.max_sentence_words == 11
    assert plain.long_sentences == () and plain.plain
    heavy = r.analyse(PLAIN + " " + HEAVY, jargon={})
    assert heavy.sentences == 3 and heavy.max_sentence_words == 42
    assert heavy.average_sentence_words == round((11 + 8 + 42) / 3, 1)
    [(excerpt, words)] = heavy.long_sentences
    assert words == 42 and excerpt.startswith("Dans le cadre") and excerpt.endswith("…")


def test_a_line_break_ends_a_sentence_and_empty_text_has_no_score() -> None:
    listed = r.analyse("Votre adresse\nVotre numéro d'abonné", jargon={})
    # « d'abonné » is one word (an inner apostrophe joins), as textstat counts it.
    assert listed.sentences == 2 and listed.words == 5
    empty = r.analyse("  \n ", jargon={})
    assert empty.empty and empty.score is None and empty.band == "" and empty.plain


def test_textstat_french_uses_the_same_coefficients() -> None:
    """textstat set to French computes the same formula (its sentence count differs only for
    sentences of two words or fewer, which these samples do not have)."""
    try:
        textstat.set_lang("fr")
        assert textstat.flesch_reading_ease(PLAIN) == pytest.approx(PLAIN_SCORE, abs=0.06)
        assert textstat.flesch_reading_ease(SHORT) == pytest.approx(SHORT_SCORE, abs=0.06)
    finally:
        textstat.set_lang("en")


def test_jargon_found_with_replacements() -> None:
    text = ("Ce traitement de données à caractère personnel respecte le RGPD. Il utilise une "
            "IA générative et deux algorithmes. Un LLM résume les courriers.")
    hits = {h.term: h for h in r.analyse(text).jargon}
    assert {"traitement", "données à caractère personnel", "RGPD", "IA générative",
            "algorithme", "LLM"} <= set(hits)
    assert "IA" not in hits  # inside « IA générative »: counted once, as the longer term
    assert hits["algorithme"].count == 1  # the plural is found
    assert "informations qui vous concernent" in hits["données à caractère personnel"].replacements
    # Acronyms match in capitals only; ordinary terms in any case.
    assert [h.term for h in r.find_jargon("la ia du rgpd", {"RGPD": ("x",), "IA": ("y",)})] == []
    assert [h.term for h in r.find_jargon("Algorithme.", {"algorithme": ("x",)})] == ["algorithme"]
    # No match inside a word.
    assert r.find_jargon("les modélisations", {"modèle": ("x",)}) == ()


def test_the_shipped_jargon_list_is_valid_and_covers_the_usual_terms() -> None:
    jargon = r.load_jargon()
    for term in ("RGPD", "algorithme", "LLM", "IA générative", "traitement",
                 "données à caractère personnel"):
        assert jargon[term], term


def test_a_broken_jargon_list_is_refused_in_french(tmp_path: Path) -> None:
    bad = tmp_path / "jargon.yaml"
    bad.write_text("format: boussole-jargon/1\nterms:\n  RGPD: règles\n", encoding="utf-8")
    with pytest.raises(InvalidDocument, match="liste de suggestions"):
        r.load_jargon(bad)
    bad.write_text("terms: {}\n", encoding="utf-8")
    with pytest.raises(InvalidDocument, match="format attendu"):
        r.load_jargon(bad)
