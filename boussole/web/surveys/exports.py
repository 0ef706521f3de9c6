"""The cross-case view as CSV and ODS (an OpenDocument spreadsheet written by hand with
``zipfile``, like the memo's ODT: the project has no ODF library). Codes, not labels; a group
under the anonymity threshold gives a row with no figure at all (not even its count)."""

from __future__ import annotations

import csv
import io
import zipfile
from xml.sax.saxutils import escape

from boussole.web.surveys.selectors import Group

HEADER = ["regroupement", "etape", "direction", "question", "reponses", "moyenne",
          "n1", "n2", "n3", "n4", "n5", "statut"]


def rows(groups: list[Group]) -> list[list[str | int | float]]:
    out: list[list[str | int | float]] = [list(HEADER)]
    for group in groups:
        for row in group.rows:
            result = row.result
            if result is None or result.mean is None:
                out.append([group.by, group.stage, group.direction, row.question.id,
                            "", "", "", "", "", "", "", "sous_le_seuil"])
            else:
                out.append([group.by, group.stage, group.direction, row.question.id,
                            result.count, result.mean, *result.counts, "ok"])
    return out


def to_csv(groups: list[Group]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows(groups))
    return buffer.getvalue()


_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
             'manifest:1.0" manifest:version="1.3">'
             '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" '
             'manifest:media-type="text/xml"/>'
             "</manifest:manifest>")


def _cell(value: str | int | float) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")


def to_ods(groups: list[Group]) -> bytes:
    body = "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
                   for row in rows(groups))
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.3"><office:body><office:spreadsheet>'
               f'<table:table table:name="Enquetes">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype comes first and uncompressed (OpenDocument packaging).
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
