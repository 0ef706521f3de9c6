"""« Préparer la revue » on a system in service follows the follow-up plan's next review not
done (not the review date the lawyers set when retaining the level), and links to the
follow-up page; without a plan, the lawyers' date is still used."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from boussole.web.cases import services
from boussole.web.cases.models import Case, LegalAssessment
from boussole.web.cases.next_action import case_card
from boussole.web.followup import services as followup_services
from boussole.web.followup.models import Review

pytestmark = pytest.mark.django_db



@pytest.fixture
def case(organisation: Any, make_user: Any) -> Case:
    today = timezone.localdate()
    lead = make_user("porteur", organisation)
    created = services.case_create(organisation=organisation, user=lead, title="Tri",
                                   service="Courrier", purpose="Trier.")
    Case.objects.filter(pk=created.pk).update(state="en_service")
    created.refresh_from_db()
    LegalAssessment.objects.create(
        case=created, proposed_level="faible", potential_level="faible",
        retained_level="faible", decided_by=lead, review_date=today + dt.timedelta(days=10),
        rules_version="test", evaluation={})
    return created


def review_actions(case: Case) -> list[dict[str, Any]]:
    card = case_card(case.lead, case)
    return [a for a in card.actions if a["code"] == "preparer_revue"]


def test_the_card_follows_the_plan(case: Case) -> None:
    today = timezone.localdate()
    # The lawyers' date is near, but the plan's next review is far: no action yet.
    followup_services.plan_create(case=case, user=case.lead, start=today - dt.timedelta(days=1))
    reviews = list(Review.objects.filter(plan__case=case).order_by("due"))
    Review.objects.filter(pk=reviews[0].pk).update(done_on=today - dt.timedelta(days=1))
    assert reviews[1].due - today > dt.timedelta(days=60)
    assert review_actions(case) == []
    # The plan's next review comes near: the action, with its date, to the follow-up page.
    near = today + dt.timedelta(days=20)
    Review.objects.filter(pk=reviews[1].pk).update(due=near)
    [action] = review_actions(case)
    assert action["deadline"] == near
    assert action["url"] == reverse("followup:case", args=[case.pk]) + "#h-revues"


def test_without_a_plan_the_lawyers_date(case: Case) -> None:
    [action] = review_actions(case)
    assert action["deadline"] == timezone.localdate() + dt.timedelta(days=10)
    assert action["url"] == reverse("followup:case", args=[case.pk]) + "#h-revues"
