"""The compass chart: accessible SVG of the 7 criteria, one shape per opinion."""

from __future__ import annotations

from typing import Any

import pytest

from boussole.reports import MemoError, compass_svg
from boussole.reports.compass import COLOURS
from tests.reports.conftest import parse_xml, squash
from tests.reports.memo_fixture import sample_memo

SVG = "{http://www.w3.org/2000/svg}"


def _criteria(verdicts: list[str | None]) -> list[dict[str, Any]]:
    criteria = sample_memo()["criteria"]
    for criterion, verdict in zip(criteria, verdicts, strict=True):
        criterion["opinion"]["verdict"] = verdict
        criterion["opinion"].pop("verdict_label")
    return list(criteria)


def test_seven_criteria_with_each_verdict() -> None:
    verdicts: list[str | None] = ["favorable", "favorable_reserves", "defavorable", None,
                                  "favorable", "defavorable", None]
    svg = compass_svg(_criteria(verdicts))
    root = parse_xml(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text and "avis du groupe par critère" in title.text
    assert desc is not None and desc.text
    description = squash(desc.text)
    labelled = (root.get("aria-labelledby") or "").split()
    assert labelled == [title.get("id"), desc.get("id")]
    for number in range(1, 8):
        assert f"Critère {number} (" in description
    assert ("Critère 3 (Contribution à l'amélioration du service public) : défavorable"
            in description)
    assert "sans avis" in description
    text = " ".join(root.itertext())
    for label in ("Favorable", "Favorable avec réserves", "Défavorable", "Sans avis"):
        assert label in text
    assert "100\u202f%" in text and "78\u202f%" in text
    for verdict in verdicts:  # each opinion's colour appears
        assert COLOURS[verdict] in svg


def test_bar_length_is_the_completeness() -> None:
    criteria = _criteria(["favorable"] * 7)
    criteria[0]["progress"] = {"answered": 1, "applicable": 4, "unknown": 0}
    root = parse_xml(compass_svg(criteria))
    fills = [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == COLOURS["favorable"]]
    assert fills[0].get("width") == "107.5"  # 25 % of 430


def test_empty_progress_and_no_criteria() -> None:
    criteria = _criteria([None] * 7)
    criteria[1]["progress"] = None
    root = parse_xml(compass_svg(criteria))
    assert root.find(f"{SVG}title") is not None
    empty = parse_xml(compass_svg([]))
    desc = empty.find(f"{SVG}desc")
    assert desc is not None and desc.text and "Aucun critère" in desc.text


def test_titles_are_escaped_and_ids_are_prefixed() -> None:
    criteria = _criteria(["favorable"] * 7)
    criteria[0]["title"] = '<script>alert(1)</script> & "x" ]]>'
    svg = compass_svg(criteria, id_prefix="memo 2")
    root = parse_xml(svg)
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))
    assert "&lt;script&gt;" in svg
    assert root.get("aria-labelledby") == "memo-2-title memo-2-desc"


def test_an_unknown_verdict_is_refused() -> None:
    criteria = _criteria(["favorable"] * 7)
    criteria[4]["opinion"]["verdict"] = "plutot_favorable"
    with pytest.raises(MemoError, match=r"memo\.criteria\[4\]\.opinion\.verdict|criteria\[4\]"):
        compass_svg(criteria)
