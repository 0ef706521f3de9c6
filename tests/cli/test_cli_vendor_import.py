"""``boussole case vendor-import ID --bidder NAME FILE``: a filled annex imported into the
case's open consultation; a malformed or tampered one refused whole (exit 2, French message
saying where, nothing written)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from boussole.cli import procurement as cli
from boussole.cli.cases import _case_id
from boussole.reports import vendor_pack
from boussole.web.cases import services as case_services
from boussole.web.cases.models import AuditEvent
from boussole.web.grids import grid_for
from boussole.web.procurement import services
from boussole.web.procurement.models import Bidder, BidderAnswer

pytestmark = pytest.mark.django_db


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="boussole case")
    cli.add_vendor_import(parser.add_subparsers(dest="case_command", required=True), _case_id)
    return parser.parse_args(["vendor-import", *argv])


@pytest.fixture
def case(organisation: Any, make_user: Any) -> Any:
    lead = make_user("cheffe", organisation, "porteur")
    case = case_services.case_create(organisation=organisation, user=lead, title="Agent",
                                     service="Accueil", purpose="Répondre aux habitants.")
    return case


def annex(case: Any, tmp_path: Path, answers: dict[str, list[Any]] | None = None) -> Path:
    grid = grid_for(case.grid_id, case.grid_version)
    path = tmp_path / "annexe-alpha.xlsx"
    path.write_bytes(vendor_pack.render(grid, {"reference": case.reference}, "xlsx",
                                        answers=answers or {
                                            "materiel_ecolabellise": ["Oui", "Label TCO.", None],
                                            "nombre_parametres": [7e9, None, None]}))
    return path


def test_import_into_the_open_consultation(case: Any, tmp_path: Path, capsys: Any) -> None:
    path = annex(case, tmp_path)
    assert cli.cmd_vendor_import(parse(str(case.pk), str(path), "--bidder", "Alpha")) == 2
    assert "pas de consultation ouverte" in capsys.readouterr().err
    consultation = services.consultation_create(case=case, user=case.lead, title="Marché")
    assert cli.cmd_vendor_import(parse(str(case.pk), str(path), "--bidder", "Alpha")) == 0
    out = capsys.readouterr().out
    assert "2 réponses de « Alpha »" in out
    assert f"par {case.lead.get_full_name() or 'cheffe'} (compte « cheffe »)" in out
    bidder = Bidder.objects.get(consultation=consultation, name="Alpha")
    assert {a.question_id: a.value for a in bidder.answers.all()} == {
        "materiel_ecolabellise": "oui", "nombre_parametres": 7e9}
    event = AuditEvent.objects.get(case=case, action="procurement_annex_imported")
    assert event.actor == case.lead
    one = annex(case, tmp_path, {"materiel_ecolabellise": ["Oui", "Label TCO.", None]})
    assert cli.cmd_vendor_import(parse(str(case.pk), str(one), "--bidder", "Solo")) == 0
    assert "1 réponse de « Solo »" in capsys.readouterr().out


def test_a_tampered_annex_is_refused_whole(case: Any, tmp_path: Path, capsys: Any) -> None:
    services.consultation_create(case=case, user=case.lead, title="Marché")
    path = annex(case, tmp_path, {"nombre_parametres": ["sept milliards", None, None]})
    before = (Bidder.objects.count(), BidderAnswer.objects.count(), AuditEvent.objects.count())
    assert cli.cmd_vendor_import(parse(str(case.pk), str(path), "--bidder", "Beta")) == 2
    err = capsys.readouterr().err
    assert "annexe-alpha.xlsx" in err and "Aucune donnée n'a été importée" in err
    garbage = tmp_path / "faux.ods"
    garbage.write_bytes(b"ceci n'est pas un classeur")
    assert cli.cmd_vendor_import(parse(str(case.pk), str(garbage), "--bidder", "Beta")) == 2
    assert "faux.ods" in capsys.readouterr().err
    assert (Bidder.objects.count(), BidderAnswer.objects.count(),
            AuditEvent.objects.count()) == before


def test_unknown_case_and_user(case: Any, tmp_path: Path, capsys: Any) -> None:
    path = annex(case, tmp_path)
    assert cli.cmd_vendor_import(parse("999999", str(path), "--bidder", "Alpha")) == 2
    assert "introuvable" in capsys.readouterr().err
    services.consultation_create(case=case, user=case.lead, title="Marché")
    assert cli.cmd_vendor_import(parse(str(case.pk), str(path), "--bidder", "Alpha",
                                       "--user", "personne")) == 2
    assert "aucun compte actif" in capsys.readouterr().err


def test_an_unreadable_file_is_explained_in_french(case: Any, tmp_path: Path,
                                                   capsys: Any) -> None:
    services.consultation_create(case=case, user=case.lead, title="Marché")
    missing = tmp_path / "absente.xlsx"
    assert cli.cmd_vendor_import(parse(str(case.pk), str(missing), "--bidder", "Alpha")) == 2
    err = capsys.readouterr().err
    assert f"le fichier « {missing} » est introuvable" in err
    assert "No such file" not in err
    assert cli.cmd_vendor_import(parse(str(case.pk), str(tmp_path), "--bidder", "Alpha")) == 2
    assert "est un dossier, pas un fichier" in capsys.readouterr().err
    assert not Bidder.objects.filter(name="Alpha").exists()
