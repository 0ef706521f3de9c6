"""Evidence files: the content must match the extension (``boussole.core.evidence``)."""

from __future__ import annotations

import pytest

from boussole.core.evidence import content_matches


@pytest.mark.parametrize(("head", "extension"), [
    (b"%PDF-1.7\n", ".pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", ".png"),
    (b"\xff\xd8\xff\xe0", ".jpg"),
    (b"PK\x03\x04rest", ".odt"),
    (b"PK\x03\x04rest", ".docx"),
    ("Analyse d'impact : résumé.".encode(), ".txt"),
    # A text file's first 2 KiB may end in the middle of a character: still text.
    ("é".encode()[:1], ".txt"),
    (("a" * 2047 + "é").encode()[:2048], ".csv"),
])
def test_matching_content_is_accepted(head: bytes, extension: str) -> None:
    assert content_matches(head, extension)


@pytest.mark.parametrize(("head", "extension"), [
    (b"PK\x03\x04", ".pdf"),              # an archive renamed .pdf
    (b"%PDF-1.7", ".png"),
    (b"\x89PNG\r\n\x1a\n", ".txt"),       # binary content as text
    (b"texte\x00cache", ".txt"),          # a NUL byte is not text
    (b"\xff\xfe\x00a", ".csv"),           # not UTF-8
])
def test_mismatching_content_is_refused(head: bytes, extension: str) -> None:
    assert not content_matches(head, extension)
