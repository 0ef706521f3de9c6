"""The decision memo of a frozen demo version, downloaded as a user would, opened as files."""

from __future__ import annotations

import io
import re
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


# --- preview of the memo of a case not yet frozen ("Projet — version non figée")

DRAFT_MARK = "Projet — version non figée"


def _rows() -> dict[str, int]:
    """Row counts of every table the application writes (sessions aside)."""
    from django.apps import apps

    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label != "sessions"}


def _pdf_pages(content: bytes, tmp_path: Path) -> list[str]:
    """The text of each page: pypdf counts the pages, pdftotext reads each one."""
    from pypdf import PdfReader

    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: run scripts/test, which installs poppler-utils"
    path = tmp_path / "projet.pdf"
    path.write_bytes(content)
    pages = []
    for number in range(1, len(PdfReader(io.BytesIO(content)).pages) + 1):
        text = subprocess.run([pdftotext, "-f", str(number), "-l", str(number), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        pages.append(" ".join(text.split()))
    return pages


@pytest.fixture
def draft(client: Any) -> tuple[Case, dict[str, User]]:
    """The demo's chatbot, in instruction (never frozen), and the demo's people."""
    demo.create_demo()
    case = Case.objects.get(title=demo.CHATBOT.title)
    assert not FileVersion.objects.filter(case=case).exists()
    people = {u.username: u for u in User.objects.filter(organisation__slug=demo.DEMO_SLUG)}
    return case, people


def test_path_page_links_the_preview_until_the_case_is_frozen(
        client: Any, draft: tuple[Case, dict[str, User]]) -> None:
    case, people = draft
    client.force_login(people["porteur"])
    html = client.get(f"/cas/{case.pk}/parcours/").content.decode()
    assert "Aperçu de la note (projet)" in html
    for fmt in ("pdf", "odt", "html"):
        assert f'href="/cas/{case.pk}/note-projet.{fmt}"' in html
    frozen = Case.objects.get(title=demo.INVENTAIRE.title)
    html = client.get(f"/cas/{frozen.pk}/parcours/").content.decode()
    assert "Aperçu de la note (projet)" not in html and "note-projet" not in html


def test_preview_pdf_is_marked_on_every_page_and_writes_nothing(
        client: Any, draft: tuple[Case, dict[str, User]], tmp_path: Path) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case, people = draft
    client.force_login(people["numerique"])
    rows = _rows()
    case_row = Case.objects.filter(pk=case.pk).values().get()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cas/{case.pk}/note-projet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="note-{case.reference}-projet.pdf"' in response["Content-Disposition"]
    pages = _pdf_pages(response.content, tmp_path)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert DRAFT_MARK in text, f"page {number} of {len(pages)} lacks the draft mark"
    assert case.title in pages[0] and case.reference in pages[0]
    # Nothing frozen, nothing written: no write statement (but the session's sliding expiry,
    # saved on every request), same rows, same case row.
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
              and '"django_session"' not in q["sql"]]
    assert writes == []
    assert _rows() == rows
    assert Case.objects.filter(pk=case.pk).values().get() == case_row
    assert not FileVersion.objects.filter(case=case).exists()


def test_preview_odt_and_html_carry_the_banner(client: Any,
                                               draft: tuple[Case, dict[str, User]]) -> None:
    case, people = draft
    client.force_login(people["elu-rh"])
    odt = client.get(f"/cas/{case.pk}/note-projet.odt")
    assert odt.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(odt.content))
    content = archive.read("content.xml").decode("utf-8")
    assert DRAFT_MARK in content and case.title in content
    styles = archive.read("styles.xml").decode("utf-8")
    assert "<style:header>" in styles and DRAFT_MARK in styles  # page header: every page
    response = client.get(f"/cas/{case.pk}/note-projet.html")
    assert response.status_code == 200
    assert "style-src 'sha256-" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert '<p role="note" class="draft">' in html and DRAFT_MARK in html
    assert client.get(f"/cas/{case.pk}/note-projet.docx").status_code == 404


def test_preview_is_for_the_organisation_only(client: Any, draft: tuple[Case, dict[str, User]],
                                              other_organisation: Any, make_user: Any) -> None:
    case, people = draft
    case.vendor_account = people["prestataire"]
    case.save(update_fields=["vendor_account"])
    client.force_login(people["prestataire"])
    assert client.get(f"/cas/{case.pk}/note-projet.pdf").status_code == 403
    assert client.get(f"/cas/{case.pk}/note-projet.html").status_code == 403
    client.force_login(make_user("y", other_organisation, role="referent"))
    assert client.get(f"/cas/{case.pk}/note-projet.pdf").status_code == 404


def test_no_preview_once_frozen_and_the_frozen_memo_has_no_mark(
        client: Any, frozen: tuple[Case, FileVersion]) -> None:
    case, _version = frozen  # in "decision": frozen when it was sent to the elected officials
    response = client.get(f"/cas/{case.pk}/note-projet.pdf")
    assert response.status_code == 302 and response["Location"] == f"/cas/{case.pk}/parcours/"
    page = client.get(response["Location"]).content.decode()
    assert "Le dossier est figé depuis sa transmission aux élus" in page
    html = client.get(f"/cas/{case.pk}/versions/1/note.html").content.decode()
    assert "non figée" not in html and 'class="draft"' not in html
    odt = zipfile.ZipFile(io.BytesIO(client.get(f"/cas/{case.pk}/versions/1/note.odt").content))
    assert "non figée" not in odt.read("content.xml").decode("utf-8")
    assert "<style:header>" not in odt.read("styles.xml").decode("utf-8")


def test_preview_then_freeze_the_version_memo_is_unmarked(
        client: Any, draft: tuple[Case, dict[str, User]]) -> None:
    """The preview shows the document that freezing records; the frozen memo has no mark."""
    from boussole.web.decisions.services import freeze

    case, people = draft
    client.force_login(people["numerique"])
    preview = client.get(f"/cas/{case.pk}/note-projet.html").content.decode()
    version = freeze(case, people["numerique"])
    frozen = client.get(f"/cas/{case.pk}/versions/{version.number}/note.html").content.decode()
    assert DRAFT_MARK in preview and "non figée" not in frozen
    # Same sections, in the same order, from the same document.
    headings = re.compile(r"<h[23] id=\"[^\"]+\">(.*?)</h[23]>")
    assert headings.findall(preview) == headings.findall(frozen)
    tables = re.compile(r"<table>.*?</table>", re.S)
    assert tables.findall(preview) == tables.findall(frozen)


def test_preview_reads_only_what_the_memo_shows(draft: tuple[Case, dict[str, User]]) -> None:
    """The preview reads only the sections of the file document that the memo reads: its memo
    is the one built from the whole document that freezing would record."""
    import json

    from boussole.web.decisions import memo
    from boussole.web.decisions.services import file_document

    case, _people = draft
    case = Case.objects.select_related(*memo.preview_related()).get(pk=case.pk)
    whole = json.loads(json.dumps(file_document(case), sort_keys=True, ensure_ascii=False,
                                  default=str))
    assert {"comments", "audit", "measures"} <= whole.keys()
    expected = memo._memo_data(case, whole, version=None, decisions=())
    preview = memo.preview_data(case)
    assert preview.pop("draft") is True
    for data in (preview, expected):
        data.pop("generated_at")
    assert preview == expected
    assert any(c["key_answers"] for c in preview["criteria"])
    assert any(c["opinion"] for c in preview["criteria"]) and preview["legal"]["flags"]
