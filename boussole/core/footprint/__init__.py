"""Footprint calculator of criterion 5 (questions 21 to 59): pure Python, no Django.

Public API::

    result = compute_footprint(document)          # a mapping, e.g. parsed YAML or JSON
    result.to_json()                              # the machine interface's JSON object
    result.grid                                   # computed answers to Q27, Q45, Q51, Q59
    estimate = estimate_from_sizing(use_case="chatbot", requests_per_month=5000,
                                    model_params_b=7, location="FR", hosting="api")
    compute_footprint(estimate.document)

Invalid input raises :class:`boussole.core.errors.InvalidDocument` listing every problem, each
with its path in the document and a French message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from boussole.core.footprint.calculator import compute
from boussole.core.footprint.data import Factor
from boussole.core.footprint.model import FootprintInput, FootprintResult, GridAnswer
from boussole.core.footprint.questions import grid_answers
from boussole.core.footprint.sizing import (
    USE_CASES,
    Assumption,
    SizingEstimate,
    estimate_from_sizing,
)
from boussole.core.footprint.validate import parse_document


def compute_footprint(doc: Mapping[str, Any], *, source: str | None = None) -> FootprintResult:
    """Validate a footprint input document and compute it.

    ``source`` names the document (a file name) in error reports.
    """
    return compute(parse_document(doc, source=source))


__all__ = [
    "USE_CASES",
    "Assumption",
    "Factor",
    "FootprintInput",
    "FootprintResult",
    "GridAnswer",
    "SizingEstimate",
    "compute_footprint",
    "estimate_from_sizing",
    "grid_answers",
    "parse_document",
]
