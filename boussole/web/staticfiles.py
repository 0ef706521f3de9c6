"""Static files: content-hashed, compressed copies collected into the data directory.

``boussole serve`` and ``boussole migrate`` collect them when the sources changed
(:func:`collect_if_stale`); WhiteNoise then serves the hashed names with brotli or gzip and a
one-year immutable cache. Before any collection (tests, a fresh checkout with ``manage
runserver``) pages still render: a name missing from the manifest keeps its plain URL, which
WhiteNoise serves from the source directories (``WHITENOISE_USE_FINDERS``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from whitenoise.storage import CompressedManifestStaticFilesStorage

STAMP = ".boussole-sources"


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """Hashed names from the manifest when collected, plain names otherwise."""

    manifest_strict = True

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected (yet): the finders serve the plain name
            return name


def sources_fingerprint() -> str:
    """A digest of every static source file's path, size and modification time."""
    from django.apps import apps
    from django.contrib.staticfiles.finders import get_finders

    ignore: list[str] = getattr(apps.get_app_config("staticfiles"), "ignore_patterns", [])
    digest = hashlib.sha256()
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            full = storage.path(path)
            stat = os.stat(full)
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def collect_if_stale() -> bool:
    """Run ``collectstatic`` into ``STATIC_ROOT`` when the sources changed since the last run;
    return whether it ran."""
    from django.conf import settings
    from django.core.management import call_command

    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = sources_fingerprint()
    if stamp.is_file() and stamp.read_text() == fingerprint and (
            root / "staticfiles.json").is_file():
        return False
    root.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True
