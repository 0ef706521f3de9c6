"""Plain French for codes in templates: levels, grid items (issue 12, item 3).

Pages show labels, never codes (``tests/web/test_no_raw_codes.py`` walks them); the codes
stay in the exports and the API.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from boussole.core.grid import Fact, Grid, Question
from boussole.core.rules import labels

register = template.Library()


@register.filter
def level_label(code: str | None) -> str:
    """``ELEVE`` → « élevé » (translated); an empty string for no level."""
    label = labels.level_label(code)
    return _(label) if label else ""


@register.filter
def item_title(item: Question | Fact, grid: Any = None) -> str:
    """The item's text as shown: distinct when computed questions share a title."""
    if isinstance(grid, Grid):
        return grid.display_text(item)
    return item.text
