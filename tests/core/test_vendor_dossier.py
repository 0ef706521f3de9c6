"""The « dossier fournisseur »: built, read back under the same grid, carried over from grid
version 1 to 2, and across a version whose vendor questions changed; malformed ones refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from boussole.core.errors import InvalidDocument
from boussole.core.grid import GridRegistry
from boussole.core.grid.loader import bundled_grid_dir, load_grid_text
from boussole.core.grid.model import Grid
from boussole.core.limits import LIMITS
from boussole.core.procurement import dossier
from boussole.core.procurement.annex import AnnexAnswer
from boussole.core.procurement.pack import vendor_questions

REGISTRY = GridRegistry()
V1 = REGISTRY.get("boussole-nantes", 1)
V2 = REGISTRY.get("boussole-nantes", 2)
WHEN = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


def _v3() -> Grid:
    """Version 3 of the grid: Q22's text changed, Q23 no longer a vendor question, Q24's id
    changed (removed and added), Q21's help changed (minor)."""
    text = (bundled_grid_dir() / "boussole-nantes-v2.yaml").read_text(encoding="utf-8")
    replacements = [
        ("version: 2\nderived_from: {id: boussole-nantes, version: 1}",
         "version: 3\nderived_from: {id: boussole-nantes, version: 2}"),
        ("L'utilisation de matériels reconditionnés est-il favorisé ?",
         "Quelle part du matériel est reconditionnée ?"),
        ("L'utilisation d'équipements écolabellisés", "Le recours à des équipements écolabellisés"),
        ("id: fabrication_type_materiel", "id: fabrication_materiel"),
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)  # the first one (Q21's help; Q22 has the same)
    start = text.index("id: fin_de_vie_materiel")
    cut = text.index("vendor: true", start)
    text = text[:cut] + "vendor: false" + text[cut + len("vendor: true"):]
    return load_grid_text(text, source="v3")


def _registry(*grids: Grid) -> Any:
    known = {(g.id, g.version): g for g in grids}

    def find(grid_id: str, version: int) -> Grid:
        try:
            return known[(grid_id, version)]
        except KeyError:
            raise LookupError(f"grille {grid_id}@{version} introuvable") from None
    return find


def sample_answers(grid: Grid) -> dict[str, AnnexAnswer]:
    answers: dict[str, AnnexAnswer] = {}
    for q in vendor_questions(grid):
        if q.type == "yes_no":
            value: Any = "oui"
        elif q.type == "single_choice":
            value = q.options[0][0]
        elif q.type == "number":
            value = 42
        else:
            value = f"Réponse à {q.label}"
        answers[q.id] = AnnexAnswer(value, f"Justification de {q.label}",
                                    "preuve.pdf" if q.number % 2 else "")
    answers["cpu_infrastructure"] = AnnexAnswer("nsp", "", "")
    answers["gpu_infrastructure"] = AnnexAnswer(None, "Hébergement à choisir par la collectivité.",
                                                "")
    return answers


def _bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def test_build_shape() -> None:
    answers = sample_answers(V2)
    document = dossier.build(V2, vendor="Acme IA", product="Assistant courrier v3",
                             answers=answers, exported_at=WHEN, organisation="Ville de Test")
    assert document["format"] == "boussole-dossier-fournisseur/1"
    assert document["grid"] == {"id": "boussole-nantes", "version": 2, "title": V2.title}
    assert document["exported_at"] == "2026-12-04T10:00:00+00:00"
    assert list(document["answers"]) == [q.id for q in vendor_questions(V2)]
    first = document["answers"]["materiel_ecolabellise"]
    assert first == {"number": 21, "question": V2.question("materiel_ecolabellise").text,
                     "value": "oui", "justification": "Justification de Q21",
                     "document": "preuve.pdf"}
    with pytest.raises(ValueError, match="etape_decision"):
        dossier.build(V2, vendor="A", product="", exported_at=WHEN,
                      answers={"etape_decision": AnnexAnswer("oui")})


def test_round_trip_on_the_same_grid() -> None:
    answers = sample_answers(V2)
    data = _bytes(dossier.build(V2, vendor="Acme IA", product="P", answers=answers,
                                exported_at=WHEN))
    read, diff = dossier.read(data, V2)
    assert read == answers
    assert diff.same_grid and diff.grid_diff is None
    assert diff.kept == [q.id for q in vendor_questions(V2)]
    assert (diff.changed, diff.removed, diff.invalid) == ([], [], {})


def test_from_version_1_to_2_every_answer_is_kept() -> None:
    answers = sample_answers(V1)
    data = _bytes(dossier.build(V1, vendor="Acme IA", product="P", answers=answers,
                                exported_at=WHEN))
    read, diff = dossier.read(data, V2, _registry(V1, V2))
    assert read == answers
    assert diff.source_key == "boussole-nantes@1" and diff.target_key == "boussole-nantes@2"
    assert diff.source_label == f"« {V1.title} », version 1"
    assert diff.target_label == f"« {V2.title} », version 2"
    assert f"établi sur la grille « {V1.title} », version 1, importé sur" in diff.render()
    assert diff.grid_diff is not None and diff.grid_diff.old_key == "boussole-nantes@1"
    # Between 1 and 2 only a profile fact changed: no vendor question is to answer again.
    assert [c.old_id for c in diff.grid_diff.changed] == ["biometrie"]
    assert (diff.changed, diff.removed, diff.invalid) == ([], [], {})
    assert "Réponses reprises : 57." in diff.render()


def test_across_a_version_whose_vendor_questions_changed() -> None:
    v3 = _v3()
    answers = sample_answers(V2)
    data = _bytes(dossier.build(V2, vendor="Acme IA", product="P", answers=answers,
                                exported_at=WHEN))
    read, diff = dossier.read(data, v3, _registry(V1, V2, v3))
    assert diff.changed == ["materiel_reconditionne"]
    assert sorted(diff.removed) == ["fabrication_type_materiel", "fin_de_vie_materiel"]
    assert diff.invalid == {}
    # A help text changed: the answer is kept.
    assert read["materiel_ecolabellise"] == answers["materiel_ecolabellise"]
    gone = {"materiel_reconditionne", "fin_de_vie_materiel", "fabrication_type_materiel"}
    assert set(read) == set(answers) - gone
    assert diff.kept == [q.id for q in vendor_questions(v3) if q.id in read]
    text = diff.render()
    assert "à répondre de nouveau : materiel_reconditionne" in text
    assert diff.to_dict()["grid_diff"]["new"] == "boussole-nantes@3"


def test_unknown_source_version_is_matched_by_id_and_text() -> None:
    v3 = _v3()
    answers = sample_answers(v3)
    data = _bytes(dossier.build(v3, vendor="Acme IA", product="P", answers=answers,
                                exported_at=WHEN))
    # Version 3 is unknown to this instance: questions are matched by id, texts compared.
    read, diff = dossier.read(data, V2, _registry(V1, V2))
    assert diff.grid_diff is None
    assert diff.changed == ["materiel_reconditionne"]
    assert diff.removed == ["fabrication_materiel"]  # unknown id here
    assert "fin_de_vie_materiel" not in answers  # not a vendor question in version 3
    assert read["materiel_ecolabellise"] == answers["materiel_ecolabellise"]


def test_answer_no_longer_valid_is_set_aside() -> None:
    text = (bundled_grid_dir() / "boussole-nantes-v2.yaml").read_text(encoding="utf-8")
    # Without replaced_ids or a text change, an option removed makes the question changed
    # (to answer again): the diff handles it. Here the grid is unknown: the value is checked.
    other = load_grid_text(text.replace("version: 2\n", "version: 4\n", 1).replace(
        "id: ovhcloud", "id: ovh_cloud"), source="v4")
    answers = {"cpu_infrastructure": AnnexAnswer("ovhcloud", "Hébergé chez OVHcloud.", "")}
    data = _bytes(dossier.build(V2, vendor="A", product="", answers=answers, exported_at=WHEN))
    read, diff = dossier.read(data, other)
    assert read == {} and list(diff.invalid) == ["cpu_infrastructure"]
    assert "Option inconnue : ovhcloud" in diff.invalid["cpu_infrastructure"]


def _refused(document: Any, grid: Grid = V2) -> str:
    data = document if isinstance(document, bytes) else _bytes(document)
    with pytest.raises(InvalidDocument) as caught:
        dossier.read(data, grid, source="acme.json")
    assert caught.value.source == "acme.json"
    return caught.value.report()


def test_malformed_dossiers_are_refused_whole() -> None:
    good = dossier.build(V2, vendor="Acme IA", product="P", answers=sample_answers(V2),
                         exported_at=WHEN)
    assert "format « boussole-dossier-fournisseur/1 » attendu" in _refused(
        {**good, "format": "boussole-case/1"})
    assert "JSON invalide" in _refused(b"{not json")
    assert "le document est vide" in _refused(b"  ")
    assert "n'est pas du texte UTF-8" in _refused(b"\xff\xfe\x00")
    assert "vendor : ne doit pas être vide" in _refused({**good, "vendor": " "})
    assert "grid.version : numéro de version attendu" in _refused(
        {**good, "grid": {"id": "boussole-nantes", "version": "2"}})
    assert "exported_at : date et heure ISO 8601 attendue" in _refused(
        {**good, "exported_at": "hier"})
    assert "clé inconnue « extra »" in _refused({**good, "extra": 1})
    bad = json.loads(json.dumps(good))
    bad["answers"]["materiel_ecolabellise"]["value"] = "peut-être"
    assert ("answers.materiel_ecolabellise.value : Répondez « oui », « non » ou « je ne sais "
            "pas »") in _refused(bad)
    bad = json.loads(json.dumps(good))
    bad["answers"]["materiel_ecolabellise"]["justification"] = "x" * (
        LIMITS["justification"] + 1)
    assert "answers.materiel_ecolabellise.justification : texte trop long" in _refused(bad)
    bad = json.loads(json.dumps(good))
    bad["answers"]["question_inventee"] = {"value": "oui"}
    assert "answers.question_inventee : question inconnue de la grille" in _refused(bad)
    assert "fichier trop volumineux" in _refused(b" " * (5 * 1024 * 1024 + 1))
