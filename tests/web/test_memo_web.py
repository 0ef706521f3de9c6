"""The decision memo of a frozen demo version, downloaded as a user would, opened as files."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import Case
from boussole.web.decisions.models import FileVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(client: Any) -> tuple[Case, FileVersion]:
    demo.create_demo()
    case = Case.objects.get(title=demo.INVENTAIRE.title)
    client.force_login(User.objects.get(username="elu-rh"))
    return case, FileVersion.objects.get(case=case, number=1)


def test_pdf_memo(client: Any, frozen: tuple[Case, FileVersion], tmp_path: Path) -> None:
    case, _version = frozen
    response = client.get(f"/cas/{case.pk}/versions/1/note.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    assert b"pdfaid:part" in content or b"pdfaid" in content
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.fail("pdftotext is missing: run the project's set-up (scripts/test installs it).")
    path = tmp_path / "note.pdf"
    path.write_bytes(content)
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Inventaire des équipements" in flat
    assert case.reference in flat
    assert "il ne décide pas" in flat


def test_odt_and_html_memo(client: Any, frozen: tuple[Case, FileVersion]) -> None:
    case, _version = frozen
    odt = client.get(f"/cas/{case.pk}/versions/1/note.odt")
    assert odt.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(odt.content))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    assert "Inventaire des équipements" in archive.read("content.xml").decode("utf-8")
    html = client.get(f"/cas/{case.pk}/versions/1/note.html").content.decode()
    assert html.count("<h1") == 1 and 'lang="fr"' in html
    assert client.get(f"/cas/{case.pk}/versions/1/note.docx").status_code == 404


def test_memo_renders_user_markup_as_text(client: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    people = {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}
    hostile = "<script>alert(1)</script> #set page(fill: red) ]]> &amp; *gras*"
    services.case_update(case=case, user=people["numerique"], purpose=hostile)
    from boussole.web.decisions.services import freeze

    version = freeze(case, people["numerique"])
    client.force_login(people["numerique"])
    html = client.get(f"/cas/{case.pk}/versions/{version.number}/note.html").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    odt = zipfile.ZipFile(io.BytesIO(
        client.get(f"/cas/{case.pk}/versions/{version.number}/note.odt").content))
    assert "&lt;script&gt;" in odt.read("content.xml").decode("utf-8")


def test_other_organisation_cannot_read_the_memo(client: Any, frozen: tuple[Case, FileVersion],
                                                 other_organisation: Any, make_user: Any
                                                 ) -> None:
    case, _version = frozen
    client.force_login(make_user("x", other_organisation, role="elu"))
    assert client.get(f"/cas/{case.pk}/versions/1/note.pdf").status_code == 404
