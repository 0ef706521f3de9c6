"""The vendor questions of a grid, the annex's fingerprint and instructions, and the safety of
the standard-library spreadsheet reader (size, zip bombs, XML declarations, repeated rows)."""

from __future__ import annotations

import io
import zipfile

import pytest

from boussole.core.grid import GridRegistry
from boussole.core.grid.loader import bundled_grid_dir, load_grid_text
from boussole.core.limits import MAX_ANNEX_BYTES, MAX_ANNEX_UNCOMPRESSED_BYTES
from boussole.core.procurement import pack
from boussole.core.procurement.sheets import MAX_ROWS, SheetError, read_tables

REGISTRY = GridRegistry()
GRID = REGISTRY.get("boussole-nantes", 2)


def _grid_text() -> str:
    return (bundled_grid_dir() / "boussole-nantes-v2.yaml").read_text(encoding="utf-8")


def test_vendor_questions_are_the_vendor_ones_in_grid_order() -> None:
    questions = pack.vendor_questions(GRID)
    assert [q.id for q in questions] == [q.id for q in GRID.questions if q.vendor]
    numbers = [q.number for q in questions]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    first = questions[0]
    assert (first.id, first.number, first.label, first.criterion) == (
        "donnees_non_discriminatoires", 1, "Q1", 1)
    assert first.criterion_title == GRID.criterion(1).title
    assert first.options == (("oui", "Oui"), ("non", "Non"))
    assert first.choices == ("Oui", "Non", "Je ne sais pas")


def test_choice_options_numbers_and_shared_titles() -> None:
    by_number = {q.number: q for q in pack.vendor_questions(GRID)}
    cloud = by_number[42]
    assert cloud.type == "single_choice"
    assert cloud.options[0] == ("local", "Serveurs de la collectivité")
    assert cloud.choices[-1] == "Je ne sais pas" and len(cloud.choices) == 7
    assert by_number[25].unit == "équipements" and by_number[25].choices == ()
    assert by_number[25].expected == "Nombre (en équipements), ou « Je ne sais pas »"
    # Several computed questions share a title: the section makes each one distinct.
    assert by_number[27].text.startswith("Fabrication des équipements — ")
    assert by_number[6].help  # help texts are kept


def test_fingerprint_is_stable_and_sensitive() -> None:
    fingerprint = pack.pack_fingerprint(GRID)
    assert len(fingerprint) == 64 and fingerprint == pack.pack_fingerprint(GRID)
    # Version 1 has the same vendor questions but another version: another fingerprint.
    assert pack.pack_fingerprint(REGISTRY.get("boussole-nantes", 1)) != fingerprint
    text = _grid_text()
    reworded = load_grid_text(text.replace("Nombre d'équipement utilisé",
                                           "Nombre d'équipements utilisés"))
    assert pack.pack_fingerprint(reworded) != fingerprint
    # A help text is not part of it (it does not change what is asked).
    helped = load_grid_text(text.replace(
        "L'utilisation d'équipements écolabellisés", "Le recours à des équipements écolabellisés"))
    assert pack.pack_fingerprint(helped) == fingerprint


def test_metadata_rows_and_instructions() -> None:
    rows = pack.metadata_rows(GRID)
    assert rows[:5] == [["format", pack.FORMAT_ID], ["grid_id", GRID.id],
                        ["grid_version", GRID.version],
                        ["fingerprint", pack.pack_fingerprint(GRID)], ["header_row", 1]]
    assert [r[1] for r in rows[5:]] == [q.id for q in pack.vendor_questions(GRID)]
    text = " ".join(pack.instructions_fr())
    for words in ("Réponse", "Justification", "Document joint", "Je ne sais pas",
                  "Metadonnees", "refusée en entier"):
        assert words in text


# --- The reader's safety ----------------------------------------------------------------------

def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
CONTENT = (b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
           b'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
           b'<office:spreadsheet>%s</office:spreadsheet></office:body>'
           b'</office:document-content>')


def _ods(tables: bytes) -> bytes:
    return _zip({"mimetype": ODS_MIME, "content.xml": CONTENT % tables})


def test_reader_reads_odf_cells_spaces_and_repeats() -> None:
    table = (b'<table:table table:name="T"><table:table-row>'
             b'<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2"/>b'
             b'</text:p><text:p>c<text:tab/>d<text:line-break/>e</text:p></table:table-cell>'
             b'<table:table-cell table:number-columns-repeated="2"/>'
             b'<table:table-cell office:value-type="float" office:value="2.5"><text:p>2,5'
             b'</text:p></table:table-cell></table:table-row>'
             b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
             b'table:number-columns-repeated="16384"/></table:table-row></table:table>')
    assert read_tables(_ods(table), "a.ods") == {"T": [["a  b\nc\td\ne", None, None, 2.5]]}


def test_reader_refuses_too_many_filled_rows() -> None:
    table = (b'<table:table table:name="T"><table:table-row table:number-rows-repeated="'
             + str(MAX_ROWS + 1).encode() + b'"><table:table-cell office:value-type="string">'
             b'<text:p>x</text:p></table:table-cell></table:table-row></table:table>')
    with pytest.raises(SheetError, match="plus de 5000 lignes remplies"):
        read_tables(_ods(table), "a.ods")


def test_reader_refuses_xml_declarations() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;">]><office:document-content xmlns:office="urn:oasis:'
            b'names:tc:opendocument:xmlns:office:1.0">&lol2;</office:document-content>')
    data = _zip({"mimetype": ODS_MIME, "content.xml": bomb})
    with pytest.raises(SheetError, match="DOCTYPE, ENTITY"):
        read_tables(data, "a.ods")


def test_reader_refuses_a_zip_bomb_before_decompressing() -> None:
    data = _zip({"mimetype": ODS_MIME,
                 "content.xml": b" " * (MAX_ANNEX_UNCOMPRESSED_BYTES + 1)})
    assert len(data) < MAX_ANNEX_BYTES
    with pytest.raises(SheetError, match="une fois décompressée, elle dépasserait 20 Mo"):
        read_tables(data, "a.ods")


def test_reader_stops_a_member_that_lies_about_its_size() -> None:
    data = bytearray(_zip({"mimetype": ODS_MIME, "content.xml": b" " * 30_000_000}))
    # Rewrite the declared uncompressed size (central directory) to 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    while central != -1:
        name_length = int.from_bytes(data[central + 28:central + 30], "little")
        name = bytes(data[central + 46:central + 46 + name_length])
        if name == b"content.xml":
            data[central + 24:central + 28] = (10).to_bytes(4, "little")
        central = data.rfind(b"PK\x01\x02", 0, central)
    # zipfile decompresses no more than the declared size, and the CRC then fails.
    with pytest.raises(SheetError, match=r"partie « content\.xml » illisible"):
        read_tables(bytes(data), "a.ods")


def test_reader_refuses_what_is_not_its_format() -> None:
    with pytest.raises(SheetError, match="trop volumineux"):
        read_tables(b"\0" * (MAX_ANNEX_BYTES + 1), "a.xlsx")
    with pytest.raises(SheetError, match="n'est pas un fichier ODS lisible"):
        read_tables(b"PK\x03\x04 broken", "a.ods")
    with pytest.raises(SheetError, match="n'est pas un document ODS"):
        read_tables(_zip({"mimetype": b"application/zip", "content.xml": b"<a/>"}), "a.ods")
    with pytest.raises(SheetError, match="XML invalide"):
        read_tables(_zip({"mimetype": ODS_MIME, "content.xml": b"<a>"}), "a.ods")
    with pytest.raises(SheetError, match="format de fichier non reconnu"):
        read_tables(b"", "annexe")


def test_reader_reads_xlsx_shared_inline_and_numbers() -> None:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook = (f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" '
                f'r:id="rId1"/></sheets></workbook>').encode()
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="x" Target="worksheets/s.xml"/>'
            b'</Relationships>')
    shared = (f'<sst xmlns="{main}"><si><t>un</t></si><si><r><t>de</t></r><r><t>ux_x000D_</t></r>'
              f'</si></sst>').encode()
    sheet = (f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="s"><v>1</v></c>'
             f'<c r="C1"><v>3.5</v></c></row><row r="3"><c r="B3" t="inlineStr"><is><t>trois'
             f'</t></is></c><c r="D3" t="b"><v>1</v></c></row></sheetData></worksheet>'
             ).encode()
    data = _zip({"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels,
                 "xl/sharedStrings.xml": shared, "xl/worksheets/s.xml": sheet})
    assert read_tables(data, "a.xlsx") == {"S": [["deux\r", None, 3.5], [],
                                                 [None, "trois", None, True]]}
