"""Award: the winner's answers are copied into the case as provisional answers marked with
their source (« réponse du prestataire, à confirmer »), which referents confirm one by one;
answers the group already gave are kept; the other bids stay read-only in the consultation."""

from __future__ import annotations

from typing import Any

import pytest

from boussole.core.errors import Refusal
from boussole.web.cases import services as case_services
from boussole.web.cases.models import Answer, AuditEvent
from boussole.web.procurement import services
from boussole.web.procurement.models import BidderAnswer
from tests.web.procurement_setup import Setup, make_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def bids(organisation: Any, make_user: Any) -> tuple[Setup, Any, Any]:
    setup = make_setup(organisation, make_user)
    winner = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Alpha IA")
    loser = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                name="Beta Solutions")
    services.answers_save(bidder=winner, raw={
        "donnees_non_discriminatoires": services.RawAnswer(
            "oui", "Aucune donnée personnelle n'est utilisée pour l'entraînement."),
        "fabrication_nombre_equipements": services.RawAnswer("4", ""),
        "choix_conception": services.RawAnswer("Recherche dans les pages publiques, puis "
                                               "génération contrainte.", ""),
    })
    services.bid_submit(bidder=winner)
    services.answers_save(bidder=loser, raw={
        "donnees_non_discriminatoires": services.RawAnswer("non", "")})
    # The group already answered one of the questions itself.
    sobriety = make_user("sobriete", organisation, "referent", domain="numerique_responsable")
    case_services.answer_record(case=setup.case, user=sobriety,
                                item_id="fabrication_nombre_equipements", value=2,
                                justification="Inventaire du service.")
    return setup, winner, loser


def test_award_copies_answers_as_provisional_with_their_source(bids: Any, client: Any) -> None:
    setup, winner, loser = bids
    client.force_login(setup.pilot)
    url = f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}/attribution/"
    assert "Alpha IA" in client.get(url).content.decode()
    response = client.post(url, {"bidder": winner.pk})
    assert response.status_code == 302
    setup.consultation.refresh_from_db()
    assert setup.consultation.state == "awarded"
    assert setup.consultation.awarded_bidder == winner

    copied = {a.item_id: a for a in Answer.objects.filter(case=setup.case)}
    assert copied["donnees_non_discriminatoires"].value == "oui"
    assert copied["choix_conception"].value.startswith("Recherche dans les pages")
    for item in ("donnees_non_discriminatoires", "choix_conception"):
        assert copied[item].provisional_source == (
            "réponse du prestataire, à confirmer (Alpha IA)")
    # The group's own answer is kept, not overwritten, and not provisional.
    assert copied["fabrication_nombre_equipements"].value == 2
    assert copied["fabrication_nombre_equipements"].provisional_source == ""
    event = AuditEvent.objects.get(case=setup.case, action="procurement_awarded")
    assert event.after == {"bidder": "Alpha IA", "copied": 2, "kept": 1}
    assert AuditEvent.objects.filter(case=setup.case, action="answer_recorded",
                                     note__startswith="réponse du prestataire").count() == 2

    # The loser's answers stay in the consultation, untouched.
    assert BidderAnswer.objects.get(bidder=loser).value == "non"
    # A second award is refused.
    with pytest.raises(Refusal):
        services.award(consultation=setup.consultation, user=setup.pilot, bidder=loser)

    # The criterion page shows the mark beside the answer.
    criterion = client.get(f"/cas/{setup.case.pk}/critere/1/").content.decode()
    assert "réponse du prestataire, à confirmer (Alpha IA)" in criterion
    # The referents see what is to confirm and confirm one by one.
    page = client.get(f"/cas/{setup.case.pk}/marche/a-confirmer/").content.decode()
    assert "réponse du prestataire, à confirmer (Alpha IA)" in page
    client.force_login(setup.lawyer)  # criterion 1 is the lawyers'
    client.post(f"/cas/{setup.case.pk}/marche/a-confirmer/",
                {"item": "donnees_non_discriminatoires"})
    confirmed = Answer.objects.get(case=setup.case, item_id="donnees_non_discriminatoires")
    assert confirmed.provisional_source == "" and confirmed.answered_by == setup.lawyer
    assert "à confirmer (Alpha IA)" not in client.get(
        f"/cas/{setup.case.pk}/critere/1/").content.decode()
    assert Answer.objects.get(case=setup.case, item_id="choix_conception").provisional_source
    assert AuditEvent.objects.filter(case=setup.case, action="answer_confirmed",
                                     item_id="donnees_non_discriminatoires").exists()


def test_only_those_who_run_the_consultation_award(bids: Any) -> None:
    setup, winner, _loser = bids
    with pytest.raises(Refusal):
        services.award(consultation=setup.consultation, user=setup.lawyer, bidder=winner)
    setup.consultation.refresh_from_db()
    assert setup.consultation.state == "open"
    assert not Answer.objects.filter(case=setup.case).exclude(provisional_source="").exists()


def test_a_bidder_without_answers_cannot_win(bids: Any) -> None:
    setup, _winner, _loser = bids
    empty = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                name="Gamma")
    with pytest.raises(Refusal, match="aucune réponse"):
        services.award(consultation=setup.consultation, user=setup.pilot, bidder=empty)
