"""Export and import of a whole case as one JSON document (``boussole-case/1``)."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from boussole.core.errors import InvalidDocument
from boussole.core.grid import GridRegistry
from boussole.web.cases import services
from boussole.web.cases.audit import audit_verify
from boussole.web.cases.exchange import (
    FORMAT,
    ExportError,
    case_export,
    case_import,
    case_snapshot,
    evidence_problems,
)
from boussole.web.cases.models import (
    Answer,
    Assignment,
    AuditEvent,
    Case,
    Comment,
    Evidence,
    Opinion,
)
from boussole.web.grids import current_grid, grid_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

#: One answer of every type: profile facts first, then questions (the export's order).
FACTS: dict[str, Any] = {  # in the grid's order
    "est_ia": "oui",                          # yes_no
    "role": "deployeur",                      # single_choice
    "en_service_avant": "oui",
    "en_service_depuis": "2023-05-01",        # date
    "biometrie": ["aucune"],                  # multiple_choice (exclusive option)
    "personnes": ["usagers", "agents"],       # multiple_choice
    # The facts that could trigger a red line are established, so that favourable opinions on
    # criteria 1-2 are possible ("je ne sais pas" would keep the red line open).
    "sensibles_comme_critere": "non",
    "decision": "aucune",
    "pratiques_art5": ["aucune"],
    "video": "non",
    "securite.dict.D": 3,                     # scale
}
QUESTIONS: dict[str, tuple[Any, str]] = {
    "donnees_non_discriminatoires": ("oui", "Aucune donnée sensible."),         # yes_no
    "conformite_donnees_personnelles": ("AIPD réalisée avec le DPO.", ""),        # text
    "nombre_usagers": (1200, ""),                                                 # number
    "benefices_relation_usagers": (["meilleure_information"], ""),               # multiple
    "efficacite_interne": ("nsp", "À mesurer."),                                  # unknown
    "emissions_fabrication": (12.5, "Fiche constructeur du serveur."),            # computed
    "cpu_infrastructure": ("local", ""),                                          # single_choice
}


def db_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Case, Answer, AuditEvent, Assignment, Comment, Evidence, Opinion)}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "files"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, Any]:
    return {
        "porteur": make_user("porteur", organisation, first_name="Camille", last_name="Morin"),
        "juriste": make_user("juriste", organisation, role="referent", first_name="Yann",
                             last_name="Le Goff"),
        "rssi": make_user("rssi", organisation, role="referent", domain="cybersecurite",
                          first_name="Inès", last_name="Bernard"),
    }


@pytest.fixture
def rich_case(organisation: Any, people: dict[str, Any], media: Path) -> Any:
    """A case with answers of every type, threads, a file, an opinion and an assignment."""
    lead, juriste, rssi = people["porteur"], people["juriste"], people["rssi"]
    case = services.case_create(organisation=organisation, user=lead, title="Agent d'accueil",
                                service="Relation aux usagers", purpose="Répondre 24 h/24.",
                                vendor="Société fictive")
    for item_id, value in FACTS.items():
        services.answer_record(case=case, user=juriste, item_id=item_id, value=value)
    # Each answer by someone the rules allow: the lawyer on criteria 1-2, the lead on
    # criterion 3, and a referent the lead names on criteria 3 and 5.
    services.assignment_add(case=case, user=lead, criterion=3, referent=rssi)
    services.assignment_add(case=case, user=lead, criterion=5, referent=rssi)
    authors = {1: juriste, 2: juriste, 3: lead, 5: rssi}
    grid = grid_for(case.grid_id, case.grid_version)
    for item_id, (value, justification) in QUESTIONS.items():
        services.answer_record(case=case, user=authors[grid.item(item_id).criterion],
                               item_id=item_id, value=value, justification=justification)
    services.answer_record(case=case, user=rssi, item_id="nombre_usagers", value="1 500")
    question = services.comment_add(case=case, user=juriste, item_id="nombre_usagers",
                                    criterion=3, body="D'où vient ce chiffre ?")
    services.comment_add(case=case, user=lead, body="Du bilan annuel 2024.", parent=question)
    thread = services.comment_add(case=case, user=rssi, criterion=2,
                                  body="Analyse de risques à joindre.")
    services.comment_resolve(case=case, user=lead, comment=thread)
    services.evidence_add(case=case, user=lead, item_id="conformite_donnees_personnelles",
                          criterion=2, upload=SimpleUploadedFile(
                              "aipd.pdf", PDF, content_type="application/pdf"))
    services.assignment_add(case=case, user=lead, criterion=2, referent=juriste)
    services.case_move(case=case, user=lead, state="en_instruction", note="Dossier complet.")
    services.opinion_give(case=case, user=juriste, criterion=1,
                          verdict="favorable_reserves", recommendations="Vérifier les biais.")
    case.refresh_from_db()
    return case


def import_event(case: Any) -> tuple[Any, dict[str, Any]]:
    """The ``case_imported`` audit event of an imported case, and what it records."""
    event = case.audit_events.get(action="case_imported")
    assert isinstance(event.after, dict)
    return event, event.after


def exported(case: Any) -> dict[str, Any]:
    """The export, through actual JSON text (it must be serialisable)."""
    document: dict[str, Any] = json.loads(json.dumps(case_export(case), ensure_ascii=False))
    return document


# --- Export ---------------------------------------------------------------------------------

def test_export_is_complete_and_ordered(rich_case: Any) -> None:
    document = exported(rich_case)
    assert document["format"] == FORMAT
    # A new case is pinned to the current (latest) grid version.
    assert document["grid"] == {"id": "boussole-nantes", "version": current_grid().version}
    assert document["case"]["reference"] == rich_case.reference
    assert document["case"]["state"] == "en_instruction"
    assert document["case"]["lead"] == {"username": "porteur", "name": "Camille Morin"}
    assert [a["item_id"] for a in document["answers"]] == [*FACTS, *QUESTIONS]
    usagers = next(a for a in document["answers"] if a["item_id"] == "nombre_usagers")
    assert usagers["value"] == 1500 and usagers["revision"] == 2
    assert usagers["answered_by"]["username"] == "rssi"
    first, reply, resolved = document["comments"]
    assert (first["id"], reply["parent"], resolved["parent"]) == (1, 1, None)
    assert resolved["resolved_by"]["username"] == "porteur" and resolved["resolved_at"]
    piece = document["evidence"][0]
    assert base64.b64decode(piece["content_base64"]) == PDF and piece["size"] == len(PDF)
    assert document["opinions"][0]["verdict"] == "favorable_reserves"
    assert document["assignments"][0]["user"]["username"] == "juriste"
    assert [e["sequence"] for e in document["audit"]] == list(
        range(1, len(document["audit"]) + 1))
    assert case_export(rich_case)["answers"] == document["answers"]  # deterministic


def test_export_refuses_a_missing_file(rich_case: Any) -> None:
    Path(Evidence.objects.get(case=rich_case).file.path).unlink()
    with pytest.raises(ExportError, match="introuvable"):
        case_export(rich_case)


def test_the_frozen_document_needs_no_evidence_bytes(rich_case: Any) -> None:
    """``freeze`` builds its document without content: a missing file does not stop it (the
    hash recorded at upload describes the piece), and ``evidence_problems`` names it."""
    piece = Evidence.objects.get(case=rich_case)
    assert evidence_problems(rich_case) == []
    Path(piece.file.path).unlink()
    document = case_export(rich_case, with_content=False)
    [described] = document["evidence"]
    assert described["sha256"] == piece.sha256 and "content_base64" not in described
    assert evidence_problems(rich_case) == [
        "pièce justificative « aipd.pdf » introuvable dans le stockage des fichiers."]


# --- Round trip -----------------------------------------------------------------------------

def test_round_trip_into_another_organisation(rich_case: Any, other_organisation: Any,
                                              make_user: Any, media: Path) -> None:
    importer = make_user("import", other_organisation, role="admin", first_name="Alex",
                         last_name="Import")
    document = exported(rich_case)
    imported = case_import(document, organisation=other_organisation, user=importer,
                           source="agent.json")

    assert imported.pk != rich_case.pk and imported.organisation == other_organisation
    assert imported.reference == rich_case.reference  # free in this organisation
    assert audit_verify(imported)
    before, after = (case_snapshot(rich_case, people=False),
                     case_snapshot(imported, people=False))
    last = after["audit"].pop()
    assert last["action"] == "case_imported"
    # Documented difference: an assignment of someone absent from the organisation is dropped.
    assert after.pop("assignments") == [] and before.pop("assignments")
    assert after == before

    # Usernames are unique on an instance: nobody is found, the importer carries the records.
    again = exported(imported)
    assert {a["answered_by"]["username"] for a in again["answers"]} == {"import"}
    assert again["case"]["lead"]["username"] == "import"
    assert {c["author"]["username"] for c in again["comments"]} == {"import"}
    # … while the audit trail keeps the original names, and no actor.
    assert [e["actor_name"] for e in again["audit"][:-1]] == [
        e["actor_name"] for e in document["audit"]]
    assert all(e["actor"] is None for e in again["audit"][:-1])
    event, record = import_event(imported)
    assert event.actor == importer
    assert record["source_audit"] == {"events": len(document["audit"]),
                                           "last_hash": document["audit"][-1]["hash"],
                                           "verified": True}
    assert record["source"]["reference"] == rich_case.reference
    assert {p["username"] for p in record["unmatched_people"]} == {
        "porteur", "juriste", "rssi"}
    assert "agent.json" in event.note and "Alex Import" in event.note
    assert "Camille Morin (porteur)" in event.note and "Désignations non reprises" in event.note
    # The file is a new copy with the same content.
    piece = Evidence.objects.get(case=imported)
    assert piece.file.read() == PDF


def test_round_trip_into_the_same_organisation(rich_case: Any, organisation: Any,
                                               people: dict[str, Any], make_user: Any) -> None:
    importer = make_user("admin", organisation, role="admin")
    imported = case_import(exported(rich_case), organisation=organisation, user=importer)
    assert imported.reference != rich_case.reference  # already taken: renumbered
    assert audit_verify(imported)
    before, after = case_snapshot(rich_case), case_snapshot(imported)
    assert after["audit"].pop()["action"] == "case_imported"
    assert after == before  # same people, found by username
    event, record = import_event(imported)
    assert record["unmatched_people"] == [] and record["dropped_assignments"] == []
    assert f"devient {imported.reference}" in event.note


def test_a_tampered_audit_trail_is_imported_but_flagged(rich_case: Any, organisation: Any,
                                                        make_user: Any) -> None:
    document = exported(rich_case)
    document["audit"][1]["note"] = "réécrit après coup"
    imported = case_import(document, organisation=organisation,
                           user=make_user("admin", organisation, role="admin"))
    assert audit_verify(imported)  # the new trail is consistent…
    event, record = import_event(imported)
    assert record["source_audit"]["verified"] is False  # …and says the source was not
    assert "NON vérifiée" in event.note


# --- Malformed documents --------------------------------------------------------------------

def _set(document: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target: Any = document
    for part in parents:
        target = target[part]
    target[last] = value


MALFORMED: list[tuple[dict[str, Any], list[str]]] = [
    # (changes {dotted path: value}, expected fragments of the report)
    ({"answers.3.value": "peut-être"},
     ["answers[3].value : réponse invalide pour « en_service_depuis »", "n'est pas une date"]),
    ({"answers.0.value": "peut-être"},
     ["answers[0].value : réponse invalide pour « est_ia » : Répondez « oui », « non »"]),
    ({"answers.0.item_id": "question_inconnue"},
     ["answers[0].item_id : « question_inconnue » n'est ni une question ni un fait du profil "
      f"de la grille {GridRegistry().get('boussole-nantes').key}"]),
    ({"grid.version": 99},
     ["grid : grille « boussole-nantes » version 99 inconnue de cette instance"]),
    ({"evidence.0.content_base64": "pas du base64 !"},
     ["evidence[0].content_base64 : contenu base64 invalide"]),
    ({"evidence.0.sha256": "0" * 64},
     ["evidence[0].sha256 : l'empreinte SHA-256 ne correspond pas au contenu"]),
    ({"comments.1.parent": 42},
     ["comments[1].parent : commentaire parent « 42 » introuvable"]),
    ({"comments.2.parent": 2},  # a reply to a reply: threads are one level deep, as on the web
     ["comments[2].parent : une réponse ne peut répondre qu'à un commentaire qui n'est pas "
      "lui-même une réponse"]),
    ({"comments.0.parent": 1},  # a comment answering itself
     ["comments[0].parent : une réponse ne peut répondre qu'à un commentaire"]),
    ({"case.state": "valide", "opinions.0.verdict": "bof", "assignments.0.criterion": 9},
     ["case.state : étape « valide » inconnue", "opinions[0].verdict : avis « bof » inconnu",
      "assignments[0].criterion : critère n° 9 inconnu"]),
    ({"case.title": 12, "answers.1.revision": "2", "audit.0.at": "hier",
      "comments.0.body": "", "evidence.0.size": None, "answers.2.answered_by": "juriste",
      "audit.2.sequence": 7, "opinions.0.author": {"username": "juriste"}},
     ["case.title : doit être un texte, pas un nombre entier",
      "answers[1].revision : doit être un nombre entier, pas un texte",
      "audit[0].at : « hier » n'est pas une date et heure ISO 8601",
      "comments[0].body : ne doit pas être vide",
      "evidence[0].size : doit être un nombre entier, pas une valeur vide",
      "answers[2].answered_by : doit être un objet (clé : valeur), pas un texte",
      "audit[2].sequence : numéro d'ordre 3 attendu",
      "opinions[0].author : champ obligatoire manquant : « name »",
      "(8 problèmes)"]),
    ({"case.purpose": "nul\x00", "audit.0.after": {"x": float("nan")}, "intrus": 1},
     ["case.purpose : le caractère nul", "audit[0].after.x : nombre non fini",
      "intrus : clé inconnue « intrus »"]),
    ({"answers.16.justification": ""},  # the computed emissions, overridden without reason
     ["answers[16].justification : une valeur saisie à la place du calcul doit être justifiée"]),
]


@pytest.mark.parametrize(("changes", "expected"), MALFORMED,
                         ids=[",".join(c) for c, _ in MALFORMED])
def test_malformed_documents_are_rejected_whole(rich_case: Any, other_organisation: Any,
                                                make_user: Any, media: Path,
                                                changes: dict[str, Any],
                                                expected: list[str]) -> None:
    importer = make_user("import", other_organisation, role="admin")
    document = exported(rich_case)
    for path, value in changes.items():
        _set(document, path, value)
    counts, files = db_counts(), sorted(media.rglob("*"))
    with pytest.raises(InvalidDocument) as caught:
        case_import(document, organisation=other_organisation, user=importer,
                    source="dossier.json")
    report = caught.value.report()
    assert report.startswith("dossier.json : document invalide")
    for fragment in expected:
        assert fragment in report, report
    assert db_counts() == counts
    assert sorted(media.rglob("*")) == files


@pytest.mark.parametrize(("document", "expected"), [
    ([], "le document doit être un objet JSON (clé : valeur), pas une liste"),
    ("texte", "le document doit être un objet JSON (clé : valeur), pas un texte"),
    ({"case": {}}, "champ obligatoire manquant : « format »"),
    ({"format": "boussole-case/2"}, "format : format « boussole-case/2 » non reconnu : "
                                    "« boussole-case/1 » attendu"),
    ({"format": FORMAT}, "champ obligatoire manquant : « answers »"),
])
def test_documents_that_are_not_case_exports(other_organisation: Any, make_user: Any,
                                             document: Any, expected: str) -> None:
    importer = make_user("import", other_organisation, role="admin")
    counts = db_counts()
    with pytest.raises(InvalidDocument) as caught:
        case_import(document, organisation=other_organisation, user=importer)
    assert expected in caught.value.report()
    assert db_counts() == counts


def test_every_problem_is_reported_at_once(rich_case: Any, other_organisation: Any,
                                           make_user: Any) -> None:
    document = exported(rich_case)
    broken = copy.deepcopy(document)
    for answer in broken["answers"]:
        answer["value"] = None
    with pytest.raises(InvalidDocument) as caught:
        case_import(broken, organisation=other_organisation,
                    user=make_user("import", other_organisation, role="admin"))
    assert len(caught.value.problems) == len(document["answers"])
    assert all(p.message.endswith("Une réponse est attendue (ou « Je ne sais pas »).")
               for p in caught.value.problems)


def test_the_importer_must_belong_to_the_organisation(rich_case: Any,
                                                      other_organisation: Any) -> None:
    with pytest.raises(ValueError, match="n'appartient pas"):
        case_import(exported(rich_case), organisation=other_organisation,
                    user=rich_case.lead)


def test_the_legal_levels_are_derived_again(rich_case: Any, other_organisation: Any,
                                            make_user: Any) -> None:
    imported = case_import(exported(rich_case), organisation=other_organisation,
                           user=make_user("import", other_organisation, role="admin"))
    assert rich_case.legal_level and rich_case.rules_version
    # Derived from the facts and the receiving organisation's parameters (its headcount).
    assert imported.legal_level and imported.rules_version == rich_case.rules_version


def test_a_red_line_case_cannot_be_imported_past_the_group_opinion(
        rich_case: Any, other_organisation: Any, make_user: Any) -> None:
    document = exported(rich_case)
    for answer in document["answers"]:
        if answer["item_id"] == "biometrie":
            answer["value"] = ["identification"]
    document["case"]["state"] = "en_service"
    importer = make_user("import", other_organisation, role="admin")
    before = db_counts()
    with pytest.raises(InvalidDocument, match="ligne rouge"):
        case_import(document, organisation=other_organisation, user=importer)
    assert db_counts() == before
    document["case"]["state"] = "refuse"
    with pytest.raises(InvalidDocument, match="critère 1"):  # its favourable opinion
        case_import(document, organisation=other_organisation, user=importer)
    assert db_counts() == before
    for opinion in document["opinions"]:
        opinion["verdict"] = "defavorable"
        opinion["recommendations"] = opinion["recommendations"] or "Irrecevable."
    assert case_import(document, organisation=other_organisation, user=importer).red_line


def test_an_imported_reference_never_blocks_new_cases(rich_case: Any, organisation: Any,
                                                       people: dict[str, Any]) -> None:
    document = exported(rich_case)
    year = rich_case.reference.split("-")[0]
    document["case"]["reference"] = f"{year}-003"
    case_import(document, organisation=organisation, user=people.get("admin", rich_case.lead))
    references = {services.case_create(organisation=organisation, user=rich_case.lead,
                                       title=f"Nouveau {n}", service="S", purpose="P").reference
                  for n in range(3)}
    assert len(references) == 3 and f"{year}-003" not in references


def test_a_deep_reply_chain_is_refused_whole(rich_case: Any, other_organisation: Any,
                                             make_user: Any) -> None:
    """3,000 comments each answering the previous one: the web never makes such a chain."""
    document = exported(rich_case)
    base = dict(document["comments"][0])
    document["comments"] = [{**base, "id": n, "parent": n - 1 if n > 1 else None,
                             "resolved_at": None, "resolved_by": None}
                            for n in range(1, 3001)]
    before = db_counts()
    with pytest.raises(InvalidDocument) as caught:
        case_import(document, organisation=other_organisation,
                    user=make_user("import", other_organisation, role="admin"))
    assert len(caught.value.problems) == 2998  # comment 2 answers the root: allowed
    assert "n'ont qu'un niveau" in caught.value.problems[0].message
    assert db_counts() == before
