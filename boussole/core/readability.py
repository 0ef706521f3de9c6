"""Plain-language checks of a French text (the public notice, issue 14): a readability score,
sentence lengths and jargon, with suggested replacements. They advise; they never block.

The score is the Kandel–Moles adaptation of Flesch's reading ease to French (Kandel & Moles,
1958)::

    score = 207 - 1.015 × (words / sentences) - 73.6 × (syllables / words)

``textstat`` set to French (``textstat.set_lang("fr")`` then ``flesch_reading_ease``) uses the
same three coefficients (its ``LANG_CONFIGS["fr"]``: 207, 1.015, 73.6) but counts sentences its
own way (a sentence of two words or fewer is not counted) and keeps the language as a global
setting. So the formula is computed here, with this module's own sentence and word splitting
(the same one that measures sentence lengths), and only the syllables of each word come from
``textstat`` (Pyphen's French hyphenation dictionary: the hyphenation points of a word, plus
one). The score is not bounded: very short words and sentences give more than 100.

Reading the score (the usual Flesch bands): 90 and over very easy, 80–90 easy, 70–80 fairly
easy, 60–70 standard, 50–60 fairly difficult, 30–50 difficult, under 30 very difficult. A notice
for everyone should aim at 60 or more, with sentences of 25 words or fewer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from pyphen import Pyphen

from boussole.core.documents import load_data_yaml, read_text
from boussole.core.errors import InvalidDocument, Problem
from boussole.core.paths import DATA_DIR

#: Kandel–Moles coefficients.
BASE: Final = 207.0
SENTENCE_WEIGHT: Final = 1.015
SYLLABLE_WEIGHT: Final = 73.6
#: A sentence longer than this, in words, is reported.
LONG_SENTENCE_WORDS: Final = 25
#: The score a text for everyone should reach (the bottom of the "standard" band).
TARGET_SCORE: Final = 60.0
JARGON_FILE: Final = DATA_DIR / "transparency" / "jargon.yaml"
JARGON_FORMAT: Final = "boussole-jargon/1"

#: Score bands, from the highest: (lowest score of the band, code, French label). The web
#: layer shows its own translated labels for the codes.
BANDS: Final[tuple[tuple[float, str, str], ...]] = (
    (90.0, "tres_facile", "très facile"),
    (80.0, "facile", "facile"),
    (70.0, "plutot_facile", "plutôt facile"),
    (60.0, "standard", "standard"),
    (50.0, "plutot_difficile", "plutôt difficile"),
    (30.0, "difficile", "difficile"),
    (float("-inf"), "tres_difficile", "très difficile"),
)

# A sentence ends at . ! ? … (one or more, with closing quotes or brackets), or at a line
# break: a list item or a paragraph without final punctuation is a sentence of its own.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»\"')\]]*\s+|\n+")
# A word: letters or digits, with inner apostrophes and hyphens (« l'usager », « est-ce »).
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
#: Longest excerpt of a long sentence shown, in characters.
_SHORTEN = 120


@dataclass(frozen=True)
class JargonHit:
    """A jargon term found in the text, how often, and plainer words to use instead."""

    term: str
    count: int
    replacements: tuple[str, ...]


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    #: Kandel–Moles score, rounded to one decimal; None for a text without words.
    score: float | None
    average_sentence_words: float
    max_sentence_words: int
    #: The sentences longer than :data:`LONG_SENTENCE_WORDS`, shortened for display, with
    #: their length in words.
    long_sentences: tuple[tuple[str, int], ...]
    jargon: tuple[JargonHit, ...]

    @property
    def empty(self) -> bool:
        return self.words == 0

    @property
    def band(self) -> str:
        """The code of the score's band ("" for an empty text)."""
        if self.score is None:
            return ""
        return next(code for floor, code, _label in BANDS if self.score >= floor)

    @property
    def band_label(self) -> str:
        """The French label of the score's band ("" for an empty text)."""
        return next((label for _floor, code, label in BANDS if code == self.band), "")

    @property
    def below_target(self) -> bool:
        return self.score is not None and self.score < TARGET_SCORE

    @property
    def plain(self) -> bool:
        """Nothing to advise: score on target, no long sentence, no jargon."""
        return not (self.below_target or self.long_sentences or self.jargon)


def sentences_of(text: str) -> list[str]:
    """The sentences of ``text`` (those with at least one word), in order."""
    return [s.strip() for s in _SENTENCE_END.split(text) if _WORD.search(s)]


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def syllables_of(word: str) -> int:
    """Syllables of one French word: textstat's count for French (the hyphenation points of
    Pyphen's French dictionary plus one, per token once punctuation is removed as textstat
    removes it), computed here with Pyphen alone — textstat itself loads NLTK, about 30 MB in
    every server process (a test checks both counts agree)."""
    if word.isdigit():
        return 1
    text = _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", word)).lower()
    return max(1, sum(len(_french_hyphenation().positions(token)) + 1
                      for token in text.split()))


#: textstat's punctuation removal (``remove_punctuation`` without removing apostrophes).
_NONCONTRACTION_APOSTROPHE = re.compile(r"'(?!(?:[tsd]|ve|ll|re))")
_PUNCTUATION = re.compile(r"[^\w\s']")


@cache
def _french_hyphenation() -> Pyphen:
    return Pyphen(lang="fr")


def kandel_moles(words: int, sentences: int, syllables: int) -> float | None:
    """The Kandel–Moles score from the three counts; None without words or sentences."""
    if words == 0 or sentences == 0:
        return None
    return BASE - SENTENCE_WEIGHT * words / sentences - SYLLABLE_WEIGHT * syllables / words


def _shorten(sentence: str) -> str:
    flat = " ".join(sentence.split())
    return flat if len(flat) <= _SHORTEN else flat[:_SHORTEN - 1].rstrip() + "…"


def analyse(text: str, jargon: Mapping[str, Sequence[str]] | None = None) -> Readability:
    """Measure ``text``; ``jargon`` is term → suggestions (default: the shipped list)."""
    sentences = sentences_of(text or "")
    lengths = [len(words_of(s)) for s in sentences]
    words = [w for s in sentences for w in words_of(s)]
    syllables = sum(syllables_of(w) for w in words)
    score = kandel_moles(len(words), len(sentences), syllables)
    return Readability(
        words=len(words), sentences=len(sentences), syllables=syllables,
        score=None if score is None else round(score, 1),
        average_sentence_words=round(len(words) / len(sentences), 1) if sentences else 0.0,
        max_sentence_words=max(lengths, default=0),
        long_sentences=tuple((_shorten(s), n) for s, n in zip(sentences, lengths, strict=True)
                             if n > LONG_SENTENCE_WORDS),
        jargon=find_jargon(text or "", default_jargon() if jargon is None else jargon),
    )


def _pattern(term: str) -> re.Pattern[str]:
    body = r"\s+".join(re.escape(part) for part in term.split())
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w'’-]){body}(?:s|x)?(?![\w'’-])", flags)


def find_jargon(text: str, jargon: Mapping[str, Sequence[str]]) -> tuple[JargonHit, ...]:
    """The jargon terms of ``text``, longest terms first (a longer term hides the shorter ones
    inside it: « IA générative » is not also counted as « IA »), in the order of the list."""
    taken: list[tuple[int, int]] = []
    counts: dict[str, int] = {}
    for term in sorted(jargon, key=len, reverse=True):
        for match in _pattern(term).finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            counts[term] = counts.get(term, 0) + 1
    return tuple(JargonHit(term, counts[term], tuple(jargon[term]))
                 for term in jargon if term in counts)


def load_jargon(path: str | Path = JARGON_FILE) -> dict[str, tuple[str, ...]]:
    """Read a jargon list (``boussole-jargon/1``: ``terms``, term → list of suggestions)."""
    document = load_data_yaml(read_text(path), source=str(path))
    problems: list[Problem] = []
    if not isinstance(document, dict) or document.get("format") != JARGON_FORMAT:
        raise InvalidDocument([Problem((), f"format attendu : {JARGON_FORMAT}")],
                              source=str(path))
    terms = document.get("terms")
    if not isinstance(terms, dict):
        raise InvalidDocument([Problem(("terms",), "liste de termes attendue")],
                              source=str(path))
    result: dict[str, tuple[str, ...]] = {}
    for term, suggestions in terms.items():
        if (not isinstance(term, str) or not term.strip() or not isinstance(suggestions, list)
                or not all(isinstance(s, str) and s.strip() for s in suggestions)):
            problems.append(Problem(("terms", str(term)),
                                    "un terme et une liste de suggestions (textes) attendus"))
            continue
        result[term.strip()] = tuple(s.strip() for s in suggestions)
    if problems:
        raise InvalidDocument(problems, source=str(path))
    return result


@cache
def default_jargon() -> dict[str, tuple[str, ...]]:
    """The shipped jargon list (read once)."""
    return load_jargon()
