"""`boussole rules ...` commands (not yet available)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the `rules` command group to the top-level sub-parsers."""
    _ = sub
