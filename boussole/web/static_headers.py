"""WhiteNoise header hook, importable from the settings (no Django import)."""

from __future__ import annotations

from typing import Any

#: One year, the longest lifetime HTTP caches are asked to honour.
IMMUTABLE = "max-age=31536000, public, immutable"


def cache_headers(headers: Any, path: str, url: str) -> None:
    """A one-year immutable lifetime for content-hashed files (WhiteNoise marks them
    immutable with ten years)."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = IMMUTABLE
