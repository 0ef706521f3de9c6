"""The tender annex page and download: for people who can see the case, in each format."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.utils.html import escape

from boussole.core.procurement.annex import read_annex
from boussole.core.procurement.maturity import LABELS
from boussole.core.procurement.pack import SHEET_QUESTIONS, vendor_questions
from boussole.web.cases import services
from boussole.web.cases.models import Case
from boussole.web.grids import grid_for
from boussole.web.procurement.models import Maturity

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(organisation: Any, make_user: Any) -> Case:
    lead = make_user("cheffe", organisation, "porteur")
    created: Case = services.case_create(organisation=organisation, user=lead,
                                         title="Assistant courrier", service="Courrier",
                                         purpose="Trier le courrier entrant.")
    return created


def test_page_lists_the_downloads(client: Any, case: Case) -> None:
    client.force_login(case.lead)
    response = client.get(f"/cas/{case.pk}/marche/annexe/")
    assert response.status_code == 200
    html = response.content.decode()
    grid = grid_for(case.grid_id, case.grid_version)
    assert f"reprend les {len(vendor_questions(grid))} questions de la grille" in html
    for fmt in ("ods", "xlsx", "odt"):
        assert f'href="/cas/{case.pk}/marche/annexe.{fmt}"' in html
    assert escape(grid.criterion(5).title) in html
    # The consultation page links to it.
    assert f'href="/cas/{case.pk}/marche/annexe/"' in client.get(
        f"/cas/{case.pk}/marche/").content.decode()


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("odt", "application/vnd.oasis.opendocument.text"),
])
def test_download_in_each_format(client: Any, case: Case, fmt: str, content_type: str) -> None:
    client.force_login(case.lead)
    response = client.get(f"/cas/{case.pk}/marche/annexe.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="annexe-fournisseur-{case.reference}.{fmt}"')
    grid = grid_for(case.grid_id, case.grid_version)
    # A blank annex of the case's grid version: accepted by the reader, with no answer.
    assert read_annex(response.content, f"annexe.{fmt}", grid) == {}


def test_the_xlsx_names_the_case(client: Any, case: Case) -> None:
    client.force_login(case.lead)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/cas/{case.pk}/marche/annexe.xlsx").content))
    text = " ".join(str(c.value) for c in workbook["Instructions"]["A"] if c.value)
    assert f"Dossier : {case.reference} — Assistant courrier" in text
    assert "Organisation : Ville de Test" in text
    grid = grid_for(case.grid_id, case.grid_version)
    assert workbook[SHEET_QUESTIONS].max_row == 1 + len(vendor_questions(grid))


def test_who_may_download(client: Any, case: Case, organisation: Any,
                          other_organisation: Any, make_user: Any) -> None:
    url = f"/cas/{case.pk}/marche/annexe.ods"
    assert client.get(url).status_code == 302  # login first
    client.force_login(make_user("autre", other_organisation, "admin"))
    assert client.get(url).status_code == 404
    assert client.get(f"/cas/{case.pk}/marche/annexe/").status_code == 404
    vendor = make_user("acme", organisation, "prestataire")
    Case.objects.filter(pk=case.pk).update(vendor_account=vendor)
    client.force_login(vendor)
    assert client.get(url).status_code == 200
    client.force_login(make_user("referente", organisation, "referent"))
    assert client.get(url).status_code == 200
    assert client.get(f"/cas/{case.pk}/marche/annexe.pdf").status_code == 404
    assert client.get(f"/cas/{case.pk + 1000}/marche/annexe.ods").status_code == 404


def test_case_page_links_to_the_annex(client: Any, case: Case) -> None:
    client.force_login(case.lead)
    html = client.get(f"/cas/{case.pk}/").content.decode()
    assert f'href="/cas/{case.pk}/marche/annexe/"' in html


def test_the_web_maturity_labels_are_the_core_ones() -> None:
    # The web shows the levels through its own translated choices: the same French words.
    assert {m.value: str(m.label) for m in Maturity} == dict(LABELS)
