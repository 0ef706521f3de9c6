"""Working-conditions surveys on the web (issue 13, items 2, 6 and 8): anonymous storage, the
public page without an account, the threshold in every page and export, free text only for
the HR referent and the staff representatives."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client

from boussole.web import demo
from boussole.web.cases import services as case_services
from boussole.web.cases.models import AuditEvent, Case
from boussole.web.surveys import selectors, services
from boussole.web.surveys.models import SurveyResponse, SurveyRound

pytestmark = pytest.mark.django_db

SECRET = "Texte libre très confidentiel"


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, Any]:
    return {
        "porteur": make_user("porteur", organisation),
        "rh": make_user("rh", organisation, "referent", domain="rh_qvt"),
        "pilote": make_user("pilote", organisation, "referent", domain="numerique"),
        "juriste": make_user("juriste", organisation, "referent"),
        "syndicat": make_user("syndicat", organisation, "representant_personnel"),
        "admin": make_user("admin", organisation, "admin"),
    }


@pytest.fixture
def case(organisation: Any, people: dict[str, Any]) -> Case:
    created = case_services.case_create(
        organisation=organisation, user=people["porteur"], title="Tri du courrier",
        service="Direction du courrier", purpose="Trier le courrier entrant.")
    Case.objects.filter(pk=created.pk).update(state="en_service")
    created.refresh_from_db()
    return created


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer(survey_round: SurveyRound, data: dict[str, str]) -> Any:
    """Answer through the public page, as an anonymous browser with CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/enquete/{survey_round.token}/")
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client.post(f"/enquete/{survey_round.token}/",
                       {"csrfmiddlewaretoken": token.group(1), **data})


def test_the_answer_model_has_no_link_to_a_person() -> None:
    fields = {f.name: f for f in SurveyResponse._meta.get_fields()}
    assert set(fields) == {"id", "survey_round", "answers", "answered_on"}
    assert type(fields["answered_on"]) is models.DateField
    for field in fields.values():
        assert not isinstance(field, (models.DateTimeField, models.GenericIPAddressField))
        if field.is_relation:
            assert field.related_model is SurveyRound
    round_fields = {f.name for f in SurveyRound._meta.get_fields()}
    assert not round_fields & {"user", "opened_by", "ip", "session"}


def test_an_agent_answers_without_an_account_and_only_the_day_is_kept(
        case: Case, people: dict[str, Any]) -> None:
    survey_round = services.round_open(case=case, user=people["rh"], stage="m6",
                                       direction="Courrier")
    assert survey_round.stage == "M6" and len(survey_round.token) >= 32
    response = answer(survey_round, {"charge_travail": "4", "commentaire": "Bien"})
    assert response.status_code == 302
    assert response["Location"] == f"/enquete/{survey_round.token}/merci/"
    stored = SurveyResponse.objects.get()
    assert not Session.objects.exists()  # no session either
    assert stored.answers == {"charge_travail": 4, "commentaire": "Bien"}
    assert stored.answered_on == survey_round.opened_on  # the day, nothing finer
    # A malformed answer is refused in French and nothing is stored.
    refused = answer(survey_round, {"charge_travail": "7"})
    assert refused.status_code == 400
    assert "choisissez une valeur de 1 à 5" in refused.content.decode()
    assert 'aria-describedby="q-charge_travail-aide q-charge_travail-erreur"' in (
        refused.content.decode())
    empty = answer(survey_round, {})
    assert empty.status_code == 400 and "au moins une question" in empty.content.decode()
    assert SurveyResponse.objects.count() == 1
    # Without the CSRF token the post is refused.
    assert Client(enforce_csrf_checks=True).post(
        f"/enquete/{survey_round.token}/", {"charge_travail": "4"}).status_code == 403
    # An unknown token is a 404; a closed round a polite page, no more answers.
    assert Client().get("/enquete/inconnu/").status_code == 404
    services.round_close(survey_round=survey_round, user=people["rh"])
    closed = Client().get(f"/enquete/{survey_round.token}/")
    assert "Cette enquête est close" in closed.content.decode()
    Client().post(f"/enquete/{survey_round.token}/", {"charge_travail": "4"})
    assert SurveyResponse.objects.count() == 1


def test_only_the_survey_link_is_public(case: Case, people: dict[str, Any]) -> None:
    survey_round = services.round_open(case=case, user=people["rh"], stage="T0",
                                       direction="Courrier")
    anonymous = Client()
    for url in (f"/cas/{case.pk}/enquetes/", "/enquetes/", "/enquetes/export.csv",
                "/enquetes/export.ods"):
        assert anonymous.get(url).status_code == 302, url
    assert anonymous.post(f"/cas/{case.pk}/enquetes/{survey_round.pk}/clore/").status_code == 302
    assert SurveyRound.objects.get().closed_on is None


def test_who_opens_and_closes(case: Case, people: dict[str, Any]) -> None:
    page = client_for(people["rh"]).post(f"/cas/{case.pk}/enquetes/ouvrir/",
                                         {"stage": "T0", "direction": "Courrier"})
    assert page.status_code == 302
    survey_round = SurveyRound.objects.get()
    shown = client_for(people["rh"]).get(f"/cas/{case.pk}/enquetes/").content.decode()
    assert f"/enquete/{survey_round.token}/" in shown
    client_for(people["porteur"]).post(f"/cas/{case.pk}/enquetes/ouvrir/",
                                       {"stage": "M6", "direction": "Courrier"})
    assert SurveyRound.objects.count() == 1
    # The lead does not see the link to share.
    assert survey_round.token not in client_for(people["porteur"]).get(
        f"/cas/{case.pk}/enquetes/").content.decode()
    # A second open round for the same stage and direction is refused.
    refused = client_for(people["rh"]).post(f"/cas/{case.pk}/enquetes/ouvrir/",
                                            {"stage": "T0", "direction": "Courrier"},
                                            follow=True)
    assert "déjà ouverte" in refused.content.decode()
    assert SurveyRound.objects.count() == 1
    client_for(people["pilote"]).post(f"/cas/{case.pk}/enquetes/{survey_round.pk}/clore/")
    survey_round.refresh_from_db()
    assert survey_round.closed_on is not None
    journal = client_for(people["rh"]).get(f"/cas/{case.pk}/journal/").content.decode()
    assert "enquête sur les conditions de travail ouverte" in journal
    assert "enquête sur les conditions de travail close" in journal
    assert list(AuditEvent.objects.filter(action__startswith="followup_survey").values_list(
        "action", "actor__username", "note")) == [
        ("followup_survey_opened", "rh", "Courrier"), ("followup_survey_closed", "pilote",
                                                       "Courrier")]


def fill(survey_round: SurveyRound, n: int, **extra: Any) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey_round=survey_round, answered_on=survey_round.opened_on,
                       answers={"charge_travail": 2 + i % 3, "sante": 4,
                                "commentaire": f"{SECRET} {i}", **extra})
        for i in range(n))


def test_under_the_threshold_nothing_is_shown_anywhere(case: Case,
                                                       people: dict[str, Any]) -> None:
    survey_round = services.round_open(case=case, user=people["rh"], stage="T0",
                                       direction="Courrier")
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey_round=survey_round, answered_on=survey_round.opened_on,
                       answers={"charge_travail": 5, "commentaire": SECRET})
        for _ in range(4))
    for user in people.values():
        page = client_for(user).get(f"/cas/{case.pk}/enquetes/").content.decode()
        assert "Moins de 5 réponses" in page
        assert SECRET not in page and "5,00" not in page and "5.00" not in page
    syndicat = client_for(people["syndicat"])
    overview = syndicat.get("/enquetes/").content.decode()
    assert "moins de 5 réponses" in overview and SECRET not in overview
    rows = list(csv.reader(io.StringIO(syndicat.get("/enquetes/export.csv").content.decode())))
    assert rows[0][:6] == ["regroupement", "etape", "direction", "question", "reponses",
                           "moyenne"]
    assert rows[1:] and all(row[4:11] == [""] * 7 and row[11] == "sous_le_seuil"
                            for row in rows[1:])
    ods = syndicat.get("/enquetes/export.ods").content
    content = zipfile.ZipFile(io.BytesIO(ods)).read("content.xml").decode()
    assert "sous_le_seuil" in content and 'office:value-type="float"' not in content
    result = selectors.case_survey_results(case)
    assert result[0]["answers"] is None
    assert all(v is None for v in result[0]["questions"].values())


def test_results_above_the_threshold_and_free_text(case: Case,
                                                   people: dict[str, Any]) -> None:
    survey_round = services.round_open(case=case, user=people["rh"], stage="T0",
                                       direction="Courrier")
    fill(survey_round, 6)
    for login in ("rh", "syndicat"):
        page = client_for(people[login]).get(f"/cas/{case.pk}/enquetes/").content.decode()
        assert SECRET in page, login
    for login in ("porteur", "juriste", "pilote", "admin"):
        page = client_for(people[login]).get(f"/cas/{case.pk}/enquetes/").content.decode()
        assert SECRET not in page, login
        assert "<svg" in page and 'role="img"' in page
        assert "3,00" in page or "3.00" in page  # mean of 2,3,4,2,3,4
    [result] = selectors.case_survey_results(case)
    assert result["stage"] == "T0" and result["answers"] == 6
    assert result["questionnaire"] == "conditions-travail"
    assert result["questionnaire_version"] == 1
    assert result["questions"]["charge_travail"]["mean"] == 3.0
    assert result["questions"]["competences"] is None
    assert "texts" not in str(result) and SECRET not in str(result)


def test_cross_case_view_and_exports(case: Case, people: dict[str, Any]) -> None:
    first = services.round_open(case=case, user=people["rh"], stage="T0",
                                direction="Courrier")
    fill(first, 5)
    second = services.round_open(case=case, user=people["rh"], stage="M6",
                                 direction="Accueil")
    fill(second, 3)
    for login in ("porteur", "juriste", "pilote"):
        assert client_for(people[login]).get("/enquetes/").status_code == 403
        assert client_for(people[login]).get("/enquetes/export.csv").status_code == 403
    admin = client_for(people["admin"])
    page = admin.get("/enquetes/").content.decode()
    assert "Par étape du suivi" in page and "Par direction" in page
    assert SECRET not in page
    rows = list(csv.reader(io.StringIO(admin.get("/enquetes/export.csv").content.decode())))
    by_key = {(r[0], r[1], r[2], r[3]): r for r in rows[1:]}
    assert by_key[("etape", "T0", "", "charge_travail")][4:6] == ["5", "2.8"]
    assert by_key[("etape", "M6", "", "charge_travail")][11] == "sous_le_seuil"
    assert by_key[("direction", "", "Accueil", "sante")][4:6] == ["", ""]
    assert by_key[("etape_direction", "T0", "Courrier", "sante")][4:12] == [
        "5", "4.0", "0", "0", "0", "5", "0", "ok"]
    assert SECRET not in str(rows)
    ods = admin.get("/enquetes/export.ods")
    assert ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    archive = zipfile.ZipFile(io.BytesIO(ods.content))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    content = archive.read("content.xml").decode()
    assert 'office:value="2.8"' in content and "sous_le_seuil" in content
    assert SECRET not in content


def test_the_demo_case_in_service_has_a_closed_round() -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.EKONOMIA.title)
    [result] = selectors.case_survey_results(case)
    assert result["stage"] == "T0" and result["closed_on"] is not None
    assert result["answers"] is not None and result["answers"] >= 8
    assert result["questions"]["charge_travail"] is not None
    rh = client_for(Case.objects.get(pk=case.pk).organisation.users.get(username="rh"))
    page = rh.get(f"/cas/{case.pk}/enquetes/").content.decode()
    assert "Moins d&#x27;appels d&#x27;abonnés surpris par leur facture." in page
    assert 'href="/enquetes/"' in page


def test_the_reads_are_bounded_in_queries(case: Case, people: dict[str, Any],
                                          django_assert_max_num_queries: Any) -> None:
    for stage in ("T0", "M6", "A1", "A3"):
        fill(services.round_open(case=case, user=people["rh"], stage=stage,
                                 direction="Courrier"), 6)
    with django_assert_max_num_queries(2):
        assert len(selectors.case_survey_results(case)) == 4
    with django_assert_max_num_queries(2):
        selectors.case_round_views(case, with_texts=True)
    with django_assert_max_num_queries(3):
        _form, groups = selectors.overview(people["admin"])
    assert len(groups) == 4 + 1 + 4
