"""Size limits of the free texts a person writes into a case (one place for every entry point:
web forms, services, import). A limit keeps pages, journals and memos readable and bounded."""

from __future__ import annotations

from collections.abc import Mapping

#: Longest text, in characters, per kind of field.
LIMITS: Mapping[str, int] = {
    "title": 200,
    "service": 200,
    "vendor": 200,
    "purpose": 5_000,
    "justification": 5_000,
    "comment": 5_000,
    "recommendations": 10_000,
    "summary": 10_000,
    "conditions": 10_000,
    "rationale": 10_000,
    "measures": 10_000,
    "owner": 200,
    "reason": 2_000,
    "reference": 200,
    "body": 200,
    "documents": 5_000,
    "questions": 10_000,
    "answers": 10_000,
    "measure": 2_000,
    "measure_note": 2_000,
}

LABELS: Mapping[str, str] = {
    "title": "titre",
    "service": "service métier",
    "vendor": "prestataire",
    "purpose": "finalité",
    "justification": "justification",
    "comment": "commentaire",
    "recommendations": "recommandations",
    "summary": "synthèse",
    "conditions": "conditions",
    "rationale": "motivation",
    "measures": "mesures",
    "owner": "responsable",
    "reason": "motif",
    "reference": "référence",
    "body": "instance",
    "documents": "liste des documents",
    "questions": "questions",
    "answers": "réponses",
    "measure": "mesure",
    "measure_note": "note sur la mesure",
}


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def text_problem(kind: str, value: str) -> str | None:
    """A French message if ``value`` is longer than the limit for ``kind``, else ``None``."""
    limit = LIMITS[kind]
    if len(value) > limit:
        return (f"Texte trop long pour « {LABELS[kind]} » : {_thousands(limit)} caractères au "
                f"plus ({_thousands(len(value))} saisis). Raccourcissez le texte ou joignez un "
                "document.")
    return None


def texts_problems(**texts: str) -> list[str]:
    """The messages of every text that is too long (keyword = kind of field)."""
    return [problem for kind, value in texts.items()
            if (problem := text_problem(kind, value or "")) is not None]


#: Largest returned tender annex (ODS, XLSX or ODT file) accepted, in bytes; an annex of the
#: bundled grid filled with long answers weighs well under 1 MB.
MAX_ANNEX_BYTES = 5 * 1024 * 1024
#: Largest total uncompressed size of the annex's archive members (a zip bomb is refused
#: before any of it is read).
MAX_ANNEX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
#: Longest name of an attached document, in characters, in an annex or a vendor's dossier.
MAX_DOCUMENT_NAME = 255
