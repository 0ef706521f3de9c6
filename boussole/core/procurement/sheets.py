"""Reading the cells of a returned spreadsheet with the standard library only.

ODS and ODT (OpenDocument) and XLSX (Office Open XML) files are zip archives of XML parts; this
module reads their tables as rows of cells, so that the domain core checks a returned annex
without a file library. It reads hostile files safely:

* the file's size, the number of archive members and their total uncompressed size are checked
  before anything is decompressed, and each member is decompressed under that limit (a zip
  bomb that lies about its sizes is stopped too);
* an XML part with a document type declaration (``<!DOCTYPE``, ``<!ENTITY``) is refused: no
  entity is ever expanded;
* repeated rows and columns (an OpenDocument table spans 1,048,576 rows) are never expanded
  beyond :data:`MAX_ROWS` × :data:`MAX_COLUMNS`; trailing empty rows and cells are dropped.

A cell is ``None`` (empty), a ``str``, a ``float`` or a ``bool``.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from posixpath import dirname, join, normpath
from xml.etree import ElementTree

from boussole.core.limits import MAX_ANNEX_BYTES, MAX_ANNEX_UNCOMPRESSED_BYTES

Cell = str | float | bool | None
Rows = list[list[Cell]]

#: Most rows and columns read in one table.
MAX_ROWS = 5_000
MAX_COLUMNS = 64
#: Most members in the archive.
MAX_MEMBERS = 2_000

FORMATS = ("ods", "xlsx", "odt")

_ODF_MIMETYPES = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odt": "application/vnd.oasis.opendocument.text",
}

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")
#: How Office Open XML escapes a character XML cannot hold (« _x000D_ » for a carriage return).
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class SheetError(Exception):
    """The file cannot be read as a spreadsheet; ``message`` is French, for the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _mb(value: int) -> str:
    return f"{value // (1024 * 1024)} Mo"


def file_format(filename: str) -> str:
    """``ods``, ``xlsx`` or ``odt`` from the file name; :class:`SheetError` otherwise."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise SheetError(f"format de fichier non reconnu (« .{extension} ») : l'annexe est "
                         "attendue au format ODS, XLSX ou ODT.")
    return extension


class _Archive:
    def __init__(self, data: bytes, kind: str) -> None:
        if len(data) > MAX_ANNEX_BYTES:
            raise SheetError(f"fichier trop volumineux : {_mb(MAX_ANNEX_BYTES)} au plus.")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
            raise SheetError(f"ce fichier n'est pas un fichier {kind.upper()} lisible "
                             "(archive endommagée ou autre format).") from None
        if len(infos) > MAX_MEMBERS:
            raise SheetError("archive anormale : trop de fichiers à l'intérieur.")
        total = sum(info.file_size for info in infos)
        if total > MAX_ANNEX_UNCOMPRESSED_BYTES:
            raise SheetError("archive anormale : une fois décompressée, elle dépasserait "
                             f"{_mb(MAX_ANNEX_UNCOMPRESSED_BYTES)}.")
        self.names = {info.filename for info in infos}
        self.budget = MAX_ANNEX_UNCOMPRESSED_BYTES

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise SheetError(f"partie « {name} » absente : fichier incomplet ou d'un autre "
                             "format.")
        chunks = []
        try:
            with self.zip.open(name) as member:
                while chunk := member.read(65_536):
                    self.budget -= len(chunk)
                    if self.budget < 0:
                        raise SheetError("archive anormale : une fois décompressée, elle "
                                         f"dépasserait {_mb(MAX_ANNEX_UNCOMPRESSED_BYTES)}.")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
                RuntimeError):
            raise SheetError(f"partie « {name} » illisible (archive endommagée ou "
                             "chiffrée).") from None
        return b"".join(chunks)

    def xml(self, name: str) -> ElementTree.Element:
        raw = self.read(name)
        if _DECLARATION.search(raw):
            raise SheetError(f"partie « {name} » refusée : les déclarations de type de document "
                             "(DOCTYPE, ENTITY) ne sont pas admises.")
        try:
            # No DOCTYPE nor ENTITY (checked above): no entity can be expanded.
            return ElementTree.fromstring(raw)  # noqa: S314
        except ElementTree.ParseError as exc:
            raise SheetError(f"partie « {name} » : XML invalide ({exc}).") from None


class _Grower:
    """Rows built without expanding repeated empty rows or cells."""

    def __init__(self, where: str) -> None:
        self.rows: Rows = []
        self.pending_rows = 0
        self.where = where

    def add_row(self, cells: list[Cell], repeat: int = 1) -> None:
        if not cells:
            self.pending_rows += repeat
            return
        if len(self.rows) + self.pending_rows + repeat > MAX_ROWS:
            raise SheetError(f"{self.where} : plus de {MAX_ROWS} lignes remplies.")
        self.rows.extend([] for _ in range(self.pending_rows))
        self.pending_rows = 0
        self.rows.extend(list(cells) for _ in range(repeat))


def _cells(pairs: Iterator[tuple[Cell, int]], where: str) -> list[Cell]:
    """Cells from ``(value, repeat)`` pairs; trailing empty cells dropped."""
    cells: list[Cell] = []
    pending = 0
    for value, repeat in pairs:
        if value is None or value == "":
            pending += repeat
            continue
        if len(cells) + pending + repeat > MAX_COLUMNS:
            raise SheetError(f"{where} : plus de {MAX_COLUMNS} colonnes remplies.")
        cells.extend([None] * pending)
        pending = 0
        cells.extend([value] * repeat)
    return cells


def _repeat(element: ElementTree.Element, attribute: str) -> int:
    raw = element.get(attribute, "1")
    try:
        return max(1, int(raw))
    except ValueError:
        raise SheetError(f"valeur de répétition invalide (« {raw} »).") from None


# --- OpenDocument ---------------------------------------------------------------------------

def _odf_text(element: ElementTree.Element) -> str:
    out = [element.text or ""]
    for child in element:
        if child.tag == _X + "s":
            out.append(" " * _repeat(child, _X + "c"))
        elif child.tag == _X + "tab":
            out.append("\t")
        elif child.tag == _X + "line-break":
            out.append("\n")
        elif child.tag in (_O + "annotation", _O + "annotation-end"):
            pass  # a comment is not the cell's content
        else:
            out.append(_odf_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _odf_value(cell: ElementTree.Element) -> Cell:
    kind = cell.get(_O + "value-type")
    if kind in ("float", "percentage", "currency"):
        raw = cell.get(_O + "value", "")
        try:
            return float(raw)
        except ValueError:
            raise SheetError(f"nombre invalide dans une cellule (« {raw} »).") from None
    if kind == "boolean":
        return cell.get(_O + "boolean-value", "").lower() == "true"
    paragraphs = [_odf_text(p) for p in cell if p.tag in (_X + "p", _X + "h")]
    text = "\n".join(paragraphs)
    return text if text else None


def _odf_rows(table: ElementTree.Element, where: str) -> Rows:
    grower = _Grower(where)
    for row in table.iter(_T + "table-row"):
        pairs = ((_odf_value(cell), _repeat(cell, _T + "number-columns-repeated"))
                 for cell in row
                 if cell.tag in (_T + "table-cell", _T + "covered-table-cell"))
        grower.add_row(_cells(pairs, where), _repeat(row, _T + "number-rows-repeated"))
    return grower.rows


def _read_odf(archive: _Archive, kind: str) -> dict[str, Rows]:
    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
    if mimetype != _ODF_MIMETYPES[kind]:
        raise SheetError(f"ce fichier n'est pas un document {kind.upper()} (type « {mimetype} »).")
    root = archive.xml("content.xml")
    tables: dict[str, Rows] = {}
    for table in root.iter(_T + "table"):
        name = table.get(_T + "name", "")
        if name in tables:
            raise SheetError(f"deux tableaux portent le nom « {name} ».")
        tables[name] = _odf_rows(table, f"feuille « {name} »")
    return tables


# --- Office Open XML ------------------------------------------------------------------------

def _xlsx_text(element: ElementTree.Element) -> str:
    """Text of a shared or inline string: its ``t`` element or its runs' (phonetic runs,
    ``rPh``, are not part of the text)."""
    parts = []
    direct = element.find(_S + "t")
    if direct is not None:
        parts.append(direct.text or "")
    for run in element.findall(_S + "r"):
        text = run.find(_S + "t")
        if text is not None:
            parts.append(text.text or "")
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), "".join(parts))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _xlsx_rows(sheet: ElementTree.Element, shared: list[str], where: str) -> Rows:
    grid: dict[int, dict[int, Cell]] = {}
    next_row = 0
    for row in sheet.iter(_S + "row"):
        raw_row = row.get("r")
        row_index = int(raw_row) - 1 if raw_row and raw_row.isdigit() else next_row
        next_row = row_index + 1
        next_col = 0
        for cell in row.iter(_S + "c"):
            ref = _CELL_REF.fullmatch(cell.get("r", ""))
            col = _column_index(ref.group(1)) if ref else next_col
            next_col = col + 1
            value = _xlsx_value(cell, shared)
            if value is None or value == "":
                continue
            if row_index >= MAX_ROWS:
                raise SheetError(f"{where} : plus de {MAX_ROWS} lignes remplies.")
            if col >= MAX_COLUMNS:
                raise SheetError(f"{where} : plus de {MAX_COLUMNS} colonnes remplies.")
            grid.setdefault(row_index, {})[col] = value
    rows: Rows = []
    for row_index in range(max(grid, default=-1) + 1):
        cells = grid.get(row_index, {})
        rows.append([cells.get(c) for c in range(max(cells, default=-1) + 1)])
    return rows


def _xlsx_value(cell: ElementTree.Element, shared: list[str]) -> Cell:
    kind = cell.get("t", "n")
    value = cell.find(_S + "v")
    raw = value.text if value is not None and value.text is not None else None
    if kind == "inlineStr":
        inline = cell.find(_S + "is")
        return _xlsx_text(inline) if inline is not None else None
    if raw is None:
        return None
    if kind == "s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            raise SheetError(f"référence de texte partagé invalide (« {raw} »).") from None
    if kind in ("str", "e", "d"):
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    try:
        return float(raw)
    except ValueError:
        raise SheetError(f"nombre invalide dans une cellule (« {raw} »).") from None


def _read_xlsx(archive: _Archive) -> dict[str, Rows]:
    workbook = archive.xml("xl/workbook.xml")
    rels = archive.xml("xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(_PR + "Relationship")}
    shared: list[str] = []
    if "xl/sharedStrings.xml" in archive.names:
        shared = [_xlsx_text(si) for si in archive.xml("xl/sharedStrings.xml").iter(_S + "si")]
    sheets: dict[str, Rows] = {}
    for sheet in workbook.iter(_S + "sheet"):
        name = sheet.get("name", "")
        target = targets.get(sheet.get(_R + "id"), "")
        if not target:
            raise SheetError(f"feuille « {name} » introuvable dans l'archive.")
        path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        if path.startswith("../") or path == dirname(path):
            raise SheetError(f"feuille « {name} » : chemin invalide.")
        sheets[name] = _xlsx_rows(archive.xml(path), shared, f"feuille « {name} »")
    return sheets


def read_tables(data: bytes, filename: str) -> dict[str, Rows]:
    """Every table (sheet) of the file, by name, in the file's order, as rows of cells.

    Raises :class:`SheetError` (French message) for a file that is too big, not of the format
    its name says, damaged, a zip bomb, or with a forbidden XML declaration."""
    kind = file_format(filename)
    archive = _Archive(data, kind)
    if kind == "xlsx":
        return _read_xlsx(archive)
    return _read_odf(archive, kind)
