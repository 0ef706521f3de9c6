"""Access to the grids from the web layer (one registry per process)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings

from boussole.core.grid import DEFAULT_GRID_ID, Grid, GridRegistry


@cache
def registry() -> GridRegistry:
    return GridRegistry(settings.BOUSSOLE_GRID_DIRS)


def current_grid(grid_id: str = DEFAULT_GRID_ID) -> Grid:
    """The latest version of a grid: the one a new case is pinned to."""
    return registry().get(grid_id)


def grid_for(grid_id: str, version: int) -> Grid:
    return registry().get(grid_id, version)


def grid_for_new_case(organisation: Any) -> Grid:
    """The grid a new case of ``organisation`` is pinned to: its default grid (administration
    settings) while that version still exists, else the latest version."""
    key = str(getattr(organisation, "default_grid", "") or "")
    if key:
        try:
            return registry().get_key(key)
        except (LookupError, ValueError):
            pass
    return current_grid()
