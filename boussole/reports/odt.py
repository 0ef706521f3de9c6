"""The decision memo as an OpenDocument text (ODF 1.3), written with the standard library.

Why not odfpy: its last release dates from 2020, and a memo needs only a handful of elements
(headings, paragraphs, bullet lists, tables, one image). Writing them directly keeps the package
free of an unmaintained dependency and gives full control over the escaping: every text goes
through :func:`_runs`, which escapes ``& < > " '`` and turns line breaks, tabs and runs of spaces
into their ODF elements. The package follows ODF 1.3 part 2: ``mimetype`` first and stored
uncompressed, then ``META-INF/manifest.xml``, ``content.xml``, ``styles.xml``, ``meta.xml`` and
the compass chart as ``Pictures/compass-N.svg`` (with its alternative text in ``svg:title`` and
``svg:desc``; the data table follows it in the text).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from boussole.reports.compass import WIDTH, compass_svg
from boussole.reports.content import (
    Block,
    BulletList,
    Chart,
    Document,
    Fields,
    Heading,
    Paragraph,
    Table,
    build_document,
)

MIMETYPE = "application/vnd.oasis.opendocument.text"
TEXT_WIDTH_CM = 17.0

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
}
XMLNS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

PARAGRAPH_STYLES = {
    "body": "Text_20_body",
    "kicker": "Kicker",
    "meta": "Meta",
    "alert": "Alert",
    "note": "Note",
    "draft": "Draft",
}

_SPACES = re.compile(r"  +")


def _runs(text: str) -> str:
    """Escaped ODF inline content for ``text``: line breaks, tabs and repeated spaces kept."""
    out = []
    for index, line in enumerate(text.split("\n")):
        if index:
            out.append("<text:line-break/>")
        pieces = []
        for chunk_index, chunk in enumerate(line.split("\t")):
            if chunk_index:
                pieces.append("<text:tab/>")
            chunk = escape(chunk, {'"': "&quot;"})
            chunk = _SPACES.sub(lambda m: f' <text:s text:c="{len(m.group()) - 1}"/>', chunk)
            if chunk.startswith(" "):
                chunk = '<text:s/>' + chunk[1:]
            pieces.append(chunk)
        out.append("".join(pieces))
    return "".join(out)


def _p(style: str, content: str) -> str:
    return f'<text:p text:style-name="{style}">{content}</text:p>'


def _strong(text: str) -> str:
    return f'<text:span text:style-name="Strong_20_Emphasis">{_runs(text)}</text:span>'


class _Writer:
    """Builds content.xml's body and automatic styles, and the pictures."""

    def __init__(self) -> None:
        self.body: list[str] = []
        self.auto: list[str] = []
        self.pictures: dict[str, str] = {}
        self.tables = 0

    def block(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.body.append(
                f'<text:h text:style-name="Heading_20_{block.level}" '
                f'text:outline-level="{block.level}">{_runs(block.text)}</text:h>')
        elif isinstance(block, Paragraph):
            label = _strong(block.label) + (" " if block.text else "") if block.label else ""
            self.body.append(_p(PARAGRAPH_STYLES[block.style], label + _runs(block.text)))
        elif isinstance(block, Fields):
            for key, value in block.items:
                self.body.append(_p("Field", _strong(f"{key}\u00a0:") + " " + _runs(value)))
        elif isinstance(block, BulletList):
            items = "".join(f"<text:list-item>{_p('List_20_Contents', _runs(item))}"
                            "</text:list-item>" for item in block.items)
            self.body.append(f'<text:list text:style-name="List_20_Bullet">{items}</text:list>')
        elif isinstance(block, Table):
            self.table(block)
        else:
            self.chart(block)

    def table(self, block: Table) -> None:
        self.tables += 1
        name = f"Tableau{self.tables}"
        total = sum(block.widths) or 1.0
        self.auto.append(
            f'<style:style style:name="{name}" style:family="table">'
            f'<style:table-properties style:width="{TEXT_WIDTH_CM}cm" table:align="margins" '
            'fo:margin-top="0.1cm" fo:margin-bottom="0.35cm"/></style:style>')
        columns = []
        for index, width in enumerate(block.widths):
            col = f"{name}.C{index + 1}"
            self.auto.append(
                f'<style:style style:name="{col}" style:family="table-column">'
                f'<style:table-column-properties style:column-width='
                f'"{TEXT_WIDTH_CM * width / total:.3f}cm" '
                f'style:rel-width="{round(65535 * width / total)}*"/></style:style>')
            columns.append(f'<table:table-column table:style-name="{col}"/>')

        def cell(text: str, style: str, cell_style: str) -> str:
            return (f'<table:table-cell table:style-name="{cell_style}" '
                    f'office:value-type="string">{_p(style, _runs(text))}</table:table-cell>')

        header = "".join(cell(h, "Table_20_Heading", "CellHead") for h in block.header)
        rows = []
        for row in block.rows:
            cells = [cell(row[0], "Table_20_Heading" if block.row_headers
                          else "Table_20_Contents", "Cell")]
            cells += [cell(text, "Table_20_Contents", "Cell") for text in row[1:]]
            rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
        self.body.append(_p("Table", _runs(block.caption)))
        self.body.append(
            f'<table:table table:name="{name}" table:style-name="{name}">'
            + "".join(columns)
            + f"<table:table-header-rows><table:table-row>{header}</table:table-row>"
            + "</table:table-header-rows>" + "".join(rows) + "</table:table>")

    def chart(self, block: Chart) -> None:
        index = len(self.pictures) + 1
        path = f"Pictures/compass-{index}.svg"
        svg = compass_svg(block.criteria, id_prefix=f"compass-{index}")
        self.pictures[path] = svg
        match = re.search(r'height="(\d+)"', svg)
        height_px = int(match.group(1)) if match else 500
        height = TEXT_WIDTH_CM * height_px / WIDTH
        self.body.append(_p("Figure", _runs(block.caption)))
        self.body.append(_p("Graphic_20_Paragraph", (
            f'<draw:frame draw:style-name="fr1" draw:name="Boussole {index}" '
            f'text:anchor-type="as-char" svg:width="{TEXT_WIDTH_CM}cm" '
            f'svg:height="{height:.2f}cm" draw:z-index="0">'
            f'<draw:image xlink:href="{path}" xlink:type="simple" xlink:show="embed" '
            'xlink:actuate="onLoad" draw:mime-type="image/svg+xml"/>'
            f"<svg:title>{_runs(block.caption)}</svg:title>"
            f"<svg:desc>{_runs(block.alt)}</svg:desc></draw:frame>")))


def _content(writer: _Writer) -> str:
    auto = "".join([
        '<style:style style:name="fr1" style:family="graphic" style:parent-style-name="Graphics">'
        '<style:graphic-properties style:vertical-pos="top" style:vertical-rel="baseline" '
        'style:horizontal-pos="center" style:horizontal-rel="paragraph"/></style:style>',
        '<style:style style:name="Cell" style:family="table-cell">'
        '<style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #c5ccd6"/>'
        "</style:style>",
        '<style:style style:name="CellHead" style:family="table-cell">'
        '<style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #c5ccd6" '
        'fo:background-color="#eef2f7"/></style:style>',
        *writer.auto,
    ])
    return (f'{HEAD}<office:document-content {XMLNS} office:version="1.3">'
            f"<office:automatic-styles>{auto}</office:automatic-styles>"
            f"<office:body><office:text>{''.join(writer.body)}</office:text></office:body>"
            "</office:document-content>")


def _pstyle(name: str, display: str, parent: str | None, paragraph: str = "",
            text: str = "", extra: str = "") -> str:
    attrs = f'style:name="{name}" style:display-name="{display}" style:family="paragraph"'
    if parent:
        attrs += f' style:parent-style-name="{parent}"'
    body = ""
    if paragraph:
        body += f"<style:paragraph-properties {paragraph}/>"
    if text:
        body += f"<style:text-properties {text}/>"
    return f"<style:style {attrs}{extra}>{body}</style:style>"


def _styles(doc: Document) -> str:
    serif = 'style:font-name="Liberation Serif"'
    sans = 'style:font-name="Liberation Sans"'
    styles = "".join([
        '<style:default-style style:family="paragraph">'
        '<style:paragraph-properties style:writing-mode="lr-tb"/>'
        f'<style:text-properties {serif} fo:font-size="11pt" fo:language="fr" fo:country="FR" '
        'fo:hyphenate="true" fo:color="#1f2933"/></style:default-style>',
        '<style:default-style style:family="table"><style:table-properties '
        'table:border-model="collapsing"/></style:default-style>',
        _pstyle("Standard", "Standard", None, extra=' style:class="text"'),
        _pstyle("Text_20_body", "Text body", "Standard",
                'fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:line-height="120%"'),
        _pstyle("Heading", "Heading", "Standard",
                'fo:margin-top="0.45cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"',
                f'{sans} fo:font-weight="bold" fo:color="#1d4e89"',
                ' style:next-style-name="Text_20_body" style:class="text"'),
        _pstyle("Heading_20_1", "Heading 1", "Heading",
                'fo:margin-top="0.1cm" fo:margin-bottom="0.25cm" fo:border-bottom='
                '"1.5pt solid #1d4e89" fo:padding-bottom="0.1cm"',
                'fo:font-size="19pt" fo:color="#1f2933"',
                ' style:default-outline-level="1" style:class="text"'),
        _pstyle("Heading_20_2", "Heading 2", "Heading", 'fo:margin-top="0.6cm"',
                'fo:font-size="14pt"', ' style:default-outline-level="2" style:class="text"'),
        _pstyle("Heading_20_3", "Heading 3", "Heading", "",
                'fo:font-size="12pt" fo:color="#1f2933"',
                ' style:default-outline-level="3" style:class="text"'),
        _pstyle("Kicker", "Kicker", "Text_20_body", "",
                f'{sans} fo:font-size="9pt" fo:font-weight="bold" fo:color="#1d4e89" '
                'fo:text-transform="uppercase" fo:letter-spacing="0.03cm"'),
        _pstyle("Meta", "Meta", "Text_20_body", "", 'fo:color="#52606d"'),
        _pstyle("Note", "Note", "Text_20_body", "", 'fo:color="#52606d" fo:font-style="italic"'),
        _pstyle("Alert", "Alert", "Text_20_body",
                'fo:background-color="#fdecec" fo:border-left="3pt solid #a61b1b" '
                'fo:padding="0.15cm" fo:margin-top="0.1cm" fo:margin-bottom="0.25cm"',
                'fo:font-weight="bold"'),
        _pstyle("Draft", "Draft", "Text_20_body",
                'fo:background-color="#fff4ce" fo:border="1.5pt solid #8a5a00" '
                'fo:padding="0.15cm" fo:margin-top="0cm" fo:margin-bottom="0.25cm"',
                'fo:font-weight="bold" fo:color="#3d2900"'),
        _pstyle("Header_20_Draft", "Header Draft", "Standard",
                'fo:text-align="center" fo:background-color="#fff4ce" '
                'fo:border="0.8pt solid #8a5a00" fo:padding="0.08cm"',
                f'{sans} fo:font-size="9pt" fo:font-weight="bold" fo:color="#3d2900"',
                ' style:class="extra"'),
        _pstyle("Field", "Field", "Text_20_body",
                'fo:margin-left="0.6cm" fo:text-indent="-0.6cm" fo:margin-bottom="0.1cm"'),
        _pstyle("List_20_Contents", "List Contents", "Text_20_body",
                'fo:margin-bottom="0.1cm"', "", ' style:class="list"'),
        _pstyle("Table_20_Contents", "Table Contents", "Standard",
                'fo:margin-bottom="0cm"', 'fo:font-size="9pt"', ' style:class="extra"'),
        _pstyle("Table_20_Heading", "Table Heading", "Table_20_Contents", "",
                'fo:font-weight="bold"', ' style:class="extra"'),
        _pstyle("Caption", "Caption", "Standard",
                'fo:margin-top="0.2cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"',
                f'{sans} fo:font-size="9.5pt" fo:font-weight="bold"', ' style:class="extra"'),
        _pstyle("Table", "Table", "Caption", "", "", ' style:class="extra"'),
        _pstyle("Figure", "Figure", "Caption", "", "", ' style:class="extra"'),
        _pstyle("Graphic_20_Paragraph", "Graphic Paragraph", "Standard",
                'fo:margin-bottom="0.2cm" fo:text-align="center"'),
        _pstyle("Footer", "Footer", "Standard",
                'fo:text-align="center"', 'fo:font-size="8.5pt" fo:color="#52606d"',
                ' style:class="extra"'),
        '<style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" '
        'style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>',
        '<style:style style:name="Graphics" style:family="graphic"><style:graphic-properties '
        'text:anchor-type="as-char" svg:y="0cm" style:wrap="none"/></style:style>',
        '<text:list-style style:name="List_20_Bullet" style:display-name="List Bullet">'
        '<text:list-level-style-bullet text:level="1" text:bullet-char="•">'
        '<style:list-level-properties text:list-level-position-and-space-mode='
        '"label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" '
        'text:list-tab-stop-position="0.6cm" fo:text-indent="-0.4cm" fo:margin-left="0.6cm"/>'
        "</style:list-level-properties></text:list-level-style-bullet></text:list-style>",
    ])
    fonts = (
        '<style:font-face style:name="Liberation Serif" svg:font-family="&apos;Liberation '
        'Serif&apos;" style:font-family-generic="roman" style:font-pitch="variable"/>'
        '<style:font-face style:name="Liberation Sans" svg:font-family="&apos;Liberation '
        'Sans&apos;" style:font-family-generic="swiss" style:font-pitch="variable"/>'
    )
    layout = (
        '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" '
        'fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1.8cm" '
        'fo:margin-bottom="1.4cm" fo:margin-left="2cm" fo:margin-right="2cm"/>'
        + ('<style:header-style><style:header-footer-properties fo:min-height="0.6cm" '
           'fo:margin-bottom="0.3cm"/></style:header-style>' if doc.draft else "")
        + '<style:footer-style><style:header-footer-properties fo:min-height="0.6cm" '
        'fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>'
    )
    # A preview of a case not yet frozen says so at the top of every page.
    header = (f'<style:header>{_p("Header_20_Draft", _runs(doc.draft))}</style:header>'
              if doc.draft else "")
    footer = (f"{_runs(doc.footer)} — page "
              '<text:page-number text:select-page="current">1</text:page-number> / '
              "<text:page-count>1</text:page-count>")
    master = ('<style:master-page style:name="Standard" style:page-layout-name="pm1">'
              f'{header}<style:footer>{_p("Footer", footer)}</style:footer>'
              "</style:master-page>")
    return (f'{HEAD}<office:document-styles {XMLNS} office:version="1.3">'
            f"<office:font-face-decls>{fonts}</office:font-face-decls>"
            f"<office:styles>{styles}</office:styles>"
            f"<office:automatic-styles>{layout}</office:automatic-styles>"
            f"<office:master-styles>{master}</office:master-styles>"
            "</office:document-styles>")


def _meta(doc: Document, stamp: datetime) -> str:
    moment = escape(stamp.isoformat(timespec="seconds"))
    keywords = "".join(f"<meta:keyword>{escape(k)}</meta:keyword>" for k in doc.keywords)
    return (f'{HEAD}<office:document-meta {XMLNS} office:version="1.3"><office:meta>'
            "<meta:generator>Boussole</meta:generator>"
            f"<dc:title>{escape(doc.title)}</dc:title>"
            f"<dc:subject>{escape(doc.subject)}</dc:subject>"
            f"<dc:description>{escape(doc.subject)}</dc:description>{keywords}"
            f"<meta:initial-creator>{escape(doc.author)}</meta:initial-creator>"
            f"<dc:creator>{escape(doc.author)}</dc:creator>"
            f"<meta:creation-date>{moment}</meta:creation-date><dc:date>{moment}</dc:date>"
            "<dc:language>fr-FR</dc:language></office:meta></office:document-meta>")


def _manifest(pictures: list[str]) -> str:
    entries = [("/", MIMETYPE), ("content.xml", "text/xml"), ("styles.xml", "text/xml"),
               ("meta.xml", "text/xml"), *((path, "image/svg+xml") for path in pictures)]
    lines = "".join(
        f"<manifest:file-entry manifest:full-path={quoteattr(path)} "
        f'manifest:media-type="{media}"' + (' manifest:version="1.3"' if path == "/" else "")
        + "/>" for path, media in entries)
    return (f'{HEAD}<manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            f"{lines}</manifest:manifest>")


def document_odt(doc: Document) -> bytes:
    """Write a built document (see :mod:`boussole.reports.content`) as ODT bytes."""
    writer = _Writer()
    for block in doc.blocks:
        writer.block(block)
    stamp = doc.generated_at or datetime.now().astimezone()
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute,
                 stamp.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        def put(name: str, data: str, method: int = zipfile.ZIP_DEFLATED) -> None:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8"))

        put("mimetype", MIMETYPE, zipfile.ZIP_STORED)
        put("META-INF/manifest.xml", _manifest(list(writer.pictures)))
        put("content.xml", _content(writer))
        put("styles.xml", _styles(doc))
        put("meta.xml", _meta(doc, stamp))
        for path, svg in writer.pictures.items():
            put(path, svg)
    return buffer.getvalue()


def render_memo_odt(memo: object) -> bytes:
    """The memo as an OpenDocument text (bytes of the .odt file)."""
    return document_odt(build_document(memo))
