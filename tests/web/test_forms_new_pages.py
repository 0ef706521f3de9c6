"""The inputs of the action plan, follow-up, indicators and survey pages go through Django
forms: an invalid post comes back (400) with the message next to its field (``aria-invalid`` and
``aria-describedby`` naming the message), the values typed kept and nothing written; a valid
post is recorded and redirects as before."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boussole.web.accounts.models import User
from boussole.web.cases import measures
from boussole.web.cases import services as case_services
from boussole.web.cases.models import AuditEvent, Case, Measure
from boussole.web.followup import services as followup_services
from boussole.web.followup.models import CaseEvent, Review
from boussole.web.indicators.models import Indicator, Measurement
from boussole.web.surveys import services as survey_services
from boussole.web.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db

INDICATOR = {"kind": "benefit", "label": "Abonnés informés", "unit": "%", "direction": "higher",
             "baseline_value": "0", "baseline_date": "2026-01-05", "target_value": "40",
             "target_date": "2028-01-05", "source_key": ""}


@pytest.fixture
def porteur(organisation: Any, make_user: Any) -> User:
    user: User = make_user("porteur", organisation, first_name="Camille", last_name="Morin")
    return user


@pytest.fixture
def case(organisation: Any, porteur: User) -> Case:
    created = case_services.case_create(
        organisation=organisation, user=porteur, title="Tri du courrier",
        service="Direction du courrier", purpose="Trier le courrier entrant.")
    return created


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return unescape(response.content.decode())


def tag(page: str, element_id: str) -> str:
    """The opening tag of the element with this id."""
    found = re.search(rf'<[a-z]+ [^>]*\bid="{re.escape(element_id)}"[^>]*>', page)
    assert found is not None, element_id
    return found.group(0)


def assert_field_error(page: str, field_id: str, message: str) -> None:
    """The field is marked invalid and described by a message placed next to it."""
    opening = tag(page, field_id)
    assert 'aria-invalid="true"' in opening, opening
    described = re.search(r'aria-describedby="([^"]+)"', opening)
    assert described is not None, opening
    error_id = described.group(1).split()[-1]
    error = re.search(rf'<p class="field-error" id="{re.escape(error_id)}">([^<]*)</p>', page)
    assert error is not None and message in error.group(1), (error_id, message)
    # The summary at the top links to the field.
    assert "Rien n'a été enregistré" in page


def trail(case: Case) -> int:
    return AuditEvent.objects.filter(case=case).count()


# --- Plan d'action ---------------------------------------------------------------------------


def test_plan_add_measure(case: Case, porteur: User) -> None:
    url = reverse("cases:plan", args=[case.pk])
    client = client_for(porteur)
    before = trail(case)
    refused = client.post(url, {"text": "Former les agents", "target": "critere:1",
                                "owner": "", "owner_name": "Mme Durand", "due": "31/12/2030",
                                "source_key": ""})
    assert refused.status_code == 400
    page = text(refused)
    assert_field_error(page, "mesure-echeance", "Date invalide : utilisez le format AAAA-MM-JJ.")
    assert 'name="due" value="31/12/2030"' in page
    assert ">Former les agents</textarea>" in page
    assert 'name="owner_name" value="Mme Durand"' in page
    assert '<option value="critere:1" selected>' in page
    no_target = text(client.post(url, {"text": "Former les agents", "target": "n'importe",
                                       "due": "2030-12-31"}))
    assert_field_error(no_target, "mesure-cible", "Choisissez à quoi répond la mesure.")
    # A rule of the core (the text is required) comes back to its field too.
    empty = client.post(url, {"text": "", "target": "critere:1", "owner_name": "Mme Durand",
                              "due": "2030-12-31"})
    assert empty.status_code == 400
    assert 'id="mesure-texte" name="text" rows="3" aria-invalid="true"' in text(empty)
    assert not Measure.objects.exists() and trail(case) == before
    done = client.post(url, {"text": "Former les agents", "target": "critere:1",
                             "owner": str(porteur.pk), "due": "2030-12-31", "source_key": ""})
    measure = Measure.objects.get(case=case)
    assert done.status_code == 302 and done["Location"] == f"{url}#mesure-{measure.pk}"
    assert (measure.text, measure.criterion, measure.owner, measure.due) == (
        "Former les agents", 1, porteur, dt.date(2030, 12, 31))


def test_plan_measure_status(case: Case, porteur: User) -> None:
    measure = measures.measure_create(
        case=case, user=porteur, text="Former les agents", origin="critere", criterion=1,
        owner=porteur, due=timezone.localdate() + dt.timedelta(days=30))
    url = reverse("cases:measure_status", args=[case.pk, measure.pk])
    client = client_for(porteur)
    before = trail(case)
    refused = client.post(url, {"status": "fait", "done_on": "hier", "note": "Fait vite"})
    assert refused.status_code == 400
    page = text(refused)
    assert_field_error(page, f"statut-{measure.pk}-done_on",
                       "Date invalide : utilisez le format AAAA-MM-JJ.")
    assert f'id="statut-{measure.pk}-done_on" name="done_on" value="hier"' in page
    assert ">Fait vite</textarea>" in page
    measure.refresh_from_db()
    assert measure.status == "a_faire" and trail(case) == before
    today = timezone.localdate()
    done = client.post(url, {"status": "fait", "done_on": today.isoformat(), "note": ""})
    assert done.status_code == 302
    assert done["Location"] == reverse("cases:plan", args=[case.pk]) + f"#mesure-{measure.pk}"
    measure.refresh_from_db()
    assert (measure.status, measure.done_on) == ("fait", today)


# --- Suivi -----------------------------------------------------------------------------------


@pytest.fixture
def in_service(case: Case, porteur: User) -> Case:
    Case.objects.filter(pk=case.pk).update(state="en_service")
    case.refresh_from_db()
    followup_services.plan_create(case=case, user=porteur)
    return case


def test_followup_event_and_review_forms(in_service: Case, porteur: User) -> None:
    case = in_service
    url = reverse("followup:case", args=[case.pk])
    client = client_for(porteur)
    before = trail(case)
    refused = client.post(url, {"action": "event", "kind": "plainte", "occurred_on": "hier",
                                "description": "Réclamation d'un agent"})
    assert refused.status_code == 400
    page = text(refused)
    assert_field_error(page, "event-occurred_on",
                       "Date invalide : utilisez le format AAAA-MM-JJ.")
    assert 'name="occurred_on" value="hier"' in page
    assert ">Réclamation d'un agent</textarea>" in page
    assert '<option value="plainte" selected>' in page
    review = Review.objects.filter(plan__case=case).order_by("due").last()
    assert review is not None
    due = review.due
    moved = client.post(url, {"action": "move", "review": review.pk, "due": "2031-02-30",
                              "reason": "Calendrier du comité"})
    assert moved.status_code == 400
    page = text(moved)
    assert_field_error(page, f"move-{review.pk}-due",
                       "Date invalide : utilisez le format AAAA-MM-JJ.")
    assert f'id="move-{review.pk}-due" name="due" value="2031-02-30"' in page
    assert ">Calendrier du comité</textarea>" in page
    # The core's rule (a reason is required) at its field.
    no_reason = text(client.post(url, {"action": "move", "review": review.pk,
                                       "due": "2031-03-01", "reason": ""}))
    assert f'id="move-{review.pk}-reason" name="reason" rows="2" aria-invalid="true"' in (
        no_reason)
    review.refresh_from_db()
    assert review.due == due and not CaseEvent.objects.filter(case=case).exists()
    assert trail(case) == before
    today = timezone.localdate().isoformat()
    done = client.post(url, {"action": "event", "kind": "plainte", "occurred_on": today,
                             "description": "Réclamation d'un agent"})
    assert done.status_code == 302 and done["Location"] == url
    assert CaseEvent.objects.get(case=case).description == "Réclamation d'un agent"


# --- Indicateurs -----------------------------------------------------------------------------


def test_indicator_forms(case: Case, porteur: User) -> None:
    url = reverse("indicators:page", args=[case.pk])
    client = client_for(porteur)
    before = trail(case)
    refused = client.post(url, {**INDICATOR, "label": "", "target_value": "beaucoup"})
    assert refused.status_code == 400
    page = text(refused)
    assert_field_error(page, "ind-label", "Donnez un libellé à l'indicateur.")
    assert_field_error(page, "ind-target_value", "Valeur numérique attendue")
    assert 'name="target_value" value="beaucoup"' in page
    assert 'name="unit" value="%"' in page
    assert not Indicator.objects.exists() and trail(case) == before
    created = client.post(url, INDICATOR)
    indicator = Indicator.objects.get(case=case)
    assert created.status_code == 302
    assert created["Location"] == f"{url}#indicateur-{indicator.pk}"
    # Changing it: refused, then accepted.
    edit = reverse("indicators:edit", args=[case.pk, indicator.pk])
    before = trail(case)
    refused = client.post(edit, {**INDICATOR, "label": "Abonnés", "baseline_value": "x"})
    assert refused.status_code == 400
    page = text(refused)
    assert_field_error(page, "ind-baseline_value", "Valeur numérique attendue")
    assert 'name="label" value="Abonnés"' in page
    indicator.refresh_from_db()
    assert indicator.label == "Abonnés informés" and trail(case) == before
    assert client.post(edit, {**INDICATOR, "label": "Abonnés"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.label == "Abonnés"
    # A value at a review stage.
    record = reverse("indicators:record_value", args=[case.pk, indicator.pk])
    before = trail(case)
    refused = client.post(record, {"stage": "T0", "value": "douze", "measured_on": "2026-02-01",
                                   "source": "Enquête"})
    assert refused.status_code == 400
    page = text(refused)
    assert_field_error(page, f"val-{indicator.pk}-value", "Valeur numérique attendue")
    assert f'id="val-{indicator.pk}-value" name="value" value="douze"' in page
    assert not Measurement.objects.exists() and trail(case) == before
    done = client.post(record, {"stage": "T0", "value": "12", "measured_on": "2026-02-01",
                                "source": "Enquête"})
    assert done.status_code == 302
    assert Measurement.objects.get(indicator=indicator).value == 12.0


# --- Enquête ---------------------------------------------------------------------------------


def test_survey_answer_form(in_service: Case, organisation: Any, make_user: Any) -> None:
    rh = make_user("rh", organisation, "referent", domain="rh_qvt")
    survey_round = survey_services.round_open(case=in_service, user=rh, stage="T0",
                                              direction="Courrier")
    url = f"/enquete/{survey_round.token}/"
    refused = Client().post(url, {"charge_travail": "7", "commentaire": "Trop de courrier"})
    assert refused.status_code == 400
    page = text(refused)
    assert "choisissez une valeur de 1 à 5" in page
    for n in range(1, 6):
        assert 'aria-invalid="true"' in tag(page, f"q-charge_travail-{n}")
    fieldset = re.search(r'<fieldset class="field scale" aria-describedby="([^"]+)">'
                         r'\s*<legend>\d+\. [^<]*</legend>\s*<p class="hint" '
                         r'id="q-charge_travail-aide"', page)
    assert fieldset is not None and "q-charge_travail-erreur" in fieldset.group(1).split()
    assert '<p class="field-error" id="q-charge_travail-erreur">' in page
    assert ">Trop de courrier</textarea>" in page
    long = Client().post(url, {"commentaire": "x" * 2001})
    assert long.status_code == 400
    assert_field_error(text(long), "q-commentaire", "2000")
    assert not SurveyResponse.objects.exists()
    done = Client().post(url, {"charge_travail": "4", "commentaire": "Bien"})
    assert done.status_code == 302 and done["Location"] == f"{url}merci/"
    assert SurveyResponse.objects.get().answers == {"charge_travail": 4, "commentaire": "Bien"}


def test_survey_round_open_form(in_service: Case, organisation: Any, make_user: Any) -> None:
    rh = make_user("rh", organisation, "referent", domain="rh_qvt")
    client = client_for(rh)
    url = reverse("surveys:open", args=[in_service.pk])
    refused = client.post(url, {"stage": "T0", "direction": ""}, follow=True)
    assert "Indiquez la direction ou le service interrogé." in text(refused)
    assert not in_service.survey_rounds.exists()  # type: ignore[attr-defined]
    done = client.post(url, {"stage": "t0", "direction": "Courrier"})
    assert done.status_code == 302
    assert done["Location"] == reverse("surveys:case", args=[in_service.pk])
    assert in_service.survey_rounds.get().stage == "T0"  # type: ignore[attr-defined]
