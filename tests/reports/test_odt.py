"""The ODT memo: an OpenDocument package that office suites and validators accept."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from boussole.reports import render_memo_odt
from tests.reports.conftest import odt_xml, parse_xml, squash
from tests.reports.memo_fixture import sample_memo

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def _text(odt: bytes) -> str:
    root = parse_xml(odt_xml(odt, "content.xml"))
    return squash(" ".join(root.itertext()))


def test_package_layout(sample_odt: bytes) -> None:
    # the first local file header: "mimetype", stored, no extra field (ODF 1.3 part 2, §3.3)
    assert sample_odt[:4] == b"PK\x03\x04"
    assert sample_odt[30:38] == b"mimetype"
    assert sample_odt[38:38 + 39] == b"application/vnd.oasis.opendocument.text"
    with zipfile.ZipFile(io.BytesIO(sample_odt)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert not infos[0].extra
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        names = archive.namelist()
    for name in ("META-INF/manifest.xml", "content.xml", "styles.xml", "meta.xml"):
        assert name in names


def test_manifest_lists_every_part(sample_odt: bytes) -> None:
    root = parse_xml(odt_xml(sample_odt, "META-INF/manifest.xml"))
    entries = {e.get(f"{{{MANIFEST}}}full-path"): e.get(f"{{{MANIFEST}}}media-type")
               for e in root.iter(f"{{{MANIFEST}}}file-entry")}
    assert entries["/"] == "application/vnd.oasis.opendocument.text"
    assert entries["content.xml"] == "text/xml"
    assert entries["styles.xml"] == "text/xml"
    assert entries["meta.xml"] == "text/xml"
    with zipfile.ZipFile(io.BytesIO(sample_odt)) as archive:
        stored = set(archive.namelist()) - {"mimetype", "META-INF/manifest.xml"}
    assert stored == set(entries) - {"/"}


def test_xml_parts_are_well_formed_and_french(sample_odt: bytes) -> None:
    for name in ("content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"):
        parse_xml(odt_xml(sample_odt, name))
    styles = odt_xml(sample_odt, "styles.xml")
    assert 'fo:language="fr"' in styles and 'fo:country="FR"' in styles
    meta = odt_xml(sample_odt, "meta.xml")
    assert "<dc:language>fr-FR</dc:language>" in meta
    assert "Tri automatique des courriels des usagers" in meta


def test_content_holds_the_memo(sample_odt: bytes) -> None:
    text = _text(sample_odt)
    for expected in ("Tri automatique des courriels des usagers",
                     "Contribution à l'amélioration du service public", "BIO-01",
                     "Délibération n° 2026-123", "« état civil »", "12,3 kg CO₂e par an",
                     "Comité social territorial", "il ne décide pas"):
        assert expected in text, expected


def test_structure_headings_tables_and_chart(sample_odt: bytes) -> None:
    root = parse_xml(odt_xml(sample_odt, "content.xml"))
    levels = [h.get(f"{{{TEXT}}}outline-level") for h in root.iter(f"{{{TEXT}}}h")]
    assert levels.count("1") == 1 and levels[0] == "1"
    assert levels.count("2") == 11
    tables = list(root.iter(f"{{{TABLE}}}table"))
    assert len(tables) >= 10
    for table in tables:
        assert table.find(f"{{{TABLE}}}table-header-rows") is not None
    content = odt_xml(sample_odt, "content.xml")
    assert 'xlink:href="Pictures/compass-1.svg"' in content
    assert "<svg:title>" in content and "<svg:desc>Critère 1" in content
    with zipfile.ZipFile(io.BytesIO(sample_odt)) as archive:
        svg = archive.read("Pictures/compass-1.svg").decode()
    parse_xml(svg)
    assert 'role="img"' in svg


def test_styles_used_in_content_are_defined(sample_odt: bytes) -> None:
    content = odt_xml(sample_odt, "content.xml")
    styles = odt_xml(sample_odt, "styles.xml")
    defined = set(re.findall(r'style:name="([^"]+)"', styles + content))
    used = set(re.findall(r'(?:text|table|draw):style-name="([^"]+)"', content))
    assert used <= defined, used - defined


def test_markup_in_user_text_is_escaped(hostile: dict[str, Any]) -> None:
    odt = render_memo_odt(hostile)
    content = odt_xml(odt, "content.xml")
    root = parse_xml(content)  # still well-formed
    text = squash(" ".join(root.itertext()))
    assert "<script>alert(1)</script>" in text
    assert "#set page(fill: red)" in text
    assert "]]> & &amp; {{ variable }} {% if %} \\ \\n" in text
    assert '"guillemets" \'apostrophes\' </text:p> <office:body>' in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "]]&gt; &amp; &amp;amp;" in content
    assert "&lt;/text:p&gt; &lt;office:body&gt;" in content
    assert not list(root.iter("script"))
    assert len(list(root.iter(f"{{{OFFICE}}}body"))) == 1
    parse_xml(odt_xml(odt, "styles.xml"))
    parse_xml(odt_xml(odt, "meta.xml"))


def test_spaces_tabs_and_control_characters(memo: dict[str, Any]) -> None:
    memo["summary"] = "a  b\tc\x00d\x1b\nligne 2"
    content = odt_xml(render_memo_odt(memo), "content.xml")
    parse_xml(content)
    assert 'a <text:s text:c="1"/>b<text:tab/>cd<text:line-break/>ligne 2' in content


def test_same_memo_same_bytes(sample_odt: bytes) -> None:
    assert render_memo_odt(sample_memo()) == sample_odt
