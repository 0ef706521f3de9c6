"""In a real headless Chromium: from the case page, the lead reaches the tender annex page with
the keyboard and downloads the ODS annex; axe-core finds no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from boussole.core.procurement.annex import read_annex
from boussole.web.cases import services
from boussole.web.grids import grid_for
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_annex_page(page: Any, organisation: Any, make_user: Any, tmp_path: Path) -> None:
    lead = make_user("cheffe", organisation, "porteur")
    case = services.case_create(organisation=organisation, user=lead, title="Assistant courrier",
                                service="Courrier", purpose="Trier le courrier entrant.")
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill("cheffe")
    page.get_by_label("Mot de passe").fill("mot-de-passe-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/cas/{case.pk}/")
    link = page.get_by_role("link", name="Questions au prestataire, à joindre au dossier de "
                                         "consultation (ODS, XLSX, ODT)")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Annexe fournisseur du dossier de consultation")
    expect(page.get_by_role("table", name="Questions fournisseur par critère")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Annexe à remplir, tableur OpenDocument (ODS)").click()
    download = download_info.value
    assert download.suggested_filename == f"annexe-fournisseur-{case.reference}.ods"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    grid = grid_for(case.grid_id, case.grid_version)
    assert read_annex(target.read_bytes(), target.name, grid) == {}
