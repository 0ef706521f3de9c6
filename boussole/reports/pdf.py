"""The decision memo as an archival, tagged PDF (PDF/A-2a and PDF/UA-1), compiled by Typst.

Why Typst (the ``typst`` wheel, which bundles the compiler) rather than WeasyPrint:

* it exports **PDF/A-2a together with PDF/UA-1** in one pass — a tagged structure tree
  (headings, paragraphs, lists, tables with header cells, figures with alternative text),
  ``/Lang``, the document title shown in the window, XMP identification — and it *refuses* to
  produce a file that breaks those standards (e.g. an image without alternative text), so
  conformance is checked at every build rather than hoped for;
* it is self-contained: no system library (WeasyPrint needs Pango and system fonts) and no font
  download — the wheel embeds Libertinus Serif, which covers French (accents, « », ’, œ, the
  narrow no-break space, ₂). System fonts are ignored, so the output is the same on every
  machine;
* it is fast enough: well under 0.1 s per memo (see ``bench/memo_bench.py``).

The embedded fonts cover Latin, Greek, Cyrillic, Hebrew, Arabic and the usual symbols, not CJK,
Hangul, Thai or emoji. PDF/A forbids text that no font can show, so such characters become
U+FFFD (�) in the PDF — the HTML and ODT keep them.

Safety: the Typst source below is a constant. The memo travels as JSON in ``sys.inputs`` and the
template reads it with ``json(...)``; strings are placed as *values*, which Typst shows as
literal text: nothing the user wrote is ever parsed as Typst markup or code. The compass SVG
(escaped XML built by :mod:`boussole.reports.compass`) is passed the same way, as image bytes.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from typing import Any

import typst

from boussole.reports.compass import compass_svg
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

#: PDF/A-2a ("accessible" level: tagged, Unicode text) and PDF/UA-1.
PDF_STANDARDS: list[Any] = ["a-2a", "ua-1"]
PDF_FONT = "Libertinus Serif"

TEMPLATE = r"""
#let memo = json(bytes(sys.inputs.at("memo")))
#let ink = rgb("#1f2933")
#let muted = rgb("#52606d")
#let accent = rgb("#1d4e89")
#let rule = rgb("#c5ccd6")
#let fill = rgb("#eef2f7")
#let alert = rgb("#a61b1b")
#let draft-ink = rgb("#3d2900")
#let draft-fill = rgb("#fff4ce")
#let draft-rule = rgb("#8a5a00")

#set document(title: memo.title, author: memo.author, description: memo.subject,
  keywords: memo.keywords)
#set text(lang: "fr", region: "FR", font: "Libertinus Serif", size: 10.5pt, fill: ink,
  hyphenate: true)
#set par(justify: false, leading: 0.62em, spacing: 0.85em)
#set page(paper: "a4", margin: (x: 2cm, top: 1.8cm, bottom: 2cm),
  // A preview of a case not yet frozen says so at the top of every page.
  header: if memo.draft != none {
    set text(size: 9pt, fill: draft-ink, weight: "bold")
    block(width: 100%, inset: (x: 6pt, y: 4pt), fill: draft-fill,
      stroke: 0.8pt + draft-rule, align(center, memo.draft))
  },
  footer: context {
    set text(size: 8.5pt, fill: muted)
    memo.footer
    h(1fr)
    counter(page).display("1 / 1", both: true)
  })
#set heading(numbering: none)
#show heading: set text(fill: accent, weight: "bold")
#show heading.where(level: 1): set text(size: 19pt, fill: ink)
#show heading.where(level: 1): set block(above: 0.5em, below: 0.6em)
#show heading.where(level: 2): set text(size: 14pt)
#show heading.where(level: 2): set block(above: 1.6em, below: 0.8em, sticky: true)
#show heading.where(level: 3): set text(size: 11.5pt, fill: ink)
#show heading.where(level: 3): set block(above: 1.3em, below: 0.7em, sticky: true)
#set list(indent: 0.6em, spacing: 0.5em)
#set terms(separator: [~:#h(0.4em)], hanging-indent: 1.2em, spacing: 0.55em)
#set table(stroke: 0.5pt + rule, inset: (x: 4pt, y: 4pt), align: left + top,
  fill: (x, y) => if y == 0 { fill })
#show table: set text(size: 9pt, hyphenate: true)
#show table: set par(justify: false, leading: 0.5em)
#show table.cell.where(y: 0): set text(weight: "bold")
#set figure(numbering: none, gap: 0.5em)
#set figure.caption(position: top)
#show figure.caption: set text(weight: "bold", size: 9.5pt)
#show figure.caption: set align(left)
#show figure: set block(breakable: true)

#let lines(s) = s.split("\n").join(linebreak())

#let paragraph(b) = {
  let body = {
    if b.label != none { strong(b.label); if b.text != "" [ ] }
    lines(b.text)
  }
  if b.style == "kicker" {
    par(text(fill: accent, weight: "bold", size: 9.5pt, tracking: 0.04em, upper(body)))
  } else if b.style == "meta" {
    par(text(fill: muted, body))
  } else if b.style == "note" {
    par(text(fill: muted, style: "italic", body))
  } else if b.style == "draft" {
    block(width: 100%, inset: (x: 8pt, y: 6pt), fill: draft-fill,
      stroke: 1.5pt + draft-rule, par(text(fill: draft-ink, weight: "bold", body)))
  } else if b.style == "alert" {
    block(width: 100%, inset: (x: 8pt, y: 6pt), fill: rgb("#fdecec"),
      stroke: (left: 3pt + alert), par(text(weight: "bold", body)))
  } else {
    par(body)
  }
}

#let data-table(b) = {
  let cells = ()
  for row in b.rows {
    for (i, cell) in row.enumerate() {
      cells.push(if b.row_headers and i == 0 { strong(lines(cell)) } else { lines(cell) })
    }
  }
  figure(kind: table, supplement: [Tableau], caption: b.caption,
    table(columns: b.widths.map(w => w * 1fr),
      table.header(..b.header.map(lines)),
      ..cells))
}

#for b in memo.blocks {
  if b.kind == "heading" {
    heading(level: b.level, lines(b.text))
    if b.level == 1 { line(length: 100%, stroke: 1.5pt + accent) }
  } else if b.kind == "paragraph" {
    paragraph(b)
  } else if b.kind == "fields" {
    terms(..b.items.map(((k, v)) => terms.item(k, lines(v))))
  } else if b.kind == "list" {
    list(..b.items.map(lines))
  } else if b.kind == "table" {
    data-table(b)
  } else if b.kind == "chart" {
    figure(kind: image, supplement: [Figure], caption: b.caption,
      image(bytes(sys.inputs.at(b.input)), format: "svg", alt: b.alt, width: 100%))
  }
}
"""


def _block_data(block: Block, charts: dict[str, str]) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"kind": "heading", "level": block.level, "text": block.text}
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text, "label": block.label,
                "style": block.style}
    if isinstance(block, Fields):
        return {"kind": "fields", "items": [list(item) for item in block.items]}
    if isinstance(block, Table):
        return {"kind": "table", "caption": block.caption, "header": list(block.header),
                "rows": [list(row) for row in block.rows], "widths": list(block.widths),
                "row_headers": block.row_headers}
    if isinstance(block, BulletList):
        return {"kind": "list", "items": list(block.items)}
    assert isinstance(block, Chart)  # noqa: S101 - exhaustive over Block
    key = f"chart{len(charts) + 1}"
    charts[key] = compass_svg(block.criteria, id_prefix=key, font_family=PDF_FONT)
    return {"kind": "chart", "caption": block.caption, "alt": block.alt, "input": key}


def typst_inputs(doc: Document) -> dict[str, str]:
    """The ``sys.inputs`` of the template: the memo as JSON, and each chart's SVG."""
    charts: dict[str, str] = {}
    data = {
        "title": doc.title,
        "author": doc.author,
        "subject": doc.subject,
        "keywords": list(doc.keywords),
        "footer": doc.footer,
        "draft": doc.draft,
        "blocks": [_block_data(block, charts) for block in doc.blocks],
    }
    return {"memo": json.dumps(data, ensure_ascii=False), **charts}


#: Scripts that the embedded fonts do not cover (CJK, Hangul, Thai and its neighbours, emoji and
#: every other astral-plane character, private use): replaced by U+FFFD before compiling, since
#: PDF/A forbids a glyph that no font provides. The HTML and ODT memos keep the original text.
_UNCOVERED = re.compile(
    "[\U00010000-\U0010ffff\ue000-\uf8ff\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff"
    "\u1780-\u17ff\u2e80-\u2fdf\u3040-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7ff"
    "\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef]")
#: What Typst says when a character has no glyph, or may not appear in a PDF/A file.
_NO_GLYPH = re.compile(r'the text `"(.+?)"` could not be displayed|contains the codepoint '
                       r'`"\\u\{([0-9a-fA-F]+)\}"`')
REPLACEMENT = "\ufffd"
MAX_RETRIES = 25


def _printable(inputs: dict[str, str], error: typst.TypstError) -> dict[str, str] | None:
    """The inputs without the character the error names, or None if it names none."""
    match = _NO_GLYPH.search(str(error))
    if not match:
        return None
    text = match.group(1) if match.group(1) is not None else chr(int(match.group(2), 16))
    text = text.replace('\\"', '"').replace("\\\\", "\\")
    culprits = {ch for ch in text if ord(ch) > 0x7F}
    if not culprits:
        return None
    table = {ord(ch): REPLACEMENT for ch in culprits}
    fixed = {key: value.translate(table) for key, value in inputs.items()}
    return fixed if fixed != inputs else None


@cache
def _fonts() -> typst.Fonts:
    """The fonts embedded in the Typst wheel, loaded once (system fonts are ignored)."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True)


def document_pdf(doc: Document) -> bytes:
    """Compile a built document (see :mod:`boussole.reports.content`) to PDF bytes."""
    # The PDF's dates are the memo's generation date (a naive one is taken as local time), so
    # the same frozen version always gives the same file.
    stamp = (doc.generated_at or datetime.now()).astimezone().replace(microsecond=0)
    inputs = {key: _UNCOVERED.sub(REPLACEMENT, value)
              for key, value in typst_inputs(doc).items()}
    for _ in range(MAX_RETRIES):
        try:
            pdf = typst.compile(
                TEMPLATE.encode(),
                format="pdf",
                font_paths=_fonts(),
                ignore_system_fonts=True,
                sys_inputs=inputs,
                pdf_standards=PDF_STANDARDS,
                timestamp=stamp,
            )
        except typst.TypstError as error:
            # A character no embedded font can show: PDF/A refuses it; replace it and retry.
            fixed = _printable(inputs, error)
            if fixed is None:
                raise
            inputs = fixed
        else:
            return bytes(pdf)
    raise RuntimeError("note d'aide à la décision : trop de caractères non imprimables en PDF.")


def render_memo_pdf(memo: object) -> bytes:
    """The memo as PDF/A-2a + PDF/UA-1 bytes."""
    return document_pdf(build_document(memo))
