"""A whole case as one self-contained JSON document (format ``boussole-case/1``).

The package is split by task: :mod:`.export` builds the document (export, snapshot, evidence
checks), :mod:`.reader` reads the file and typed fields, :mod:`.validation` checks a whole
document, :mod:`.importer` writes it. The public names are re-exported here.

``case_export`` writes the case, its answers, assignments, comments, evidence (file bytes
embedded in base64), opinions and audit trail, in a deterministic order. ``case_import``
validates the *whole* document first — every problem is collected with its path inside the
document, in French — and raises :class:`~boussole.core.errors.InvalidDocument` before writing
anything; it then writes everything in one transaction.

Import rules:

* people are matched by username within the target organisation; nobody is created. Usernames
  are unique on an instance, so only an import into the case's own organisation finds them.
  The records of an unknown person (answers, comments, evidence, opinions, "assigned by",
  "resolved by", lead, creator) are attributed to the importing user, and the mapping is
  written in the ``case_imported`` audit event. An assignment *of* an unknown person is not
  imported (only referents and project leads may be designated, and the importer did not
  accept the task): it is listed in that event too. An audit event of an unknown person keeps
  its ``actor_name`` and gets no ``actor``: the trail never claims that the importer did what
  someone else did. An unknown vendor account is left empty.
* the case keeps its reference unless the organisation already uses it (then a new one).
* the audit trail keeps its events (sequence, time, actor name, action, item, before, after,
  note, verbatim — identifiers inside ``before``/``after`` are the source's) but is
  re-chained: the hash of an event covers the case and actor primary keys, which change. The
  source chain is first verified against the document (``source.case_id`` and each event's
  ``actor_id``); that result and the source's last hash go into the final ``case_imported``
  event, so that the imported trail verifies with ``audit_verify``. A document whose source
  chain does not verify is still imported, flagged in that event.

``case_snapshot`` is the export without what an import legitimately changes (export time, source
identifiers, reference, hashes): after an import into the same organisation,
``case_snapshot(imported)`` equals ``case_snapshot(original)`` plus the trailing
``case_imported`` event; into another organisation, the same holds for
``case_snapshot(..., people=False)`` once the dropped assignments are set aside.
"""

from boussole.web.cases.exchange.export import (
    FORMAT,
    PERSON_FIELDS,
    ExportError,
    case_export,
    case_snapshot,
    evidence_problems,
)
from boussole.web.cases.exchange.importer import case_import
from boussole.web.cases.exchange.reader import load_document
from boussole.web.cases.exchange.validation import Plan, validate_document

__all__ = [
    "FORMAT",
    "PERSON_FIELDS",
    "ExportError",
    "Plan",
    "case_export",
    "case_import",
    "case_snapshot",
    "evidence_problems",
    "load_document",
    "validate_document",
]
