"""The grid as typed, immutable data: criteria, sections, questions and profile facts.

A grid is identified by ``id`` and ``version``; its key ``"<id>@<version>"`` is what a case is
pinned to. Items (questions and profile facts) have stable identifiers: answers always point
to an identifier, never to a position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

QuestionType = Literal["yes_no", "text", "number", "single_choice", "multiple_choice"]
FactType = Literal["yes_no", "single_choice", "multiple_choice", "scale", "date"]

#: The answer that means "je ne sais pas": always allowed, never counted as "non".
UNKNOWN = "nsp"
YES_NO_VALUES = ("oui", "non")

DOMAINS: Mapping[str, str] = {
    "juridique": "Juridique et protection des données",
    "cybersecurite": "Cybersécurité",
    "rh_qvt": "Ressources humaines et qualité de vie au travail",
    "numerique_responsable": "Numérique responsable",
    "donnees": "Administration de la donnée",
    "organisation": "Organisation et transformation",
    "numerique": "Pilotage de projet numérique",
    "porteur": "Porteur du projet (service métier)",
    "groupe": "Tout le groupe projet",
}


def profile_number(number: str | None) -> str | None:
    """« Q06 » (a profile fact's number in the grid file) → « P6 »; other forms unchanged."""
    if not number:
        return None
    digits = number[1:] if number[:1] in ("Q", "P") else ""
    return f"P{int(digits)}" if digits.isdigit() else number


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    help: str | None = None


@dataclass(frozen=True)
class Condition:
    """When an item applies. ``kind`` is ``fact``, ``question``, ``all`` or ``any``."""

    kind: Literal["fact", "question", "all", "any"]
    ref: str | None = None
    values: tuple[str, ...] = ()
    children: tuple[Condition, ...] = ()

    def to_dict(self) -> dict[str, object]:
        if self.kind in ("all", "any"):
            return {self.kind: [child.to_dict() for child in self.children]}
        return {self.kind: self.ref, "in": list(self.values)}

    def references(self) -> list[tuple[str, str]]:
        """Every ``(kind, id)`` this condition reads."""
        if self.kind in ("all", "any"):
            return [ref for child in self.children for ref in child.references()]
        return [(self.kind, self.ref or "")]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Question:
    number: int
    id: str
    text: str
    type: QuestionType
    criterion: int
    unit: str | None = None
    options: tuple[Option, ...] = ()
    exclusive: tuple[str, ...] = ()
    help: str | None = None
    referents: tuple[str, ...] = ()
    vendor: bool = False
    computed: bool = False
    section: str | None = None
    condition: Condition | None = None

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)


@dataclass(frozen=True)
class Fact:
    """One fact of the identification profile (the inputs of the rules engine)."""

    id: str
    text: str
    type: FactType
    number: str | None = None
    group: str | None = None
    options: tuple[Option, ...] = ()
    help: str | None = None
    boussole: tuple[str, ...] = ()
    priority: bool = False
    exclusive: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    condition: Condition | None = None

    @property
    def option_ids(self) -> tuple[str, ...]:
        if self.type == "yes_no":
            return YES_NO_VALUES
        return tuple(option.id for option in self.options)

    @property
    def display_number(self) -> str | None:
        """The number shown to people: « P6 » for the grid file's « Q06 », so that « Q »
        always means a question of the grid (display only: ids and answers are unchanged)."""
        return profile_number(self.number)


@dataclass(frozen=True)
class Criterion:
    number: int
    id: str
    title: str
    commitments: tuple[str, ...]
    questions: tuple[Question, ...]
    referents: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Grid:
    id: str
    version: int
    title: str
    criteria: tuple[Criterion, ...]
    profile: tuple[Fact, ...]
    publisher: str | None = None
    published: str | None = None
    source: str | None = None
    licence_note: str | None = None
    derived_from: tuple[str, int] | None = None
    replaced_ids: Mapping[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for criterion in self.criteria for q in criterion.questions)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _questions_by_number(self) -> dict[int, Question]:
        return {q.number: q for q in self.questions}

    @cached_property
    def _facts_by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.profile}

    def question(self, question_id: str) -> Question:
        return self._questions_by_id[question_id]

    def question_by_number(self, number: int) -> Question:
        return self._questions_by_number[number]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions_by_id

    def fact(self, fact_id: str) -> Fact:
        return self._facts_by_id[fact_id]

    def has_fact(self, fact_id: str) -> bool:
        return fact_id in self._facts_by_id

    def item(self, item_id: str) -> Question | Fact:
        """The question or profile fact named ``item_id``; :class:`KeyError` if neither."""
        if item_id in self._questions_by_id:
            return self._questions_by_id[item_id]
        if item_id in self._facts_by_id:
            return self._facts_by_id[item_id]
        raise KeyError(item_id)

    def has_item(self, item_id: str) -> bool:
        return item_id in self._questions_by_id or item_id in self._facts_by_id

    def criterion(self, number: int) -> Criterion:
        for criterion in self.criteria:
            if criterion.number == number:
                return criterion
        raise KeyError(number)

    def criterion_of(self, question_id: str) -> Criterion:
        return self.criterion(self.question(question_id).criterion)

    # --- Display helpers (what people read; codes stay in exports and the API) -------------

    @cached_property
    def _sections_by_id(self) -> dict[str, Section]:
        return {s.id: s for criterion in self.criteria for s in criterion.sections}

    @cached_property
    def _shared_titles(self) -> frozenset[str]:
        """Computed questions whose title (text before any parenthesis) another computed
        question of the same criterion also has: « Estimation des émissions GES » for Q27,
        Q45, Q51 and Q59 of the Nantes grid."""
        seen: dict[tuple[int, str], list[str]] = {}
        for q in self.questions:
            if q.computed:
                seen.setdefault((q.criterion, _title_key(q.text)), []).append(q.id)
        return frozenset(i for ids in seen.values() if len(ids) > 1 for i in ids)

    def section_label(self, section_id: str) -> str:
        """A short name of a section (« Fabrication des équipements », « Réalisation des
        calculs, partie CPU »): its title without the words every section of criterion 5
        starts with, nor the parenthesis; a subsection is named with its parent."""
        section = self._sections_by_id.get(section_id)
        if section is None:
            return ""
        label = _short_title(section.title)
        if section.parent and section.parent in self._sections_by_id:
            parent = _short_title(self._sections_by_id[section.parent].title)
            label = f"{parent}, {label[:1].lower()}{label[1:]}"
        return label

    def item_number(self, item: Question | Fact) -> str:
        """« Q17 » for a question of the grid, « P6 » for a fact of the profile."""
        if isinstance(item, Question):
            return f"Q{item.number}"
        return item.display_number or ""

    def display_text(self, item: Question | Fact) -> str:
        """The item's text, made distinct when several questions of a criterion share one
        title: prefixed with their section's title (« Partie CPU — Estimation des … »)."""
        if isinstance(item, Question) and item.id in self._shared_titles and item.section:
            section = self.section_label(item.section)
            if section:
                return f"{section} — {item.text}"
        return item.text

    def item_label(self, item_id: str) -> str:
        """« Q17 — <text> » or « P6 — <text> »; an unknown id is returned unchanged."""
        if not self.has_item(item_id):
            return item_id
        item = self.item(item_id)
        number = self.item_number(item)
        text = self.display_text(item)
        return f"{number} — {text}" if number else text

    def option_label(self, item: Question | Fact, value: object) -> str:
        """The French label of one stored option value (« oui » → « Oui », ``aide`` → « Aide à
        la décision », ``nsp`` → « Je ne sais pas »); other values as text."""
        if value == UNKNOWN:
            return "Je ne sais pas"
        if isinstance(value, bool):
            return "Oui" if value else "Non"
        if item.type == "yes_no" and value in YES_NO_VALUES:
            return str(value).capitalize()
        for option in item.options:
            if option.id == value:
                return option.label
        return str(value)

    def value_label(self, item: Question | Fact, value: object) -> str:
        """A stored answer as French text (lists joined with commas)."""
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return ", ".join(self.option_label(item, v) for v in value)
        return self.option_label(item, value)


def _title_key(text: str) -> str:
    return text.split("(", 1)[0].strip().rstrip(" :?").casefold()


_SECTION_PREFIX = re.compile(r"^Estimation des impacts liés (?:à la |à l'|au |aux )", re.I)


def _short_title(title: str) -> str:
    short = _SECTION_PREFIX.sub("", title.split("(", 1)[0].strip()).strip() or title
    return short[:1].upper() + short[1:]
