"""Reading identifiers and revisions from posted forms: malformed values are refused with a
French message or a 404, never a server error, and never turn into a silent overwrite."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy

#: A write that can conflict must say which revision the person read (the forms carry it).
STALE_FORM = gettext_lazy(
    "Le formulaire ne dit pas quelle version vous avez lue : rechargez la page, vérifiez la "
    "réponse actuelle, puis enregistrez de nouveau. Rien n'a été modifié.")


def posted_revision(request: HttpRequest, name: str = "revision") -> int | None:
    """The revision the form was read at (0: nothing was stored yet), or ``None`` when it is
    missing or malformed: the write is then refused rather than silently overwriting.
    ``name``: the field that carries it (a form with several answers has one per answer)."""
    raw = request.POST.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def posted_id(raw: str) -> int:
    """A numeric identifier from a form, or 404."""
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        raise Http404
    return int(raw)
