"""Writes of the surveys: open and close a round, record one anonymous answer."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from boussole.core import surveys
from boussole.core.errors import Forbidden, Problem, Refusal
from boussole.web.accounts.models import User
from boussole.web.cases.audit import audit_record
from boussole.web.cases.models import Case
from boussole.web.surveys.models import SurveyResponse, SurveyRound

#: The questionnaire a new round uses (its latest version).
QUESTIONNAIRE = "conditions-travail"


def _require_manager(user: User, case: Case) -> None:
    if (user.organisation_id != case.organisation_id
            or not surveys.may_manage(user.role, user.domain)):
        raise Forbidden("Seuls la référente ressources humaines et qualité de vie au travail, "
                        "le pilote du projet numérique et l'administrateur gèrent les "
                        "enquêtes.")


@transaction.atomic
def round_open(*, case: Case, user: User, stage: str, direction: str) -> SurveyRound:
    _require_manager(user, case)
    if case.state != "en_service":
        raise Refusal("Une enquête s'ouvre pendant le suivi d'un système en service.")
    stage = stage.strip().upper()  # the follow-up plan may write its codes in lower case
    if stage not in surveys.STAGES:
        raise Refusal("Choisissez l'étape du suivi.", field="stage")
    direction = direction.strip()
    if not direction:
        raise Refusal("Indiquez la direction ou le service interrogé.", field="direction")
    if len(direction) > 200:
        raise Refusal("200 caractères au plus.", field="direction")
    if SurveyRound.objects.filter(case=case, stage=stage, direction=direction,
                                  closed_on__isnull=True).exists():
        raise Refusal("Une enquête est déjà ouverte pour cette étape et cette direction : "
                      "partagez son lien ou closez-la d'abord.", field="stage")
    form = surveys.questionnaire(QUESTIONNAIRE)
    survey_round = SurveyRound.objects.create(
        case=case, stage=stage, direction=direction, questionnaire_id=form.id,
        questionnaire_version=form.version, opened_on=timezone.localdate())
    audit_record(case=case, user=user, action="followup_survey_opened",
                 item_id=f"revue:{stage.lower()}", note=direction)
    return survey_round


@transaction.atomic
def round_close(*, survey_round: SurveyRound, user: User) -> SurveyRound:
    _require_manager(user, survey_round.case)
    if survey_round.closed_on is None:
        survey_round.closed_on = timezone.localdate()
        survey_round.save(update_fields=["closed_on"])
        audit_record(case=survey_round.case, user=user, action="followup_survey_closed",
                     item_id=f"revue:{survey_round.stage.lower()}", note=survey_round.direction)
    return survey_round


def response_record(*, survey_round: SurveyRound, raw: Mapping[str, str]
                    ) -> tuple[SurveyResponse | None, list[Problem]]:
    """Store one anonymous answer (the day only); nothing when the round is closed, the
    answer is empty or malformed (the problems, in French)."""
    if not survey_round.is_open:
        raise Refusal("Cette enquête est close.")
    form = surveys.questionnaire(survey_round.questionnaire_id,
                                 survey_round.questionnaire_version)
    answers, problems = surveys.clean_answers(form, raw)
    if problems:
        return None, problems
    if not answers:
        return None, [Problem((), "Répondez à au moins une question avant d'envoyer.")]
    response = SurveyResponse.objects.create(survey_round=survey_round, answers=answers,
                                             answered_on=timezone.localdate())
    return response, []
