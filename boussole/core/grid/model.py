"""The grid as typed, immutable data: criteria, sections, questions and profile facts.

A grid is identified by ``id`` and ``version``; its key ``"<id>@<version>"`` is what a case is
pinned to. Items (questions and profile facts) have stable identifiers: answers always point
to an identifier, never to a position.
"""

from __future__ import annotations

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
