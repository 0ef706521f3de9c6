"""The red line cannot be crossed with "je ne sais pas", through any entry point (service, web,
import): a favourable step is refused while the indicative, the potential or the retained legal
level is blocking, and the pages name the facts to establish."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from boussole.core.errors import InvalidDocument
from boussole.web import demo
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases import services
from boussole.web.cases.exchange import case_export, case_import
from boussole.web.cases.legal import legal_retain
from boussole.web.cases.models import Case, Opinion
from boussole.web.decisions import services as wf
from boussole.web.decisions.models import Decision, GroupOpinion

pytestmark = pytest.mark.django_db

#: The facial-recognition profile with its blocking facts answered "je ne sais pas".
UNKNOWN = {"biometrie": "nsp", "video": "nsp", "espace_public": "nsp"}


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


@pytest.fixture
def case(people: dict[str, User]) -> Case:
    """A case in instruction whose profile would be a red line, with the triggers unknown."""
    case = Case.objects.get(title=demo.TRANSCRIPTION.title)
    Opinion.objects.filter(case=case).delete()
    for fact, value in {**demo.RECONNAISSANCE.facts, **UNKNOWN}.items():
        services.answer_record(case=case, user=people["juriste"], item_id=fact, value=value)
    case.refresh_from_db()
    return case


def test_unknown_triggers_keep_the_case_blocked(case: Case) -> None:
    assert case.legal_level not in {"BLOQUANT_LOI", "BLOQUANT_DOCTRINE"}  # indicative
    assert case.legal_potential in {"BLOQUANT_LOI", "BLOQUANT_DOCTRINE"}


def test_service_entry_points_refuse_every_favourable_step(case: Case,
                                                           people: dict[str, User]) -> None:
    juriste, pilot = people["juriste"], people["numerique"]
    for number in (1, 2):
        with pytest.raises(ValueError, match="n'est pas levée"):
            services.opinion_give(case=case, user=juriste, criterion=number,
                                  verdict="favorable")
    assert not Opinion.objects.filter(case=case).exists()
    for number in range(1, 8):
        services.opinion_give(case=case, user=demo.expert_for(number, people),
                              criterion=number, verdict="defavorable",
                              recommendations="Faits à établir.")
    # "Je ne sais pas" cannot be turned into a non-blocking retained level either.
    with pytest.raises(ValueError, match="n'est pas levée"):
        legal_retain(case=case, user=juriste, retained_level="ELEVE",
                     rationale="Les réponses viendront plus tard.")
    legal_retain(case=case, user=juriste, retained_level="BLOQUANT_LOI",
                 rationale="Identification biométrique probable : à établir.")
    wf.transition_apply(case=case, user=pilot, code="consolider_avis")
    with pytest.raises(wf.WorkflowRefused, match="ligne rouge"):
        wf.group_opinion_record(case=case, user=pilot, verdict="favorable_reserves",
                                recommendations="Sous réserve.")
    wf.group_opinion_record(case=case, user=pilot, verdict="defavorable",
                            recommendations="Irrecevable en l'état.")
    wf.transition_apply(case=case, user=pilot, code="transmettre_elus")
    for login in ("elu-numerique", "elu-rh", "elu-thematique"):
        with pytest.raises(wf.WorkflowRefused, match="ligne rouge"):
            wf.decision_record(case=case, user=people[login], decision="valide",
                               decided_on=dt.date(2026, 12, 1), confirmed=True)
    assert not Decision.objects.filter(case=case).exists()


def test_the_retained_level_blocks_after_the_facts_are_answered(
        case: Case, people: dict[str, User]) -> None:
    juriste = people["juriste"]
    legal_retain(case=case, user=juriste, retained_level="BLOQUANT_DOCTRINE",
                 rationale="Biométrie probable.")
    for fact, value in demo.BASE_FACTS.items():  # now everything looks harmless
        services.answer_record(case=case, user=juriste, item_id=fact, value=value)
    case.refresh_from_db()
    assert case.legal_potential not in {"BLOQUANT_LOI", "BLOQUANT_DOCTRINE"}
    assert case.red_line  # the lawyers' blocking level still stands
    with pytest.raises(ValueError, match="ligne rouge"):
        services.opinion_give(case=case, user=juriste, criterion=1, verdict="favorable")
    # Only the lawyers lift it, by retaining a new level (with a reason).
    legal_retain(case=case, user=juriste, retained_level=case.legal_level,
                 rationale="Absence de biométrie établie (note du fournisseur).")
    services.opinion_give(case=case, user=juriste, criterion=1, verdict="favorable")
    case.refresh_from_db()
    assert not case.red_line


def test_web_refuses_and_names_the_facts_to_establish(case: Case, people: dict[str, User],
                                                      client: Any) -> None:
    client.force_login(people["juriste"])
    response = client.post(f"/cas/{case.pk}/critere/1/avis/",
                           {"verdict": "favorable", "revision": "0"}, follow=True)
    page = response.content.decode()
    assert "n&#x27;est pas levée" in page or "n'est pas levée" in page
    assert not Opinion.objects.filter(case=case).exists()
    profile = client.get(f"/cas/{case.pk}/profil/").content.decode()
    assert "Ligne rouge non levée" in profile
    assert f"/cas/{case.pk}/profil/?fait=biometrie#q-biometrie" in profile  # its step open
    path = client.get(f"/cas/{case.pk}/parcours/").content.decode()
    assert "Ligne rouge non levée" in path


def test_import_refuses_a_favourable_opinion_with_unknown_triggers(
        case: Case, people: dict[str, User]) -> None:
    document = json.loads(json.dumps(case_export(case)))
    document["opinions"] = [{
        "criterion": 1, "verdict": "favorable", "recommendations": "", "revision": 1,
        "author": {"username": "juriste", "name": "Juriste"},
        "updated_at": document["case"]["updated_at"]}]
    other = Organisation.objects.create(slug="voisine", name="Commune voisine")
    importer = User.objects.create_user("import", organisation=other, role="admin")
    before = Case.objects.count()
    with pytest.raises(InvalidDocument, match="n'est pas levée"):
        case_import(document, organisation=other, user=importer)
    document["opinions"] = []
    document["case"]["state"] = "en_service"
    with pytest.raises(InvalidDocument, match="ne peut pas être importé"):
        case_import(document, organisation=other, user=importer)
    assert Case.objects.count() == before
    assert not GroupOpinion.objects.filter(case__organisation=other).exists()
