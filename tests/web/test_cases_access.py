"""Each organisation sees only its own cases; the case list runs a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from boussole.web.cases import services
from boussole.web.cases.models import Case
from boussole.web.grids import current_grid, registry

pytestmark = pytest.mark.django_db


def make_case(organisation: Any, user: Any, title: str = "Cas d'essai") -> Any:
    return services.case_create(organisation=organisation, user=user, title=title,
                                service="Service test", purpose="Tester l'accès.")


def test_a_case_is_pinned_to_the_current_grid(organisation: Any, make_user: Any) -> None:
    case = make_case(organisation, make_user("p", organisation))
    latest = max(g.version for g in registry().all() if g.id == "boussole-nantes")
    assert case.grid_key == current_grid().key == f"boussole-nantes@{latest}"
    assert case.reference.endswith("-001")
    assert case.audit_events.get().action == "case_created"


def test_home_lists_only_own_organisation(client: Any, organisation: Any,
                                          other_organisation: Any, make_user: Any) -> None:
    mine = make_case(organisation, make_user("p", organisation), "Notre cas")
    theirs = make_case(other_organisation, make_user("q", other_organisation), "Leur cas")
    client.force_login(make_user("referent", organisation, role="referent"))
    html = client.get("/").content.decode()
    assert escape(mine.title) in html
    assert escape(theirs.title) not in html


def test_other_organisation_gets_404(client: Any, organisation: Any, other_organisation: Any,
                                     make_user: Any) -> None:
    case = make_case(organisation, make_user("p", organisation))
    client.force_login(make_user("q", other_organisation, role="admin"))
    assert client.get(f"/cas/{case.pk}/").status_code == 404
    client.force_login(make_user("p2", organisation))
    response = client.get(f"/cas/{case.pk}/")
    assert response.status_code == 200
    assert escape(case.title) in response.content.decode()


def test_union_representative_sees_only_presented_files(client: Any, organisation: Any,
                                                        make_user: Any) -> None:
    lead = make_user("p", organisation)
    draft = make_case(organisation, lead, "Brouillon interne")
    presented = make_case(organisation, lead, "Présenté au CST")
    services.case_move(case=presented, user=lead, state="information_syndicale")
    client.force_login(make_user("s", organisation, role="representant_personnel"))
    html = client.get("/").content.decode()
    assert escape(presented.title) in html
    assert escape(draft.title) not in html
    assert client.get(f"/cas/{draft.pk}/").status_code == 404


def test_vendor_sees_only_shared_cases(client: Any, organisation: Any, make_user: Any) -> None:
    lead = make_user("p", organisation)
    vendor = make_user("v", organisation, role="prestataire")
    shared = make_case(organisation, lead, "Partagé")
    shared.vendor_account = vendor
    shared.save()
    hidden = make_case(organisation, lead, "Non partagé")
    Case.objects.filter(pk=shared.pk).update(red_line=True)
    client.force_login(vendor)
    html = client.get("/").content.decode()
    assert escape(shared.title) in html and escape(hidden.title) not in html
    # Nothing of the organisation's assessment: no legal verdict, no progress count.
    assert "Irrecevable" not in html and "Réponses" not in html
    client.force_login(lead)
    html = client.get("/").content.decode()
    assert "Irrecevable" in html and "Réponses" in html


def _count_queries(client: Any, url: str) -> int:
    client.get(url)  # warm-up: the first request of a session stamps it (idle timeout)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_case_list_queries_do_not_grow(client: Any, organisation: Any, make_user: Any) -> None:
    lead = make_user("p", organisation)
    client.force_login(lead)
    make_case(organisation, lead)
    few = _count_queries(client, "/")
    for index in range(15):
        case = make_case(organisation, lead, f"Cas {index}")
        services.answer_record(case=case, user=lead, item_id="nombre_usagers", value=10)
    assert _count_queries(client, "/") == few


def test_case_detail_queries_do_not_grow(client: Any, organisation: Any, make_user: Any) -> None:
    lead = make_user("p", organisation)
    client.force_login(lead)
    case = make_case(organisation, lead)
    few = _count_queries(client, f"/cas/{case.pk}/")
    # what the lead answers: profile facts and the criterion-3 questions
    for item, value in (("est_ia", "oui"), ("donnees_perso", "oui"), ("nombre_usagers", 10)):
        services.answer_record(case=case, user=lead, item_id=item, value=value)
    assert _count_queries(client, f"/cas/{case.pk}/") == few


def test_criterion_page_queries_do_not_grow(client: Any, organisation: Any, make_user: Any,
                                            settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from boussole.web.grids import current_grid

    settings.MEDIA_ROOT = tmp_path
    referent = make_user("r", organisation, role="referent", domain="numerique_responsable")
    client.force_login(referent)
    case = make_case(organisation, referent)
    services.case_move(case=case, user=referent, state="en_instruction")
    url = f"/cas/{case.pk}/critere/5/"
    few = _count_queries(client, url)
    grid = current_grid()
    for question in grid.criterion(5).questions:
        value: Any = {"yes_no": "oui", "text": "Réponse.", "number": 3,
                      "single_choice": question.option_ids[0] if question.options else None,
                      }.get(question.type)
        services.answer_record(case=case, user=referent, item_id=question.id, value=value,
                               justification="Calcul vérifié." if question.computed else "")
        comment = services.comment_add(case=case, user=referent, body="Remarque.",
                                       item_id=question.id, criterion=5)
        services.comment_add(case=case, user=referent, body="Réponse.", parent=comment)
        services.evidence_add(case=case, user=referent, item_id=question.id, criterion=5,
                              upload=SimpleUploadedFile("n.txt", b"note", "text/plain"))
    services.opinion_give(case=case, user=referent, criterion=5, verdict="favorable")
    services.assignment_add(case=case, user=referent, criterion=5, referent=referent)
    assert _count_queries(client, url) == few
    assert _count_queries(client, f"/cas/{case.pk}/profil/") <= few + 2


def test_database_progress_matches_the_core(organisation: Any, make_user: Any) -> None:
    """The progress counted by SQL for lists equals the core's completeness per criterion."""
    from boussole.web import demo
    from boussole.web.cases.models import Case
    from boussole.web.cases.selectors import case_progress, progress_for_cases

    demo.create_demo()
    cases = list(Case.objects.all())
    # Make the conditional Q8 matter: answered in a case where it applies, "nsp" elsewhere.
    lead = cases[0].lead
    draft = next(c for c in cases if c.state == "brouillon")
    services.answer_record(case=draft, user=lead, item_id="benefices_relation_usagers",
                           value="nsp")
    services.answer_record(case=draft, user=lead, item_id="interaction", value="public")
    fast = progress_for_cases(cases)
    for case in cases:
        assert fast[case.pk] == case_progress(case)[1], case.title


def test_discussion_works_without_javascript_and_as_a_fragment(
        client: Any, organisation: Any, make_user: Any) -> None:
    lead = make_user("p", organisation)
    case = make_case(organisation, lead)
    client.force_login(lead)
    page = client.get(f"/cas/{case.pk}/critere/2/").content.decode()
    url = f"/cas/{case.pk}/discussion/conformite_donnees_personnelles/"
    assert f'href="{url}"' in page  # the link that works without JavaScript
    full = client.get(url).content.decode()
    assert full.count("<h1") == 1 and "Nouveau commentaire" in full
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in fragment and "Nouveau commentaire" in fragment
    assert client.get(f"/cas/{case.pk}/discussion/inconnue/").status_code == 404


# --- A porteur of another case (finding 4) -----------------------------------------------

def test_a_porteur_cannot_move_a_case_they_do_not_lead(client: Any, organisation: Any,
                                                       make_user: Any) -> None:
    from boussole.web.cases.models import AuditEvent
    from boussole.web.decisions import services as wf

    lead = make_user("p", organisation)
    other = make_user("p2", organisation)
    case = make_case(organisation, lead)
    events = AuditEvent.objects.filter(case=case).count()
    for code in ("lancer_instruction", "abandonner"):
        with pytest.raises(wf.WorkflowRefused, match="chef·fe de projet"):
            wf.transition_apply(case=case, user=other, code=code, reason="Pourquoi pas.")
    case.refresh_from_db()
    assert case.state == "brouillon"
    assert AuditEvent.objects.filter(case=case).count() == events
    # The path page offers the move to the lead only.
    client.force_login(other)
    assert "lancer_instruction" not in client.get(f"/cas/{case.pk}/parcours/").content.decode()
    client.force_login(lead)
    assert "lancer_instruction" in client.get(f"/cas/{case.pk}/parcours/").content.decode()
    referent = make_user("r", organisation, role="referent")
    for number in range(1, 8):  # the launch needs a referent on every criterion
        services.assignment_add(case=case, user=lead, criterion=number, referent=referent)
    wf.transition_apply(case=case, user=lead, code="lancer_instruction")
    assert case.state == "en_instruction"


def test_assignment_services_apply_the_core_rule(organisation: Any, make_user: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from boussole.web.cases.models import Assignment

    lead = make_user("p", organisation)
    other = make_user("p2", organisation)
    juriste = make_user("j", organisation, role="referent", domain="juridique")
    rh = make_user("rh", organisation, role="referent", domain="rh_qvt")
    case = make_case(organisation, lead)
    # Another porteur names nobody, not even themselves, and removes nobody.
    with pytest.raises(PermissionDenied):
        services.assignment_add(case=case, user=other, criterion=1, referent=other)
    with pytest.raises(PermissionDenied):
        services.assignment_add(case=case, user=other, criterion=3, referent=other)
    named = services.assignment_add(case=case, user=lead, criterion=4, referent=rh)
    with pytest.raises(PermissionDenied):
        services.assignment_remove(case=case, user=other, assignment=named)
    # A referent names themselves on their domain only; an unknown criterion is refused.
    with pytest.raises(PermissionDenied, match="votre domaine"):
        services.assignment_add(case=case, user=juriste, criterion=4, referent=juriste)
    services.assignment_add(case=case, user=juriste, criterion=1, referent=juriste)
    with pytest.raises(PermissionDenied, match="n'existe pas"):
        services.assignment_add(case=case, user=lead, criterion=99, referent=juriste)
    assert sorted(Assignment.objects.filter(case=case).values_list("criterion", "user__username")
                  ) == [(1, "j"), (4, "rh")]
    # The named referent may leave; the lead may remove them.
    services.assignment_remove(case=case, user=rh, assignment=named)
    services.assignment_remove(case=case, user=lead,
                               assignment=Assignment.objects.get(case=case, criterion=1))
    assert not Assignment.objects.filter(case=case).exists()


# --- The vendor's view (finding 6) --------------------------------------------------------

@pytest.fixture
def vendor_world(organisation: Any, make_user: Any, settings: Any, tmp_path: Any
                 ) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    lead = make_user("p", organisation)
    juriste = make_user("j", organisation, role="referent", domain="juridique")
    vendor = make_user("v", organisation, role="prestataire")
    case = make_case(organisation, lead, "Dossier partagé")
    case.vendor_account = vendor
    case.save()
    services.case_move(case=case, user=lead, state="en_instruction")
    # Internal material, on a vendor-facing question and elsewhere.
    internal = services.comment_add(case=case, user=juriste, item_id="biometrie_absente",
                                    criterion=1, body="Note interne du juriste")
    services.comment_add(case=case, user=juriste, item_id="conformite_donnees_personnelles",
                         criterion=2, body="Analyse juridique confidentielle")
    services.evidence_add(case=case, user=juriste, item_id="biometrie_absente", criterion=1,
                          upload=SimpleUploadedFile("analyse-dpo.txt", b"interne", "text/plain"))
    services.answer_record(case=case, user=juriste, item_id="conformite_donnees_personnelles",
                           value="Conforme.")
    # The vendor's own thread, with the organisation's reply.
    mine = services.comment_add(case=case, user=vendor, item_id="biometrie_absente",
                                criterion=1, body="Question du prestataire")
    services.comment_add(case=case, user=juriste, body="Réponse au prestataire", parent=mine)
    return {"case": case, "vendor": vendor, "juriste": juriste, "internal": internal,
            "mine": mine}


def test_vendor_page_shows_only_its_questionnaire(client: Any,
                                                  vendor_world: dict[str, Any]) -> None:
    from boussole.web.grids import current_grid

    case, vendor = vendor_world["case"], vendor_world["vendor"]
    client.force_login(vendor)
    response = client.get(f"/cas/{case.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    grid = current_grid()
    for question in grid.questions:
        shown = f'id="q-{question.id}"' in html
        assert shown == question.vendor or (question.vendor and question.condition), question.id
    assert "Question du prestataire" in html and "Réponse au prestataire" in html
    for secret in ("Note interne du juriste", "Analyse juridique confidentielle",
                   "analyse-dpo.txt", "Conforme."):
        assert secret not in html
    for forbidden in ("/profil/", "/critere/", "/juridique/", "/parcours/", "/journal/",
                      "/empreinte/"):
        assert f"/cas/{case.pk}{forbidden}" not in html, forbidden
    # The discussion fragment of a vendor question: the same filter.
    fragment = client.get(f"/cas/{case.pk}/discussion/biometrie_absente/",
                          HTTP_HX_REQUEST="true").content.decode()
    assert "Question du prestataire" in fragment and "Note interne du juriste" not in fragment


def test_vendor_refused_actions_change_nothing(client: Any,
                                               vendor_world: dict[str, Any]) -> None:
    from boussole.web.cases.models import Answer, AuditEvent, Comment, Evidence

    case, vendor = vendor_world["case"], vendor_world["vendor"]
    client.force_login(vendor)

    def state() -> tuple[int, ...]:
        return tuple(m.objects.filter(case=case).count()
                     for m in (Answer, AuditEvent, Comment, Evidence))

    before = state()
    internal_evidence = Evidence.objects.get(case=case)
    refused = [
        client.post(f"/cas/{case.pk}/commentaires/", {"parent": vendor_world["internal"].pk,
                                                      "item_id": "biometrie_absente",
                                                      "body": "Je réponds."}),
        client.post(f"/cas/{case.pk}/commentaires/", {"criterion": "1", "body": "Critère"}),
        client.post(f"/cas/{case.pk}/commentaires/{vendor_world['internal'].pk}/resolution/"),
        client.get(f"/cas/{case.pk}/pieces/{internal_evidence.pk}/"),
        client.post(f"/cas/{case.pk}/reponse/est_ia/", {"value": "oui", "revision": "0"}),
        client.get(f"/cas/{case.pk}/versions/1/"),
        client.get(f"/cas/{case.pk}/versions/1/note.html"),
        client.post(f"/cas/{case.pk}/parcours/abandonner/", {"reason": "x"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert state() == before
    # Its own thread: it may reply.
    reply = client.post(f"/cas/{case.pk}/commentaires/", {
        "parent": vendor_world["mine"].pk, "item_id": "biometrie_absente", "body": "Merci."})
    assert reply.status_code == 302
    assert reply["Location"] == f"/cas/{case.pk}/#q-biometrie_absente"


def test_vendor_answers_only_its_own_answers(client: Any, vendor_world: dict[str, Any]) -> None:
    case, vendor, juriste = vendor_world["case"], vendor_world["vendor"], vendor_world["juriste"]
    client.force_login(vendor)
    saved = client.post(f"/cas/{case.pk}/reponse/biometrie_absente/",
                        {"value": "oui", "justification": "Aucune biométrie.", "revision": "0"})
    assert saved.status_code == 302
    assert "Aucune biométrie." in client.get(f"/cas/{case.pk}/").content.decode()
    services.answer_record(case=case, user=juriste, item_id="biometrie_absente", value="non",
                           justification="Vérification du juriste : gabarits faciaux.")
    html = client.get(f"/cas/{case.pk}/").content.decode()
    assert "gabarits faciaux" not in html
    assert "La collectivité a répondu elle-même à cette question." in html
    refused = client.post(f"/cas/{case.pk}/reponse/biometrie_absente/",
                          {"value": "oui", "justification": "Non.", "revision": "2"})
    assert refused.status_code == 403
    assert case.answers.get(item_id="biometrie_absente").value == "non"
