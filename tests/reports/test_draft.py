"""The preview of a memo before its case is frozen (``"draft": true``): every page of every
format says « Projet — version non figée »; a memo without it carries no such mark."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from boussole.reports import (
    MemoError,
    build_document,
    render_memo_html,
    render_memo_odt,
    render_memo_pdf,
)
from boussole.reports.content import DRAFT_MARK, Paragraph
from tests.reports.conftest import PDFTOTEXT, odt_xml, squash

MARK = "Projet — version non figée"


@pytest.fixture
def draft(memo: dict[str, Any]) -> dict[str, Any]:
    return {**memo, "draft": True}


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page of the PDF (pypdf counts them, pdftotext reads each one)."""
    if not Path(PDFTOTEXT).exists():
        pytest.fail("pdftotext is missing: run scripts/test, which installs poppler-utils")
    path = tmp_path / "memo.pdf"
    path.write_bytes(pdf)
    pages = []
    for number in range(1, len(PdfReader(io.BytesIO(pdf)).pages) + 1):
        out = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", "-f", str(number), "-l", str(number),
                              str(path), "-"], check=True, capture_output=True, timeout=60)
        pages.append(squash(out.stdout.decode("utf-8")))
    return pages


def test_the_mark_is_the_documented_one() -> None:
    assert DRAFT_MARK == MARK


def test_draft_pdf_says_so_on_every_page(draft: dict[str, Any], tmp_path: Path) -> None:
    pdf = render_memo_pdf(draft)
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) >= 3, "the sample memo must span several pages for this test to mean much"
    for number, text in enumerate(pages, start=1):
        assert MARK in text, f"page {number} lacks the draft mark"
    # The banner at the top of the first page explains it, in the tagged text.
    assert "Aperçu de la note avant la transmission aux élus" in pages[0]
    assert PdfReader(io.BytesIO(pdf)).metadata.title.startswith("Projet — ")


def test_frozen_pdf_has_no_draft_mark(sample_pdf: bytes, tmp_path: Path) -> None:
    pages = pdf_pages(sample_pdf, tmp_path)
    assert len(pages) >= 3
    assert not [n for n, text in enumerate(pages, start=1) if "non figée" in text]


def test_draft_odt_has_a_banner_and_a_header_on_every_page(draft: dict[str, Any]) -> None:
    odt = render_memo_odt(draft)
    styles = odt_xml(odt, "styles.xml")
    header = re.search(r"<style:header>(.*?)</style:header>", styles)
    assert header is not None and MARK in header.group(1)  # the page header: every page
    assert "<style:header-style>" in styles
    content = odt_xml(odt, "content.xml")
    body = content[content.index("<office:text>"):]
    first = re.search(r'<text:p text:style-name="([^"]+)">(.*?)</text:p>', body)
    assert first is not None and first.group(1) == "Draft" and MARK in first.group(2)
    assert 'style:name="Draft"' in styles  # the banner's style is defined


def test_frozen_odt_has_no_draft_mark(sample_odt: bytes) -> None:
    for name in ("styles.xml", "content.xml", "meta.xml"):
        assert "non figée" not in odt_xml(sample_odt, name)
    assert "<style:header>" not in odt_xml(sample_odt, "styles.xml")


def test_draft_html_has_a_banner_before_everything(draft: dict[str, Any]) -> None:
    html = render_memo_html(draft)
    body = html[html.index("<body>"):]
    banner = re.search(r'<p role="note" class="draft">(.*?)</p>', body)
    assert banner is not None and MARK in squash(banner.group(1))
    assert body.index('class="draft"') < body.index("<header>") < body.index("<h1")
    assert re.search(r"<title>Projet — ", html)
    assert ".draft {" in html and "position: sticky" in html  # stays in view when scrolling


def test_frozen_html_has_no_draft_mark(sample_html: str) -> None:
    assert "non figée" not in sample_html and 'class="draft"' not in sample_html


def test_a_draft_has_no_version_number(draft: dict[str, Any]) -> None:
    """A preview is no version: a version number given by mistake is not shown."""
    draft["version"] = {"number": 7, "frozen_at": "2026-11-18T16:05:00+01:00",
                        "frozen_by": "Nadia Benali"}
    doc = build_document(draft)
    assert doc.draft == MARK
    text = " ".join(getattr(block, "text", "") for block in doc.blocks)
    assert "version 7" not in text and "version 7" not in doc.footer
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].style == "draft"
    assert build_document({**draft, "draft": False}).draft is None


@pytest.mark.parametrize("value", ["oui", 1, [], {"a": 1}])
def test_draft_must_be_true_or_false(memo: dict[str, Any], value: object) -> None:
    with pytest.raises(MemoError, match=r"memo\.draft : vrai ou faux est attendu"):
        build_document({**memo, "draft": value})
