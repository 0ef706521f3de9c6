"""The grid as a plain document (JSON or YAML), in the shape published to vendors and tools."""

from __future__ import annotations

from typing import Any

from boussole.core.grid.model import Fact, Grid, Option, Question


def _options(options: tuple[Option, ...]) -> list[dict[str, Any]]:
    out = []
    for option in options:
        item: dict[str, Any] = {"id": option.id, "label": option.label}
        if option.help:
            item["help"] = option.help
        out.append(item)
    return out


def question_to_dict(question: Question) -> dict[str, Any]:
    return {
        "number": question.number,
        "id": question.id,
        "text": question.text,
        "type": question.type,
        "options": _options(question.options),
        "help": question.help,
        "referents": list(question.referents),
        "vendor": question.vendor,
        "section": question.section,
        "unit": question.unit,
        "computed": question.computed,
        "condition": question.condition.to_dict() if question.condition else None,
    }


def fact_to_dict(fact: Fact) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": fact.id,
        "text": fact.text,
        "type": fact.type,
        "options": (_options(fact.options) if fact.type != "yes_no"
                    else [{"id": "oui", "label": "Oui"}, {"id": "non", "label": "Non"}]),
        "number": fact.number,
        "help": fact.help,
        "boussole": list(fact.boussole),
        "priority": fact.priority,
    }
    if fact.exclusive:
        out["exclusive"] = list(fact.exclusive)
    if fact.type == "scale":
        out["min"], out["max"] = fact.min, fact.max
    if fact.condition:
        out["condition"] = fact.condition.to_dict()
    return out


def grid_to_dict(grid: Grid) -> dict[str, Any]:
    """``{"id", "version", "title", "criteria": [...], "profile": [...]}``."""
    return {
        "id": grid.id,
        "version": grid.version,
        "title": grid.title,
        "publisher": grid.publisher,
        "published": grid.published,
        "criteria": [
            {
                "number": criterion.number,
                "id": criterion.id,
                "title": criterion.title,
                "commitments": list(criterion.commitments),
                "referents": list(criterion.referents),
                "sections": [
                    {"id": s.id, "title": s.title, "intro": s.intro, "parent": s.parent}
                    for s in criterion.sections
                ],
                "questions": [question_to_dict(q) for q in criterion.questions],
            }
            for criterion in grid.criteria
        ],
        "profile": [fact_to_dict(fact) for fact in grid.profile],
    }
