"""What changed between two versions of a grid, and which answers must be given again.

Items are matched by identifier; a new version may declare renamed identifiers in
``derived_from.replaced_ids`` (old id → new id). An answer must be given again when its
question is new, or when the text, type, unit, bounds or exclusive options of its question
changed, or when one of its options was removed (a renamed option is a removal and an
addition); a change of help text, referents, vendor flag or option labels keeps the answer,
and so do options only added (or reordered): every previous answer still names an option of
the new version. A grid author who adds an option keeps the old options in the same meaning
(a narrower meaning is a new option id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from boussole.core.grid.answers import AnswerInvalid, validate_value
from boussole.core.grid.model import Fact, Grid, Question

_MATERIAL = ("text", "type", "unit", "option_ids", "exclusive", "min", "max")
_MINOR = ("help", "referents", "vendor", "computed", "section", "condition", "options",
          "number", "criterion")

_LABELS = {
    "text": "texte", "type": "type de réponse", "unit": "unité", "option_ids": "options",
    "exclusive": "options exclusives", "min": "minimum", "max": "maximum", "help": "aide",
    "referents": "référents", "vendor": "question fournisseur", "computed": "calcul",
    "section": "sous-partie", "condition": "condition", "options": "libellés des options",
    "number": "numéro", "criterion": "critère",
}


@dataclass(frozen=True)
class ItemChange:
    old_id: str
    new_id: str
    label: str
    fields: tuple[str, ...]
    reanswer: bool
    #: Option ids of the new version unknown to the old one, in the new version's order.
    options_added: tuple[str, ...] = ()
    #: Option ids of the old version gone from the new one, in the old version's order.
    options_removed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"old_id": self.old_id, "new_id": self.new_id, "label": self.label,
                "fields": list(self.fields), "reanswer": self.reanswer,
                "options_added": list(self.options_added),
                "options_removed": list(self.options_removed)}

    def describe(self) -> str:
        """One French line: the item, what changed, and what becomes of its answers."""
        fields = ", ".join(_LABELS.get(f, f) for f in self.fields)
        notes = []
        if self.options_removed:
            notes.append(f"options supprimées : {', '.join(self.options_removed)}")
        if self.options_added:
            notes.append(f"options ajoutées : {', '.join(self.options_added)}")
        if self.reanswer:
            notes.append("à répondre de nouveau")
        elif self.options_added or self.options_removed:
            notes.append("réponses conservées")
        return f"Modifiée : {self.label} ({fields})" + "".join(f" — {n}" for n in notes)


@dataclass
class GridDiff:
    old_key: str
    new_key: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def must_reanswer(self) -> list[str]:
        """New ids of the items to answer (again) under the new version."""
        return self.added + [c.new_id for c in self.changed if c.reanswer]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.renamed)

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old_key, "new": self.new_key, "added": self.added,
                "removed": self.removed, "renamed": self.renamed,
                "changed": [c.to_dict() for c in self.changed],
                "must_reanswer": self.must_reanswer}

    def render(self) -> str:
        """A French, human-readable report."""
        lines = [f"Différences entre {self.old_key} et {self.new_key}"]
        if self.is_empty:
            lines.append("Aucune différence.")
            return "\n".join(lines)
        for title, ids in (("Ajoutées", self.added), ("Supprimées", self.removed)):
            if ids:
                lines.append(f"{title} ({len(ids)}) : {', '.join(ids)}")
        for old, new in self.renamed.items():
            lines.append(f"Renommée : {old} → {new}")
        for change in self.changed:
            lines.append(change.describe())
        must = self.must_reanswer
        lines.append(f"À répondre (de nouveau) : {len(must)}"
                     + (f" — {', '.join(must)}" if must else ""))
        return "\n".join(lines)


def _fields(item: Question | Fact) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in (*_MATERIAL, *_MINOR):
        if name == "option_ids":
            values[name] = item.option_ids
        elif hasattr(item, name):
            values[name] = getattr(item, name)
    return values


def _label(item: Question | Fact) -> str:
    if isinstance(item, Question):
        return f"Q{item.number} ({item.id})"
    return f"profil {item.id}"


def diff_grids(old: Grid, new: Grid) -> GridDiff:
    result = GridDiff(old.key, new.key)
    renamed = {o: n for o, n in new.replaced_ids.items()}
    result.renamed = dict(renamed)
    old_items: dict[str, Question | Fact] = {q.id: q for q in old.questions}
    old_items.update({f.id: f for f in old.profile})
    new_items: dict[str, Question | Fact] = {q.id: q for q in new.questions}
    new_items.update({f.id: f for f in new.profile})
    matched_new = set()
    for old_id, old_item in old_items.items():
        new_id = renamed.get(old_id, old_id)
        new_item = new_items.get(new_id)
        if new_item is None or type(new_item) is not type(old_item):
            result.removed.append(old_id)
            continue
        matched_new.add(new_id)
        before, after = _fields(old_item), _fields(new_item)
        changed = tuple(name for name in before if before[name] != after.get(name))
        if changed:
            old_options, new_options = old_item.option_ids, new_item.option_ids
            added = tuple(o for o in new_options if o not in old_options)
            removed = tuple(o for o in old_options if o not in new_options)
            # Options only added (or reordered): every previous answer is still an option.
            material = [name for name in changed if name in _MATERIAL
                        and (name != "option_ids" or removed)]
            result.changed.append(ItemChange(old_id, new_id, _label(new_item), changed,
                                             bool(material), added, removed))
    result.added = [item_id for item_id in new_items if item_id not in matched_new]
    return result


@dataclass
class Migration:
    """Answers carried over to a new grid version, and those to give again."""

    kept: dict[str, Any]
    to_reanswer: list[str]
    dropped: list[str]


def migrate_answers(diff: GridDiff, new: Grid, answers: Mapping[str, Any]) -> Migration:
    """Carry answers (keyed by old ids) over to ``new``; nothing is silently re-interpreted."""
    reanswer = {c.old_id for c in diff.changed if c.reanswer}
    kept: dict[str, Any] = {}
    to_reanswer: list[str] = []
    dropped: list[str] = []
    for old_id, value in answers.items():
        if old_id in diff.removed:
            dropped.append(old_id)
            continue
        new_id = diff.renamed.get(old_id, old_id)
        item: Question | Fact
        try:
            item = new.question(new_id) if new.has_question(new_id) else new.fact(new_id)
        except KeyError:
            dropped.append(old_id)
            continue
        if old_id in reanswer:
            to_reanswer.append(new_id)
            continue
        try:
            kept[new_id] = validate_value(item, value)
        except AnswerInvalid:
            to_reanswer.append(new_id)
    to_reanswer.extend(i for i in diff.added if i not in to_reanswer)
    return Migration(kept, to_reanswer, dropped)
