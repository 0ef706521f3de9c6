"""The decision memo as one standalone, printable HTML5 page (French, no external resource).

Every text goes through :func:`html.escape`; line breaks in user text become ``<br>``. The
stylesheet is inline and has a print part (A4, table headers repeated, no break inside rows).
"""

from __future__ import annotations

from html import escape

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

STYLE = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --accent: #1d4e89;
  --rule: #c5ccd6; --fill: #eef2f7; --alert: #a61b1b; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial,
    sans-serif; }
.memo { max-width: 56rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; padding-bottom: .5rem; }
.kicker { color: var(--accent); font-weight: 600; text-transform: uppercase;
  letter-spacing: .04em; font-size: .85rem; margin: 0; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: .3rem 0 .5rem; }
.meta { color: var(--muted); margin: 0; }
h2 { color: var(--accent); font-size: 1.4rem; margin: 2.2rem 0 .8rem;
  border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.12rem; margin: 1.6rem 0 .6rem; }
p { margin: .5rem 0; }
.label { font-weight: 700; }
.note { color: var(--muted); font-style: italic; }
.alert { border-left: 4px solid var(--alert); background: #fdecec; padding: .5rem .8rem;
  font-weight: 600; }
.draft { position: sticky; top: 0; z-index: 1; margin: 0 0 1rem; padding: .6rem .9rem;
  background: #fff4ce; border: 2px solid #8a5a00; color: #3d2900; font-weight: 600; }
dl.fields { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: .25rem 1rem;
  margin: .8rem 0; }
dl.fields div { display: contents; }
dl.fields dt { font-weight: 700; }
dl.fields dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0 1.2rem; font-size: .92em; }
caption { caption-side: top; text-align: left; font-weight: 700; padding: .3rem 0;
  color: var(--ink); }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem; text-align: left;
  vertical-align: top; overflow-wrap: break-word; hyphens: auto; }
thead th { background: var(--fill); }
tbody th { font-weight: 700; }
figure { margin: 1rem 0 .5rem; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-weight: 700; margin-bottom: .4rem; }
ul { margin: .3rem 0 .8rem; padding-left: 1.4rem; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  html { font-size: 10pt; }
  .memo { max-width: none; padding: 0; }
  h2, h3, caption, figcaption { break-after: avoid; page-break-after: avoid; }
  tr, figure, dl.fields div { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .alert, .draft { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .draft { position: static; }
}
"""


def _text(text: str) -> str:
    """Escaped text; line breaks become ``<br>``."""
    return "<br>".join(escape(line) for line in text.split("\n"))


def _block(block: Block, chart_index: int) -> str:
    if isinstance(block, Heading):
        return f'<h{block.level} id="{escape(block.anchor)}">{_text(block.text)}</h{block.level}>'
    if isinstance(block, Paragraph):
        css = "" if block.style == "body" else f' class="{block.style}"'
        label = f'<span class="label">{_text(block.label)}</span> ' if block.label else ""
        return f"<p{css}>{label}{_text(block.text)}</p>"
    if isinstance(block, Fields):
        rows = "".join(f"<div><dt>{_text(k)}</dt><dd>{_text(v)}</dd></div>"
                       for k, v in block.items)
        return f'<dl class="fields">{rows}</dl>'
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{_text(h)}</th>' for h in block.header)
        body = []
        for row in block.rows:
            cells = [f'<th scope="row">{_text(row[0])}</th>' if block.row_headers
                     else f"<td>{_text(row[0])}</td>"]
            cells += [f"<td>{_text(cell)}</td>" for cell in row[1:]]
            body.append(f"<tr>{''.join(cells)}</tr>")
        return (f"<table><caption>{_text(block.caption)}</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    if isinstance(block, BulletList):
        return "<ul>" + "".join(f"<li>{_text(item)}</li>" for item in block.items) + "</ul>"
    svg = compass_svg(block.criteria, id_prefix=f"boussole-compass-{chart_index}")
    return f"<figure><figcaption>{_text(block.caption)}</figcaption>{svg}</figure>"


def document_html(doc: Document) -> str:
    """Lay out a built document (see :mod:`boussole.reports.content`)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="author" content="{escape(doc.author)}">',
        f'<meta name="description" content="{escape(doc.subject)}">',
        '<meta name="generator" content="Boussole">',
        f"<title>{escape(doc.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<div class="memo">',
    ]
    # A preview of a case not yet frozen: its banner stays in view while the page scrolls.
    banners = [b for b in doc.blocks if isinstance(b, Paragraph) and b.style == "draft"]
    parts += [_block(banner, 0).replace("<p ", '<p role="note" ', 1) for banner in banners]
    parts.append("<header>")
    in_section = False
    in_header = True
    charts = 0
    for block in doc.blocks:
        if block in banners:
            continue
        if isinstance(block, Heading) and block.level == 2:
            if in_header:
                parts.append("</header>")
                parts.append("<main>")
                in_header = False
            if in_section:
                parts.append("</section>")
            parts.append(f'<section aria-labelledby="{escape(block.anchor)}">')
            in_section = True
        if isinstance(block, Chart):
            charts += 1
        parts.append(_block(block, charts))
    if in_header:
        parts.append("</header><main>")
    if in_section:
        parts.append("</section>")
    parts += ["</main>", "</div>", "</body>", "</html>", ""]
    return "\n".join(parts)


def render_memo_html(memo: object) -> str:
    """The memo as a complete HTML5 document (a string)."""
    return document_html(build_document(memo))
