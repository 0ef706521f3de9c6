"""The conflict block (an answer saved by someone else meanwhile) is one template shared by a
criterion's question and a profile fact: both show the saved version, who saved it, and keep
the person's own version in the form."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from boussole.web.cases import services
from boussole.web.cases.models import Case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("item_id", ["est_ia", "interaction"])
def test_a_stale_answer_shows_the_saved_version(organisation: Any, make_user: Any,
                                                 item_id: str) -> None:
    lead = make_user("lead", organisation, first_name="Camille", last_name="Morin")
    other = make_user("juriste", organisation, role="referent", domain="juridique",
                      first_name="Yann", last_name="Le Goff")
    case: Case = services.case_create(organisation=organisation, user=lead, title="Tri",
                                      service="Courrier", purpose="Trier.")
    value = {"est_ia": ("non", "oui"), "interaction": ("agents", "public")}[item_id]
    services.answer_record(case=case, user=other, item_id=item_id, value=value[0])
    client = Client()
    client.force_login(lead)
    response = client.post(reverse("cases:answer", args=[case.pk, item_id]),
                           {"value": value[1], "revision": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 409)
    body = unescape(response.content.decode())
    assert "has-conflict" in body
    assert body.count('<div class="conflict" role="alert">') == 1
    assert "Conflit : cette réponse a été modifiée pendant que vous l'éditiez." in body
    assert "Version enregistrée par Yann Le Goff le " in body
    assert '<p class="their">' in body
    stored = case.answers.get(item_id=item_id)  # type: ignore[attr-defined]
    assert stored.value == value[0]  # nothing overwritten
