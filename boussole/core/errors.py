"""Errors raised by the domain core on invalid input.

Every problem names *where* it is (a file, and a path inside the document) and *what* is wrong,
in French, so that a user can fix the input. The core never lets a raw traceback reach a user:
callers catch :class:`InvalidDocument` and print :meth:`InvalidDocument.report`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def format_path(path: Sequence[str | int]) -> str:
    """Render a path inside a document, e.g. ``criteria[2].questions[0].type``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(racine du document)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a document: where (``path``) and what (``message``, in French)."""

    path: tuple[str | int, ...]
    message: str

    def render(self) -> str:
        return f"{format_path(self.path)} : {self.message}"


class InvalidDocument(Exception):
    """A document (grid file, fact sheet, footprint input, case import…) is not valid."""

    def __init__(self, problems: Iterable[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self.report())

    def report(self) -> str:
        """A French, multi-line report naming the source and each problem."""
        where = f"{self.source} : " if self.source else ""
        count = len(self.problems)
        head = f"{where}document invalide ({count} problème{'s' if count > 1 else ''})"
        return "\n".join([head, *(f"  - {p.render()}" for p in self.problems)])


class Refusal(ValueError):
    """A change refused by a business rule (validity, permission, red line, state, limit).

    The one error family of the services: every message is French and user-facing, nothing was
    changed, and ``field`` names the input concerned when there is one. Entry points turn it
    into the page's error summary, a 4xx answer or a CLI message (exit 2). It derives from
    :class:`ValueError` so that older callers that catch ``ValueError`` keep working.
    """

    def __init__(self, messages: str | Sequence[str], *, field: str | None = None) -> None:
        self.messages: tuple[str, ...] = ((messages,) if isinstance(messages, str)
                                          else tuple(messages))
        self.field = field
        super().__init__(" ".join(self.messages))


class Forbidden(Refusal):
    """The person's role or place in the case does not allow the change (HTTP 403)."""


class Conflict(Refusal):
    """Someone else changed the record since it was read: nothing was overwritten; ``current``
    is the record as it is now stored, for the conflict view."""

    def __init__(self, message: str, current: object) -> None:
        self.current = current
        super().__init__(message)
