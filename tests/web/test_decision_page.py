"""The decision page of an elected official (issue 12, item 7): what is decided in one sentence,
no contradictory "nothing for you" message, a confirmation before recording, warnings on
favourable opinions given at low completeness, and one completeness count for the memo and the
case overview."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.utils import timezone

from boussole.core.completeness import LOW_COMPLETENESS_PERCENT
from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases.models import Case
from boussole.web.cases.selectors import case_progress, progress_for_cases
from boussole.web.decisions import memo
from boussole.web.decisions import services as wf
from boussole.web.decisions.models import Decision, FileVersion
from boussole.web.grids import grid_for

pytestmark = pytest.mark.django_db

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
NOTHING_FOR_YOU = "Aucune action ne vous revient à cette étape"


@pytest.fixture
def people() -> dict[str, User]:
    demo.create_demo()
    return {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}


@pytest.fixture
def inventaire(people: dict[str, User]) -> Case:
    """The demo case waiting for the officials: version 1 frozen, group « favorable avec
    réserves » with one condition, a favourable opinion on criterion 6 with no answer."""
    case = Case.objects.get(title=demo.INVENTAIRE.title)
    assert case.state == "decision"
    return case


def text_of(response: Any) -> str:
    """The page as a reader sees its text: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(body).split())


def test_the_official_reads_what_is_decided_and_no_contradiction(
        client: Any, people: dict[str, User], inventaire: Case) -> None:
    version = FileVersion.objects.get(case=inventaire, number=1)
    client.force_login(people["elu-rh"])
    response = client.get(f"/cas/{inventaire.pk}/parcours/")
    page = text_of(response)
    sentence = (f"Vous décidez de l'usage de l'IA « {inventaire.title} » ({inventaire.reference}) "
                "sur la base de la version 1 du dossier, figée le ")
    assert sentence in page
    after = page[page.index(sentence) + len(sentence):]
    day = timezone.localtime(version.frozen_at)
    assert after.startswith(f"{day.day} {MONTHS[day.month - 1]} {day.year}, avec l'avis du "
                            "groupe « Favorable avec réserves » et les conditions suivantes : "
                            "Bilan à 6 mois présenté au groupe TN-QVT")
    assert "Ma décision" in page
    assert NOTHING_FOR_YOU not in page
    assert "Enregistrer votre décision (formulaire ci-dessous)" in page
    assert 'href="#h-decisions"' in response.content.decode()
    # Someone with nothing to do at this stage still reads that nothing is theirs.
    client.force_login(people["porteur"])
    other = text_of(client.get(f"/cas/{inventaire.pk}/parcours/"))
    assert NOTHING_FOR_YOU in other and "Vous décidez" not in other
    assert "Ma décision" not in other


def test_a_decision_without_confirmation_is_refused_and_nothing_recorded(
        client: Any, people: dict[str, User], inventaire: Case) -> None:
    client.force_login(people["elu-rh"])
    events = inventaire.audit_events.count()
    posted = {"decision": "valide_sous_conditions", "conditions": "Bilan « à 6 mois » & revue",
              "decided_on": "2026-11-30", "reference": "Arrêté n° 2026-12"}
    response = client.post(f"/cas/{inventaire.pk}/decision/", posted)
    assert response.status_code == 400
    assert not Decision.objects.filter(case=inventaire).exists()
    assert inventaire.audit_events.count() == events
    body = response.content.decode()
    page = text_of(response)
    # The error summary at the top of the form, linked to the box, and the message at the box.
    summary = body[body.index('id="decision-errors"'):]
    assert 'role="alert"' in body[body.rindex("<div", 0, body.index('id="decision-errors"')):
                                  body.index('id="decision-errors"') + 200]
    assert 'href="#d-confirm"' in summary[:summary.index("</div>")]
    assert html.unescape(wf.DECISION_UNCONFIRMED) in page
    assert 'id="e-confirm"' in body and 'aria-describedby="e-confirm"' in body
    # Every value typed is kept.
    assert re.search(r'id="d-decision-valide_sous_conditions"[^>]*checked', body)
    assert re.search(r'id="d-decision-valide"[^>]*checked', body) is None
    assert "Bilan « à 6 mois » &amp; revue</textarea>" in body
    assert 'value="2026-11-30"' in body and 'value="Arrêté n° 2026-12"' in body
    # The sentence of what is decided is still there.
    assert "Vous décidez de l'usage de l'IA" in page


def test_every_problem_at_once_at_its_field(client: Any, people: dict[str, User],
                                            inventaire: Case) -> None:
    client.force_login(people["elu-numerique"])
    response = client.post(f"/cas/{inventaire.pk}/decision/", {
        "decision": "valide_sous_conditions", "conditions": "", "decided_on": "2026-11-30"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#d-conditions"' in body and 'href="#d-confirm"' in body
    assert "Précisez les conditions de la validation." in body
    bad_date = client.post(f"/cas/{inventaire.pk}/decision/", {
        "decision": "valide", "decided_on": "30/11/2026", "reference": "Arrêté 7"})
    assert bad_date.status_code == 400
    body = bad_date.content.decode()
    assert 'href="#decided_on"' in body and 'href="#d-confirm"' in body
    assert 'value="Arrêté 7"' in body
    assert not Decision.objects.filter(case=inventaire).exists()


def test_with_the_confirmation_the_decision_is_recorded(
        client: Any, people: dict[str, User], inventaire: Case) -> None:
    client.force_login(people["elu-rh"])
    response = client.post(f"/cas/{inventaire.pk}/decision/", {
        "decision": "valide", "decided_on": "2026-11-30", "reference": "Arrêté 12",
        "confirm": "oui"}, follow=True)
    assert response.status_code == 200
    assert "Votre décision est enregistrée." in text_of(response)
    stored = Decision.objects.get(case=inventaire)
    assert (stored.official, stored.decision, stored.decided_on, stored.reference) == (
        people["elu-rh"], "valide", dt.date(2026, 11, 30), "Arrêté 12")
    assert stored.version.number == 1
    # Back on the page: the values recorded, the box not ticked for a next change.
    body = client.get(f"/cas/{inventaire.pk}/parcours/").content.decode()
    assert re.search(r'id="d-decision-valide"[^>]*checked', body)
    assert re.search(r'id="d-confirm"[^>]*checked', body) is None


def test_the_service_refuses_an_unconfirmed_decision(people: dict[str, User],
                                                    inventaire: Case) -> None:
    with pytest.raises(wf.WorkflowRefused) as refused:
        wf.decision_record(case=inventaire, user=people["elu-numerique"], decision="valide",
                           decided_on=dt.date(2026, 11, 30))
    assert refused.value.problems == [wf.DECISION_UNCONFIRMED]
    assert refused.value.fields == ("confirm",) and refused.value.field == "confirm"
    assert not Decision.objects.filter(case=inventaire).exists()
    wf.decision_record(case=inventaire, user=people["elu-numerique"], decision="valide",
                       decided_on=dt.date(2026, 11, 30), confirmed=True)
    assert Decision.objects.filter(case=inventaire).count() == 1


def warning_6(case: Case) -> str:
    """The start of the core's warning on criterion 6 of the demo case (favourable, 0 of 18)."""
    title = grid_for(case.grid_id, case.grid_version).criterion(6).title
    return (f"Critère 6 ({title}) : avis « Favorable » alors que la complétude n'est que de "
            f"0 % (0 réponse sur 18 questions applicables). Sous {LOW_COMPLETENESS_PERCENT} % "
            "de réponses, cet avis repose sur un dossier incomplet")


def block(body: str, element_id: str) -> str:
    """The text of the element with this id (up to its closing </div>)."""
    start = body.index(">", body.index(f'id="{element_id}"')) + 1
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ",
                                         body[start:body.index("</div>", start)])).split())


def test_a_favourable_opinion_at_zero_completeness_is_flagged_on_the_page(
        client: Any, people: dict[str, User], inventaire: Case) -> None:
    assert case_progress(inventaire)[1][6].answered == 0
    assert inventaire.opinions.get(criterion=6).verdict == "favorable"
    client.force_login(people["elu-thematique"])
    body = client.get(f"/cas/{inventaire.pk}/parcours/").content.decode()
    warnings = block(body, "decision-completeness")
    assert warning_6(inventaire) in warnings
    assert warnings.startswith("Attention : 4 avis favorables portent sur des critères peu "
                               "renseignés.")
    # Criteria 4 (1/9), 5 (12/39), 6 (0/18) and 7 (1/7) are flagged; 1 (2/2), 2 (2/4) and
    # 3 (3/4) are not.
    assert [int(n) for n in re.findall(r"Critère (\d) \(", warnings)] == [4, 5, 6, 7]
    # The warnings come before the form.
    assert body.index('id="decision-completeness"') < body.index('id="d-confirm"')
    # The pilot sees the same warnings in the group's section.
    client.force_login(people["numerique"])
    pilot = client.get(f"/cas/{inventaire.pk}/parcours/").content.decode()
    assert warning_6(inventaire) in block(pilot, "group-completeness")


def test_the_warning_is_in_the_memo(client: Any, people: dict[str, User],
                                   inventaire: Case) -> None:
    client.force_login(people["elu-rh"])
    page = text_of(client.get(f"/cas/{inventaire.pk}/versions/1/note.html"))
    label = "Attention, avis favorable sur un critère peu renseigné : "
    # Twice: after the compass table and in the criterion's own section.
    assert page.count(label + warning_6(inventaire)) == 2
    assert page.count(label) == 2 * 4
    # The preview of a case not yet frozen says it too (the chatbot: criterion 1 favourable,
    # 2 of 2 answered: no warning).
    chatbot = Case.objects.get(title=demo.CHATBOT.title)
    client.force_login(people["numerique"])
    preview = text_of(client.get(f"/cas/{chatbot.pk}/note-projet.html"))
    assert label not in preview


def test_memo_and_overview_give_the_same_completeness(
        client: Any, people: dict[str, User], inventaire: Case) -> None:
    client.force_login(people["numerique"])
    overview = text_of(client.get(f"/cas/{inventaire.pk}/"))
    data = memo.memo_data(FileVersion.objects.get(case=inventaire, number=1))
    _profile, progress = case_progress(inventaire)
    lists = progress_for_cases([inventaire])[inventaire.pk]
    memo_page = text_of(client.get(f"/cas/{inventaire.pk}/versions/1/note.html"))
    for criterion in data["criteria"]:
        number = criterion["number"]
        counted = criterion["progress"]
        shown = progress[number]
        assert (counted["answered"], counted["applicable"], counted["unknown"]) == (
            shown.answered, shown.applicable, shown.unknown), number
        assert lists[number] == shown, number
        # What the overview prints for the criterion is what the memo prints.
        assert f"{shown.answered} / {shown.applicable}" in overview
        assert f"{shown.answered} / {shown.applicable}" in memo_page
    # The criterion with a conditional question that does not apply: 3 of 4, not 3 of 5.
    assert (progress[3].answered, progress[3].applicable) == (3, 4)
    assert next(c for c in data["criteria"] if c["number"] == 3)["progress"][
        "applicable"] == 4
