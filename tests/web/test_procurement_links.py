"""A bidder's personal link: it reaches only that bidder's answers for one consultation, until
it expires or is revoked (then 404, like an unknown link); another bidder's data never appears
in any response; drafts, submission (then read-only) and every bidder action are audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from boussole.web.cases.models import AuditEvent
from boussole.web.procurement import services
from boussole.web.procurement.models import BidderAnswer
from tests.web.procurement_setup import make_setup

pytestmark = pytest.mark.django_db

SECRET_A = "Justification confidentielle du soumissionnaire Alpha (méthode interne)."


def bidder_urls(token: str) -> list[str]:
    return [f"/offre/{token}/", f"/offre/{token}/critere/1/", f"/offre/{token}/critere/6/"]


@pytest.fixture
def two_bidders(organisation: Any, make_user: Any) -> Any:
    setup = make_setup(organisation, make_user)
    alpha = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                name="Alpha IA", email="offres@alpha.example")
    beta = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                               name="Beta Solutions")
    token_a = services.link_issue(bidder=alpha, user=setup.pilot)
    token_b = services.link_issue(bidder=beta, user=setup.pilot, days=10)
    return setup, alpha, beta, token_a, token_b


def answer_as_alpha(client: Any, token: str) -> Any:
    return client.post(f"/offre/{token}/critere/1/", {
        "q-donnees_non_discriminatoires": "oui", "j-donnees_non_discriminatoires": SECRET_A,
        "q-biometrie_absente": "nsp", "j-biometrie_absente": ""})


def test_the_token_is_stored_hashed_only(two_bidders: Any) -> None:
    _setup, alpha, _beta, token_a, _token_b = two_bidders
    alpha.refresh_from_db()
    assert token_a not in alpha.token_hash and len(alpha.token_hash) == 64
    assert not AuditEvent.objects.filter(after__icontains=token_a).exists()
    assert not AuditEvent.objects.filter(note__icontains=token_a).exists()


def test_a_bidder_saves_a_draft_then_submits_and_it_becomes_read_only(client: Any,
                                                                      two_bidders: Any) -> None:
    setup, alpha, _beta, token_a, _token_b = two_bidders
    page = client.get(f"/offre/{token_a}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha IA" in html and "Marché d&#x27;agent conversationnel" in html
    assert 'href="/cas/' not in html  # no link to an internal page
    response = answer_as_alpha(client, token_a)
    assert response.status_code == 302 and response["Location"].endswith("?enregistre=1")
    stored = {a.question_id: a for a in BidderAnswer.objects.filter(bidder=alpha)}
    assert stored["donnees_non_discriminatoires"].value == "oui"
    assert stored["donnees_non_discriminatoires"].justification == SECRET_A
    assert stored["donnees_non_discriminatoires"].maturity == "complete"
    assert stored["biometrie_absente"].maturity == "not_anticipated"
    assert "sessionid" not in response.cookies  # no session for a bidder

    # A refused value saves nothing, not even the valid answers of the same page.
    bad = client.post(f"/offre/{token_a}/critere/5/", {
        "q-materiel_ecolabellise": "oui", "q-fabrication_nombre_equipements": "beaucoup"})
    assert bad.status_code == 400
    assert "n&#x27;est pas un nombre" in bad.content.decode()
    assert not BidderAnswer.objects.filter(bidder=alpha,
                                           question_id="materiel_ecolabellise").exists()

    submitted = client.post(f"/offre/{token_a}/envoyer/")
    assert submitted.status_code == 302
    alpha.refresh_from_db()
    assert alpha.submitted_at is not None
    # Read-only now: the form redirects, a post changes nothing.
    assert client.get(f"/offre/{token_a}/critere/1/").status_code == 302
    client.post(f"/offre/{token_a}/critere/1/", {"q-donnees_non_discriminatoires": "non"})
    assert BidderAnswer.objects.get(bidder=alpha,
                                    question_id="donnees_non_discriminatoires").value == "oui"
    summary = client.get(f"/offre/{token_a}/").content.decode()
    assert "ne sont plus modifiables" in summary and SECRET_A.replace("'", "&#x27;") in summary
    actions = list(AuditEvent.objects.filter(case=setup.case).values_list("action", flat=True))
    assert "procurement_bid_saved" in actions and "procurement_bid_submitted" in actions
    event = AuditEvent.objects.get(case=setup.case, action="procurement_bid_submitted")
    assert event.note == "Alpha IA"


def test_submitting_nothing_is_refused(client: Any, two_bidders: Any) -> None:
    _setup, _alpha, beta, _token_a, token_b = two_bidders
    response = client.post(f"/offre/{token_b}/envoyer/", follow=True)
    assert "Répondez à au moins une question" in response.content.decode()
    beta.refresh_from_db()
    assert beta.submitted_at is None


def test_another_bidder_never_sees_alpha(client: Any, two_bidders: Any) -> None:
    _setup, _alpha, _beta, token_a, token_b = two_bidders
    answer_as_alpha(client, token_a)
    for url in bidder_urls(token_b):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Alpha" not in html and "confidentielle" not in html, url
    # Beta's post cannot reach Alpha's answers.
    client.post(f"/offre/{token_b}/critere/1/", {"q-donnees_non_discriminatoires": "non"})
    assert BidderAnswer.objects.get(question_id="donnees_non_discriminatoires",
                                    bidder__name="Alpha IA").value == "oui"


@pytest.mark.parametrize("how", ["expired", "revoked", "reissued", "unknown"])
def test_refused_links_are_404(client: Any, two_bidders: Any, how: str) -> None:
    setup, alpha, _beta, token_a, _token_b = two_bidders
    answer_as_alpha(client, token_a)
    token = token_a
    if how == "expired":
        alpha.expires_at = timezone.now() - dt.timedelta(seconds=1)
        alpha.save()
    elif how == "revoked":
        services.link_revoke(bidder=alpha, user=setup.pilot)
    elif how == "reissued":
        services.link_issue(bidder=alpha, user=setup.pilot)
    else:
        token = token_a[:-4] + "AAAA"
    for url in bidder_urls(token):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "confidentielle" not in response.content.decode()
    response = client.post(f"/offre/{token}/critere/1/", {"q-donnees_non_discriminatoires":
                                                          "non"})
    assert response.status_code == 404
    assert client.post(f"/offre/{token}/envoyer/").status_code == 404
    assert BidderAnswer.objects.get(bidder=alpha,
                                    question_id="donnees_non_discriminatoires").value == "oui"


def test_extending_and_revoking_are_audited(two_bidders: Any) -> None:
    setup, alpha, _beta, _token_a, _token_b = two_bidders
    services.link_extend(bidder=alpha, user=setup.pilot, days=60)
    alpha.refresh_from_db()
    assert alpha.expires_at > timezone.now() + dt.timedelta(days=59)
    services.link_revoke(bidder=alpha, user=setup.pilot)
    actions = list(AuditEvent.objects.filter(case=setup.case).values_list("action", flat=True))
    assert {"procurement_link_issued", "procurement_link_extended",
            "procurement_link_revoked"} <= set(actions)


def test_a_closed_consultation_freezes_the_links(client: Any, two_bidders: Any) -> None:
    setup, _alpha, _beta, token_a, _token_b = two_bidders
    answer_as_alpha(client, token_a)
    services.consultation_close(consultation=setup.consultation, user=setup.pilot)
    assert client.get(f"/offre/{token_a}/critere/1/").status_code == 302
    assert "La consultation est close" in client.get(f"/offre/{token_a}/").content.decode()


def test_the_journal_tells_what_bidders_did(client: Any, two_bidders: Any) -> None:
    setup, alpha, _beta, token_a, _token_b = two_bidders
    answer_as_alpha(client, token_a)
    client.post(f"/offre/{token_a}/envoyer/")
    services.maturity_override(answer=alpha.answers.get(question_id="biometrie_absente"),
                               user=setup.lawyer, maturity="partial",
                               reason="Réponse donnée oralement en réunion.")
    client.force_login(setup.pilot)
    journal = client.get(f"/cas/{setup.case.pk}/journal/").content.decode()
    assert "Le soumissionnaire « Alpha IA » a envoyé ses réponses." in journal
    assert "Le soumissionnaire « Alpha IA » a enregistré un brouillon de réponses" in journal
    assert "Réponse donnée oralement en réunion." in journal
    assert "not_anticipated" not in journal and ">partial<" not in journal


def test_a_bidder_attaches_a_document_the_group_downloads(client: Any, two_bidders: Any,
                                                          settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    setup, alpha, _beta, token_a, token_b = two_bidders
    pdf = b"%PDF-1.7\n% fiche produit\n"
    fake = SimpleUploadedFile("fiche.pdf", b"MZ\x90\x00 pas un pdf")
    refused = client.post(f"/offre/{token_a}/critere/1/", {
        "q-donnees_non_discriminatoires": "oui", "d-donnees_non_discriminatoires": fake})
    assert refused.status_code == 400 and not alpha.answers.exists()
    client.post(f"/offre/{token_a}/critere/1/", {
        "q-donnees_non_discriminatoires": "oui",
        "d-donnees_non_discriminatoires": SimpleUploadedFile("fiche.pdf", pdf)})
    answer = alpha.answers.get()
    assert answer.document_name == "fiche.pdf" and answer.maturity == "complete"
    assert "Document déjà joint : fiche.pdf" in client.get(
        f"/offre/{token_a}/critere/1/").content.decode()
    assert "fiche.pdf" not in client.get(f"/offre/{token_b}/critere/1/").content.decode()
    url = (f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/soumissionnaires/{alpha.pk}/"
           f"document/{answer.pk}/")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(setup.lawyer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf
    assert 'filename="fiche.pdf"' in response["Content-Disposition"]
