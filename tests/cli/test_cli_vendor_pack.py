"""``boussole case vendor-pack ID --format odt|ods|xlsx``: the tender annex of a case, on standard
output or in a file; an unknown case refused (exit 2, French message)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from boussole.cli import main
from boussole.core.procurement.annex import read_annex
from boussole.core.procurement.pack import SHEET_QUESTIONS, vendor_questions
from boussole.web.cases import services
from boussole.web.grids import grid_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(organisation: Any, make_user: Any) -> Any:
    lead = make_user("cheffe", organisation, "porteur")
    return services.case_create(organisation=organisation, user=lead, title="Assistant courrier",
                                service="Courrier", purpose="Trier le courrier entrant.")


@pytest.mark.parametrize("fmt", ["odt", "ods", "xlsx"])
def test_annex_on_standard_output(case: Any, fmt: str, capsysbinary: Any) -> None:
    assert main(["case", "vendor-pack", str(case.pk), "--format", fmt]) == 0
    data = capsysbinary.readouterr().out
    grid = grid_for(case.grid_id, case.grid_version)
    assert data[:2] == b"PK"
    assert read_annex(data, f"annexe.{fmt}", grid) == {}
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data))[SHEET_QUESTIONS]
        numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert numbers == [f"Q{q.number}" for q in vendor_questions(grid)]


def test_annex_in_a_file(case: Any, tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "annexe.ods"
    assert main(["case", "vendor-pack", str(case.pk), "--format", "ods", "-o",
                 str(target)]) == 0
    assert f"Annexe annexe-fournisseur-{case.reference}.ods écrite dans {target}." in (
        capsys.readouterr().err)
    grid = grid_for(case.grid_id, case.grid_version)
    assert read_annex(target.read_bytes(), "annexe.ods", grid) == {}


def test_unknown_case_and_unwritable_file(case: Any, tmp_path: Path, capsys: Any) -> None:
    assert main(["case", "vendor-pack", str(case.pk + 100)]) == 2
    assert f"Erreur : dossier n° {case.pk + 100} introuvable." in capsys.readouterr().err
    target = tmp_path / "absent" / "annexe.ods"
    assert main(["case", "vendor-pack", str(case.pk), "-o", str(target)]) == 2
    assert "écriture impossible" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["case", "vendor-pack", str(case.pk), "--format", "pdf"])
    assert exit_info.value.code == 2
    assert "pdf" in capsys.readouterr().err
