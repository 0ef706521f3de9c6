"""Refusals that leave the data as it was, in French, never a server error: stale or missing
revisions, malformed identifiers, evidence files gone from the storage, oversized texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boussole.core.limits import LIMITS
from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Answer, AuditEvent, Case, Comment, Evidence
from boussole.web.decisions import services as wf
from boussole.web.decisions.models import FileVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(settings: Any, tmp_path: Path) -> dict[str, User]:
    settings.MEDIA_ROOT = tmp_path / "files"
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


def chatbot() -> Case:
    return Case.objects.get(title=demo.CHATBOT.title)


def journal(case: Case) -> int:
    return AuditEvent.objects.filter(case=case).count()


@pytest.mark.parametrize("revision", [None, "", "abc", "-1", "1e3", "٣"])
@pytest.mark.parametrize("htmx", [True, False])
def test_an_answer_without_a_valid_revision_is_refused(people: dict[str, User], client: Any,
                                                       revision: str | None,
                                                       htmx: bool) -> None:
    case = chatbot()
    client.force_login(people["juriste"])
    before = list(Answer.objects.filter(case=case).values_list("item_id", "value", "revision"))
    events = journal(case)
    data = {"value": "non"} if revision is None else {"value": "non", "revision": revision}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(f"/cas/{case.pk}/reponse/biometrie_absente/", data, **headers)
    assert response.status_code == (200 if htmx else 400)  # htmx swaps only 2xx answers
    assert "rechargez la page" in response.content.decode()
    after = list(Answer.objects.filter(case=case).values_list("item_id", "value", "revision"))
    assert after == before and journal(case) == events


def test_an_opinion_without_a_revision_is_refused(people: dict[str, User],
                                                  client: Any) -> None:
    case = chatbot()
    client.force_login(people["numerique"])
    response = client.post(f"/cas/{case.pk}/critere/6/avis/", {"verdict": "favorable"},
                           follow=True)
    assert "rechargez la page" in response.content.decode()
    assert not case.opinions.filter(criterion=6).exists()


@pytest.mark.parametrize("parent", ["abc", "1.5", "-3", "99999999999999999999999"])
def test_a_malformed_comment_parent_is_a_404(people: dict[str, User], client: Any,
                                             parent: str) -> None:
    case = chatbot()
    client.force_login(people["juriste"])
    response = client.post(f"/cas/{case.pk}/commentaires/",
                           {"criterion": "1", "body": "Bonjour", "parent": parent})
    assert response.status_code == 404
    assert not Comment.objects.filter(case=case, body="Bonjour").exists()


def test_an_assignment_to_an_unknown_criterion_is_refused(people: dict[str, User],
                                                          client: Any) -> None:
    case = chatbot()
    client.force_login(people["numerique"])
    count = case.assignments.count()
    for target in (f"/cas/{case.pk}/critere/99/referents/",):
        response = client.post(target, {"user": str(people["juriste"].pk)})
        assert response.status_code in (302, 403, 404)
    response = client.post(f"/cas/{case.pk}/critere/1/referents/", {"user": "abc"})
    assert response.status_code in (302, 403)
    assert case.assignments.count() == count


def _attach(case: Case, user: User) -> Evidence:
    return services.evidence_add(case=case, user=user, criterion=2, item_id="",
                                 upload=SimpleUploadedFile("aipd.txt", b"Analyse d'impact.",
                                                           "text/plain"))


def test_a_deleted_evidence_file_is_reported_not_a_server_error(
        people: dict[str, User], client: Any) -> None:
    case = Case.objects.get(title=demo.INVENTAIRE.title)  # at the decision stage
    piece = _attach(Case.objects.get(title=demo.CHATBOT.title), people["juriste"])
    Path(piece.file.path).unlink()
    client.force_login(people["juriste"])
    response = client.get(f"/cas/{piece.case_id}/pieces/{piece.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Pièce introuvable" in body and piece.sha256 in body
    assert case.state == "decision"


def test_the_journal_page_reports_a_missing_or_altered_evidence_file(
        people: dict[str, User], client: Any) -> None:
    case = chatbot()
    missing = _attach(case, people["juriste"])
    altered = services.evidence_add(case=case, user=people["juriste"], criterion=3,
                                    upload=SimpleUploadedFile("note.txt", b"Version 1.",
                                                              "text/plain"))
    client.force_login(people["juriste"])
    assert "à vérifier" not in client.get(f"/cas/{case.pk}/journal/").content.decode()
    Path(missing.file.path).unlink()
    Path(altered.file.path).write_bytes(b"Version 2.")
    response = client.get(f"/cas/{case.pk}/journal/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pièces justificatives à vérifier" in body
    assert "« aipd.txt » introuvable dans le stockage des fichiers" in body
    assert "« note.txt » ne correspond plus à son empreinte SHA-256" in body


def test_a_missing_file_blocks_sending_the_file_to_the_officials(
        people: dict[str, User], client: Any) -> None:
    case = chatbot()
    pilot = people["numerique"]
    piece = _attach(case, people["juriste"])
    for number in range(1, 8):
        if not case.opinions.filter(criterion=number).exists():
            services.opinion_give(case=case, user=demo.expert_for(number, people),
                                  criterion=number, verdict="favorable")
    from boussole.web.cases.legal import legal_retain

    legal_retain(case=case, user=people["juriste"], retained_level=case.legal_level)
    wf.transition_apply(case=case, user=pilot, code="consolider_avis")
    wf.group_opinion_record(case=case, user=pilot, verdict="favorable")
    Path(piece.file.path).unlink()
    client.force_login(pilot)
    response = client.post(f"/cas/{case.pk}/parcours/transmettre_elus/", {"reason": ""},
                           follow=True)
    assert response.status_code == 200
    assert "aipd.txt" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "avis_groupe" and not FileVersion.objects.filter(case=case).exists()
    # Attached again, the file can be sent.
    _attach(case, people["juriste"]).delete()
    Evidence.objects.filter(pk=piece.pk).delete()
    wf.transition_apply(case=case, user=pilot, code="transmettre_elus")
    assert FileVersion.objects.filter(case=case).exists()


def test_oversized_texts_are_refused_everywhere(people: dict[str, User], client: Any) -> None:
    porteur = people["porteur"]
    client.force_login(porteur)
    huge = "x" * (LIMITS["purpose"] + 1)
    cases = Case.objects.count()
    response = client.post("/cas/nouveau/", {"title": "Grand", "service": "S",
                                             "purpose": huge})
    assert response.status_code == 200 and "caractères" in response.content.decode()
    assert Case.objects.count() == cases
    with pytest.raises(ValueError, match="Texte trop long"):
        services.case_create(organisation=porteur.organisation, user=porteur, title="Grand",
                             service="S", purpose=huge)
    case = chatbot()
    events = journal(case)
    with pytest.raises(Exception, match="Texte trop long"):
        services.answer_record(case=case, user=people["juriste"], item_id="est_ia",
                               value="oui", justification="j" * (LIMITS["justification"] + 1))
    with pytest.raises(ValueError, match="Texte trop long"):
        services.opinion_give(case=case, user=people["numerique"], criterion=6,
                              verdict="defavorable",
                              recommendations="r" * (LIMITS["recommendations"] + 1))
    with pytest.raises(ValueError, match="Texte trop long"):
        services.case_update(case=case, user=porteur, purpose=huge)
    assert journal(case) == events
    inventaire = Case.objects.get(title=demo.INVENTAIRE.title)
    with pytest.raises(wf.WorkflowRefused, match="Texte trop long"):
        wf.decision_record(case=inventaire, user=people["elu-rh"],
                           decision="valide_sous_conditions", decided_on=dt.date(2026, 12, 1),
                           conditions="c" * (LIMITS["conditions"] + 1), confirmed=True)


@pytest.mark.parametrize(("item_id", "data"), [
    ("personnes", {"value": ["usagers"], "nsp": "1"}),
    ("nombre_usagers", {"value": "1 200", "nsp": "1"}),
])
def test_je_ne_sais_pas_with_an_answer_is_refused_not_half_saved(
        people: dict[str, User], client: Any, item_id: str, data: dict[str, Any]) -> None:
    case = chatbot()
    user = people["juriste"] if item_id == "personnes" else people["porteur"]
    client.force_login(user)
    current = Answer.objects.filter(case=case, item_id=item_id).first()
    before = (current.value, current.revision) if current else None
    response = client.post(f"/cas/{case.pk}/reponse/{item_id}/",
                           {**data, "revision": str(current.revision if current else 0)},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "ne peut pas être combiné" in response.content.decode()
    after = Answer.objects.filter(case=case, item_id=item_id).first()
    assert ((after.value, after.revision) if after else None) == before


def test_a_refused_opinion_keeps_what_was_chosen_and_written(people: dict[str, User],
                                                              client: Any) -> None:
    """An opinion "avec réserves" without recommendation: the error is shown beside the form,
    the verdict and the text typed are kept (they used to be reset), nothing is stored."""
    case = chatbot()
    client.force_login(people["numerique"])
    response = client.post(f"/cas/{case.pk}/critere/6/avis/", {
        "verdict": "favorable_reserves", "recommendations": "  ", "revision": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="avis-erreur" role="alert"' in page and "doit être motivé" in page
    assert 'value="favorable_reserves" checked' in page
    assert not case.opinions.filter(criterion=6).exists()
    response = client.post(f"/cas/{case.pk}/critere/6/avis/", {
        "verdict": "defavorable", "recommendations": "Mes notes " + "x" * 10_001,
        "revision": "0"})
    assert response.status_code == 400 and "Mes notes" in response.content.decode()
