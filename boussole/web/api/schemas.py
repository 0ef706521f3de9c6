"""The shapes of the REST API's requests and answers (pydantic, through django-ninja)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from boussole.web.cases.models import State

#: Texts without NUL characters (PostgreSQL stores none; Django's forms refuse them too).
NO_NUL = r"^[^\x00]*$"

#: The largest identifier a path accepts (beyond it, nothing exists: 404 without a query).
MAX_ID = 2**31 - 1

#: The risk levels of :class:`boussole.core.rules.logic.Level`, by name (a test keeps them in
#: step).
LevelCode = Literal["INFO", "LIMITE", "MODERE", "ELEVE", "BLOQUANT_DOCTRINE", "BLOQUANT_LOI"]


class ProblemError(Schema):
    field: str = Field(description="Où se trouve la valeur refusée (par exemple "
                                   "« body.value » ou « query.limit »).")
    message: str = Field(description="Pourquoi elle est refusée, en français.")
    type: str = Field(description="Code de l'erreur.")


class Problem(Schema):
    """Un problème au sens de la RFC 9457."""

    type: str = Field(description="Identifiant du type de problème (URN).")
    title: str = Field(description="Intitulé court du type de problème.")
    status: int = Field(description="Code HTTP.")
    detail: str = Field(description="Explication en français.")
    instance: str = Field(description="Chemin de la requête concernée.")
    errors: list[ProblemError] | None = Field(
        None, description="Les valeurs refusées (erreurs de validation seulement).")
    current_revision: int | None = Field(
        None, description="Révision actuelle de la réponse (conflit seulement).")


class Person(Schema):
    username: str
    name: str


class CaseSummary(Schema):
    id: int
    reference: str
    title: str
    service: str = Field(description="Service métier ou direction.")
    state: str = Field(description="Code de l'étape.")
    state_label: str = Field(description="Libellé de l'étape.")
    legal_level: str | None = Field(
        description="Niveau juridique indicatif (vide tant qu'il n'est pas évalué ; null "
                    "pour le prestataire).")
    legal_potential: str | None = Field(description="Niveau juridique potentiel.")
    red_line: bool | None = Field(description="Une ligne rouge de la doctrine est active.")
    lead: Person | None = Field(description="Chef·fe de projet (null pour le prestataire).")
    grid: str = Field(description="Grille et version du dossier (id@version).")
    created_at: dt.datetime
    updated_at: dt.datetime


class CasePage(Schema):
    total: int = Field(description="Nombre de dossiers qui répondent aux filtres.")
    limit: int
    offset: int
    items: list[CaseSummary]


class CaseDetail(CaseSummary):
    purpose: str = Field(description="Finalité.")
    vendor: str | None = Field(description="Prestataire pressenti (null pour le prestataire).")
    organisation: str = Field(description="Identifiant de l'organisation.")
    internal: bool = Field(description="Vous voyez les pages internes du dossier (faux pour "
                                       "le prestataire, qui ne voit que son questionnaire).")


class CaseFilters(Schema):
    state: State | None = Field(None, description="Étape du dossier.")
    legal_level: LevelCode | None = Field(None, description="Niveau juridique indicatif.")
    service: str | None = Field(None, max_length=200, pattern=NO_NUL,
                                description="Service métier ou direction (égalité, sans "
                                            "tenir compte de la casse).")
    referent: str | None = Field(None, max_length=150, pattern=NO_NUL,
                                 description="Identifiant d'une personne désignée sur un "
                                             "critère du dossier.")
    q: str | None = Field(None, max_length=200, pattern=NO_NUL,
                          description="Texte cherché dans la référence, le titre, le service "
                                      "et la finalité.")
    limit: int = Field(20, ge=1, le=100, description="Nombre de dossiers par page.")
    offset: int = Field(0, ge=0, le=1_000_000, description="Rang du premier dossier.")


class AnswerOut(Schema):
    item_id: str = Field(description="Identifiant stable de la question ou du fait.")
    kind: str = Field(description="« question » ou « fact » (fait du profil).")
    label: str = Field(description="Numéro affiché (Q12, F3…).")
    value: Any = Field(description="Valeur, au format du document boussole-case/1.")
    justification: str
    revision: int = Field(description="Révision, à renvoyer comme expected_revision pour "
                                      "modifier la réponse.")
    grid_version: int
    answered_by: Person
    updated_at: dt.datetime


class AnswerIn(Schema):
    value: Any = Field(description="Nouvelle valeur, au format du document boussole-case/1 "
                                   "(« nsp » pour « je ne sais pas »).")
    justification: str = Field("", max_length=20_000, pattern=NO_NUL,
                               description="Justification (obligatoire pour certaines "
                                           "valeurs).")
    expected_revision: int = Field(ge=0, le=MAX_ID,
                                   description="Révision lue (0 s'il n'y avait pas encore de "
                                               "réponse). Si la réponse a changé depuis, la "
                                               "requête est refusée (409) et rien n'est "
                                               "modifié.")

    @field_validator("value")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("caractère nul")
        return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


class Assessment(Schema):
    retained_level: str
    proposed_level: str
    rationale: str
    measures: str
    decided_by: str
    decided_at: dt.datetime
    rules_version: str


class LegalOut(Schema):
    evaluation: dict[str, Any] = Field(
        description="Évaluation des règles juridiques sur le profil du dossier (interface "
                    "machine de la base de règles : niveaux, points d'attention, faits à "
                    "compléter).")
    retained: Assessment | None = Field(description="Niveau retenu par les juristes, s'il "
                                                     "y en a un.")
    red_line: bool


class ComputedAnswerOut(Schema):
    question_id: str
    computed_value: float
    retained_value: float | None
    justification: str


class FootprintOut(Schema):
    has_footprint: bool = Field(description="Le calculateur a été rempli.")
    revision: int | None
    validation: str = Field(description="« validated », « to_revalidate » ou « none ».")
    computed_at: dt.datetime | None
    per_year_kg_co2e: float | None = Field(description="Émissions annuelles (kg CO2e).")
    result: dict[str, Any] | None = Field(description="Résultat complet du calculateur.")
    computed_answers: list[ComputedAnswerOut]


class GroupOpinionOut(Schema):
    verdict: str
    summary: str
    recommendations: str
    conditions: list[str]
    author: str
    updated_at: dt.datetime


class DecisionOut(Schema):
    delegation: str
    official: str
    decision: str
    conditions: str
    decided_on: dt.date
    reference: str


class VersionOut(Schema):
    number: int
    frozen_at: dt.datetime
    frozen_by: str
    sha256: str
    decisions: list[DecisionOut]


class UnionInformationOut(Schema):
    held_on: dt.date
    body: str
    documents: str
    questions: str
    answers: str


class DecisionsOut(Schema):
    state: str
    group_opinion: GroupOpinionOut | None
    versions: list[VersionOut] = Field(description="Versions figées, la plus récente d'abord, "
                                                   "avec les décisions des élu·es.")
    union_information: list[UnionInformationOut]


class PublicationOut(Schema):
    organisation: str = Field(description="Identifiant de l'organisation.")
    organisation_name: str
    reference: str = Field(description="Référence du dossier.")
    version: int
    published_at: dt.datetime
    content: dict[str, Any] = Field(description="Contenu publié de la notice.")


class PublicationPage(Schema):
    total: int
    limit: int
    offset: int
    items: list[PublicationOut]


class PageQuery(Schema):
    organisation: str | None = Field(None, max_length=60, pattern=NO_NUL,
                                     description="Identifiant d'une organisation.")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)
