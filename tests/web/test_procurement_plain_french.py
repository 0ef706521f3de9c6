"""What a newcomer reads in the consultation pages and files is plain French: numbers written
« 70 000 000 000 », never « 7e+10 » nor « 70000000000.0 », on the group's pages, in the
bidder's form (and read back unchanged) and in the comparison export; the export names the grid
and dates itself in French; counts read without broken plurals; a tampered annex is explained
in whole sentences; the empty « à confirmer » page says where the answers come from."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from boussole.core.errors import InvalidDocument
from boussole.core.procurement.pack import vendor_questions
from boussole.reports import vendor_pack
from boussole.web.grids import grid_for
from boussole.web.procurement import services
from boussole.web.procurement.selectors import french_number, value_label
from tests.web.procurement_setup import Setup, make_setup

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"


@pytest.fixture
def setup(organisation: Any, make_user: Any) -> Setup:
    return make_setup(organisation, make_user)


def test_french_number() -> None:
    assert french_number(70e9) == f"70{NNBSP}000{NNBSP}000{NNBSP}000"
    assert french_number(8_000_000_000) == f"8{NNBSP}000{NNBSP}000{NNBSP}000"
    assert french_number(1.3) == "1,3"
    assert french_number(1250.5) == f"1{NNBSP}250,5"
    assert french_number(0.00025) == "0,00025"
    assert french_number(-3) == "-3"
    assert french_number(12) == "12"


def test_numbers_read_in_french_on_the_pages_and_in_the_form(setup: Setup, client: Any
                                                             ) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    params = next(q for q in vendor_questions(grid) if q.id == "nombre_parametres")
    assert value_label(params, 70e9) == f"70{NNBSP}000{NNBSP}000{NNBSP}000 paramètres"
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Dialogue")
    token = services.link_issue(bidder=bidder, user=setup.pilot)
    services.answers_save(bidder=bidder, raw={
        "nombre_parametres": services.RawAnswer(70e9, "Fiche du modèle."),
        "cpu_pue": services.RawAnswer(1.3, "Mesure annuelle de l'hébergeur.")})

    form = client.get(f"/offre/{token}/critere/{params.criterion}/").content.decode()
    assert f'value="70{NNBSP}000{NNBSP}000{NNBSP}000"' in form
    assert 'value="1,3"' in form
    assert "70000000000.0" not in form
    # What the form shows is read back as the same numbers.
    posted = {f"q-{q.id}": "" for q in vendor_questions(grid) if q.criterion == params.criterion
              and q.type not in ("single_choice", "multiple_choice", "yes_no")}
    posted.update({"q-nombre_parametres": f"70{NNBSP}000{NNBSP}000{NNBSP}000",
                   "j-nombre_parametres": "Fiche du modèle.", "q-cpu_pue": "1,3",
                   "j-cpu_pue": "Mesure annuelle de l'hébergeur."})
    response = client.post(f"/offre/{token}/critere/{params.criterion}/", posted)
    assert response.status_code == 302
    assert {a.question_id: a.value for a in bidder.answers.all()} == {
        "nombre_parametres": 70e9, "cpu_pue": 1.3}

    client.force_login(setup.pilot)
    base = f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}"
    for url in (f"{base}/comparaison/", f"{base}/soumissionnaires/{bidder.pk}/"):
        html = client.get(url, {"critere": "tous"}).content.decode()
        assert f"70{NNBSP}000{NNBSP}000{NNBSP}000 paramètres" in html, url
        assert "e+10" not in html and "70000000000" not in html, url


def test_comparison_export_names_the_grid_and_dates_in_french(setup: Setup, client: Any
                                                             ) -> None:
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Conversia")
    services.answers_save(bidder=bidder, raw={
        "nombre_parametres": services.RawAnswer(70e9, "Fiche du modèle.")})
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    client.force_login(setup.pilot)
    data = client.get(f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}"
                      "/comparaison/export.xlsx").content
    workbook = load_workbook(io.BytesIO(data))
    texts = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert f"Grille : {grid.title} (version {grid.version})" in texts
    dated = [t for t in texts if t.startswith("Établi le : ")]
    assert len(dated) == 1 and dated[0][12:14].isdigit() and dated[0][14] == "/"
    assert not any(setup.case.grid_id in t for t in texts)
    assert f"70{NNBSP}000{NNBSP}000{NNBSP}000 paramètres" in texts


def test_counts_read_without_broken_plurals(setup: Setup, client: Any) -> None:
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Dialogue")
    token = services.link_issue(bidder=bidder, user=setup.pilot)
    services.answers_save(bidder=bidder, raw={
        "analyse_risques_dict": services.RawAnswer("Analyse EBIOS RM.", "Annexe 3.")})
    overview = client.get(f"/offre/{token}/").content.decode()
    assert "questions répondues : 1 sur 1" in overview
    assert "1 réponses" not in overview
    client.force_login(setup.pilot)
    html = client.get(f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}"
                      "/comparaison/").content.decode()
    assert "complètes : 1, partielles : 0, non anticipées : 0 (sur 1)" in html
    assert "0 partielles" not in html


def test_a_tampered_annex_is_explained_in_whole_sentences(setup: Setup) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    workbook = load_workbook(io.BytesIO(vendor_pack.render(grid, {}, "xlsx")))
    sheet = workbook["Questionnaire"]
    sheet.cell(row=3, column=3).value = "Une autre question ?"
    sheet.cell(row=4, column=4).value = "Une autre aide."
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(InvalidDocument) as raised:
        services.annex_import(consultation=setup.consultation, user=setup.pilot,
                              bidder_name="Delta", data=out.getvalue(), filename="annexe.xlsx")
    report = raised.value.report()
    assert "le texte de la question a été modifié. L'annexe a été modifiée en dehors" in report
    assert "l'aide a été modifiée. L'annexe" in report
    assert "(e)" not in report


def test_empty_provisional_page_says_where_answers_come_from(setup: Setup, client: Any
                                                            ) -> None:
    client.force_login(setup.pilot)
    html = client.get(f"/cas/{setup.case.pk}/marche/a-confirmer/").content.decode()
    assert "Aucune réponse à confirmer." in html
    assert "quand une consultation est attribuée" in html
    assert f'href="/cas/{setup.case.pk}/marche/"' in html


def test_a_refused_link_tells_the_bidder_what_to_do(setup: Setup, client: Any) -> None:
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Dialogue Public")
    token = services.link_issue(bidder=bidder, user=setup.pilot)
    services.link_revoke(bidder=bidder, user=setup.pilot)
    pages = []
    for url in (f"/offre/{token}/", f"/offre/{token}/critere/1/", "/offre/inconnu/"):
        response = client.get(url)
        assert response.status_code == 404, url
        pages.append(response.content.decode())
    response = client.post(f"/offre/{token}/envoyer/")
    assert response.status_code == 404
    for html in pages:
        assert "demandez un nouveau lien à l'acheteur" in html
        assert "Dialogue Public" not in html and setup.consultation.title not in html
    # The same content whatever the reason: nothing is learnt from it.
    def main(html: str) -> str:
        return html[html.index("<main"):html.index("</main>")]

    assert main(pages[0]) == main(pages[1]) == main(pages[2])


def test_award_page_warns_before_and_gives_the_next_step_after(setup: Setup, client: Any
                                                               ) -> None:
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Conversia")
    services.answers_save(bidder=bidder, raw={
        "analyse_risques_dict": services.RawAnswer("Analyse EBIOS RM.", "Annexe 3.")})
    client.force_login(setup.pilot)
    base = f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}"
    before = client.get(f"{base}/attribution/").content.decode()
    assert "L'attribution est définitive" in before
    assert f'href="{base}/comparaison/"' in before
    services.award(consultation=setup.consultation, user=setup.pilot, bidder=bidder)
    after = client.get(f"{base}/attribution/").content.decode()
    assert "La consultation est attribuée à Conversia." in after
    assert f'href="/cas/{setup.case.pk}/marche/a-confirmer/"' in after


def test_computed_estimates_are_explained_to_the_bidder(setup: Setup, client: Any) -> None:
    grid = grid_for(setup.case.grid_id, setup.case.grid_version)
    computed = [q for q in vendor_questions(grid) if q.computed]
    assert computed and all(q.criterion == 5 for q in computed)
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Dialogue")
    token = services.link_issue(bidder=bidder, user=setup.pilot)
    html = client.get(f"/offre/{token}/critere/5/").content.decode()
    assert html.count("la collectivité calcule aussi cette estimation") == len(computed)
    other = client.get(f"/offre/{token}/critere/1/").content.decode()
    assert "calcule aussi cette estimation" not in other


def test_comparison_page_points_to_the_award(setup: Setup, client: Any) -> None:
    bidder = services.bidder_add(consultation=setup.consultation, user=setup.pilot,
                                 name="Conversia")
    services.answers_save(bidder=bidder, raw={
        "analyse_risques_dict": services.RawAnswer("Analyse EBIOS RM.", "Annexe 3.")})
    base = f"/cas/{setup.case.pk}/marche/{setup.consultation.pk}"
    client.force_login(setup.pilot)
    assert f'href="{base}/attribution/"' in client.get(f"{base}/comparaison/").content.decode()
    client.force_login(setup.lawyer)  # reads the comparison, does not award
    assert f'href="{base}/attribution/"' not in client.get(
        f"{base}/comparaison/").content.decode()
    services.award(consultation=setup.consultation, user=setup.pilot, bidder=bidder)
    client.force_login(setup.pilot)
    html = client.get(f"{base}/comparaison/").content.decode()
    assert f'href="{base}/attribution/"' not in html
    assert f'href="/cas/{setup.case.pk}/marche/a-confirmer/"' in html
