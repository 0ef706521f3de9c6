"""Forms of the survey pages: the public questionnaire (one field per question of its
version) and the opening of a round. They carry the inputs as typed; the rules (scale
values, length of free texts, at least one answer, known stage, one open round per stage and
direction) are the core's (:mod:`boussole.core.surveys`) and :mod:`.services`', whose
problems come back to their field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from boussole.core import surveys
from boussole.core.errors import Problem
from boussole.web.cases.plan_forms import PageForm, text_field


class AnswerForm(PageForm):
    """The anonymous answers to one version of a questionnaire: a field per question, named
    by the question's identifier."""

    def __init__(self, *args: Any, questionnaire: surveys.Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questionnaire.questions:
            self.fields[question.id] = text_field(question.text)

    def add_core_problems(self, problems: Iterable[Problem]) -> None:
        """The core's problems, located by the question's identifier (the first step of their
        path); one without a path concerns the whole questionnaire."""
        self.add_problems((str(p.path[0]) if p.path else "", p.message) for p in problems)


class RoundOpenForm(PageForm):
    """A new survey round: the follow-up stage and the direction (service) asked."""

    stage = text_field(_("Étape du suivi"))
    direction = text_field(_("Direction ou service interrogé"))
