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


def _key_version(key: str) -> int:
    version = key.partition("@")[2]
    return int(version) if version.isdigit() else 0


def grid_for_new_case(organisation: Any) -> Grid:
    """The grid a new case of ``organisation`` is pinned to (administration settings): its
    default grid, else the latest of the versions it offers, else the latest version; a
    version no longer installed is skipped."""
    keys = [str(getattr(organisation, "default_grid", "") or "")]
    keys += sorted(getattr(organisation, "grid_keys", ()), key=_key_version, reverse=True)
    for key in filter(None, keys):
        try:
            return registry().get_key(key)
        except (LookupError, ValueError):
            continue
    return current_grid()
