"""Evidence files: a cheap check that a file's content matches its extension."""

from __future__ import annotations

import codecs

#: The first bytes of each binary format accepted as evidence.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".odt": (b"PK\x03\x04",), ".ods": (b"PK\x03\x04",), ".odp": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",),
}


def content_matches(head: bytes, extension: str) -> bool:
    """Does a file whose first bytes are ``head`` (2 KiB suffice) match its ``extension``
    (lower case, with its dot)? Binary formats by their magic bytes; any other extension is a
    text format: UTF-8 without a NUL byte (a character cut at the end of ``head`` is not an
    error)."""
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head
