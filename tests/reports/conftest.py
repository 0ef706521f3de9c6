"""Fixtures and helpers for the memo renderers (pure Python: no Django, no database)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from boussole.reports import render_memo_html, render_memo_odt, render_memo_pdf
from tests.reports.memo_fixture import hostile_memo, sample_memo

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


@pytest.fixture
def memo() -> dict[str, Any]:
    return sample_memo()


@pytest.fixture
def hostile() -> dict[str, Any]:
    return hostile_memo()


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return render_memo_pdf(sample_memo())


@pytest.fixture(scope="session")
def sample_html() -> str:
    return render_memo_html(sample_memo())


@pytest.fixture(scope="session")
def sample_odt() -> bytes:
    return render_memo_odt(sample_memo())


def squash(text: str) -> str:
    """Collapse every run of white space (line ends, no-break spaces…) into one space."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The text of a PDF as poppler's ``pdftotext`` extracts it, white space squashed."""
    if not Path(PDFTOTEXT).exists():
        pytest.skip("pdftotext (paquet Debian poppler-utils) est absent")
    path = tmp_path / "memo.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60)
    return squash(out.stdout.decode("utf-8"))


def odt_xml(odt: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(odt)) as archive:
        return archive.read(name).decode("utf-8")


def parse_xml(text: str) -> ET.Element:
    """Parse XML that the renderers wrote (trusted: our own output, no entity declarations)."""
    return ET.fromstring(text)  # noqa: S314
