"""What the legal page and the memo say about the evaluation: its date, and what changed since
the evaluation recorded with the retained level (levels, rules version, date, per rule) after a
new rule base or new facts.

The old rule base is the one kept in ``tests/data/rules/2026.11.30-1``. The bundled rules may
still equal it, so every scenario that needs a difference forces one (other facts, or a copy of
the old base under another version name): nothing here depends on the content of the bundled
rules."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import formats, translation

from boussole.core.rules import Evaluation, Level, RuleBase, evaluate, load_rule_base
from boussole.reports.content import format_date
from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.legal import case_evaluation, case_facts, changes_since, parameters
from boussole.web.cases.models import Case, LegalAssessment
from boussole.web.decisions import memo
from boussole.web.decisions.models import FileVersion
from boussole.web.grids import grid_for

pytestmark = pytest.mark.django_db

OLD_RULES = Path(__file__).resolve().parents[1] / "data" / "rules" / "2026.11.30-1"
RECORDED_ON = dt.date(2026, 11, 30)


def french_date(day: dt.date) -> str:
    with translation.override("fr"):
        return str(formats.date_format(day, "DATE_FORMAT"))


def text_of(fragment: str) -> str:
    """The text a reader sees: inline tags removed, other tags made blanks, entities decoded,
    blanks collapsed."""
    inline = re.sub(r"</?(?:time|strong|span|em|a|code)\b[^>]*>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def section(page: str, start: str, end: str = "</table>") -> str:
    """The text of the part of ``page`` that begins with ``start`` (up to ``end``)."""
    assert start in page, f"{start!r} is not on the page"
    tail = page[page.index(start):]
    return text_of(tail[:tail.index(end) + len(end)] if end in tail else tail)


@pytest.fixture
def juriste(organisation: Any, make_user: Any) -> User:
    user: User = make_user("juriste", organisation, role="referent", domain="juridique")
    return user


@pytest.fixture
def case(organisation: Any, juriste: User) -> Case:
    """An AI case without biometrics."""
    case = services.case_create(organisation=organisation, user=juriste,
                                title="Tri du courrier", service="Courrier",
                                purpose="Orienter les courriers entrants.")
    services.answer_record(case=case, user=juriste, item_id="est_ia", value="oui")
    services.answer_record(case=case, user=juriste, item_id="biometrie", value=["aucune"])
    case.refresh_from_db()
    return case


def old_base(case: Case, tmp_path: Path, version: str | None = None) -> RuleBase:
    """The old rule base compiled for the case's grid; ``version`` renames it (a copy), so
    that its version differs from the bundled one whatever the bundled rules are."""
    directory = OLD_RULES
    if version is not None:
        directory = tmp_path / "regles-anciennes"
        shutil.copytree(OLD_RULES, directory)
        rules = directory / "regles.yaml"
        text, count = re.subn(r"(?m)^version:.*$", f'version: "{version}"', rules.read_text())
        assert count == 1
        rules.write_text(text)
    return load_rule_base(directory, grid=grid_for(case.grid_id, case.grid_version))


def record(case: Case, user: User, evaluation: Evaluation) -> LegalAssessment:
    """The assessment the lawyers recorded when ``evaluation`` was the rules' proposal."""
    return LegalAssessment.objects.create(
        case=case, proposed_level=evaluation.niveau_indicatif.name,
        potential_level=evaluation.niveau_potentiel.name,
        retained_level=evaluation.niveau_indicatif.name,
        rules_version=evaluation.base.version_label,
        evaluation=evaluation.to_json(), decided_by=user)


def evaluated_on(base: RuleBase, facts: dict[str, Any], case: Case) -> Evaluation:
    return evaluate(facts, {**parameters(case), "date_evaluation": RECORDED_ON}, base=base)


def test_the_legal_page_shows_the_level_change_since_the_old_rules(
        case: Case, juriste: User, client: Any, tmp_path: Path) -> None:
    base = old_base(case, tmp_path, version="2026.11.01-1")
    # Recorded under the old rules when the profile said "identification": a red line.
    old = evaluated_on(base, {**case_facts(case), "biometrie": ["identification"]}, case)
    assert old.niveau_indicatif is Level.BLOQUANT_DOCTRINE
    record(case, juriste, old)
    now = case_evaluation(case)
    assert now.niveau_indicatif is not Level.BLOQUANT_DOCTRINE
    today = now.date_evaluation

    client.force_login(juriste)
    response = client.get(f"/cas/{case.pk}/juridique/")
    assert response.status_code == 200
    page = response.content.decode()

    # The panel says which date the rules were applied at.
    panel = section(page, 'class="levels"', "</p>")
    assert f"règles {now.base.version_label}, évaluation au {french_date(today)}" in panel
    assert f'<time datetime="{today.isoformat()}">' in page

    # The recorded evaluation, under the retained level.
    assert (f"Évaluation enregistrée avec ce niveau : règles {old.base.version_label}, "
            f"évaluation au {french_date(RECORDED_ON)}.") in text_of(page)

    # The overall change, in French.
    overall = section(page, '<table class="legal-overall stack">')
    assert "Changements depuis l'évaluation enregistrée" in page
    assert (f"Niveau indicatif bloquant (doctrine nantaise) {now.niveau_indicatif.label_fr} "
            f"Niveau potentiel {old.niveau_potentiel.label_fr} {now.niveau_potentiel.label_fr} "
            f"Version des règles {old.base.version_label} {now.base.version_label} "
            f"Date d'évaluation {french_date(RECORDED_ON)} {french_date(today)}") in overall
    assert "BLOQUANT_DOCTRINE" not in overall

    # Per rule: the biometric red line is gone, said in French with its level's label.
    rules = section(page, "Par rapport à l'évaluation du niveau retenu")
    assert "BIO-01 Point disparu point d'attention · bloquant (doctrine nantaise) —" in rules
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page[page.index("Par rapport à l'évaluation"):])
    assert "Point disparu" in cells
    assert not {"nouveau", "disparu", "modifie"} & set(cells)
    assert not re.search(r"\b(ACTIF|A_COMPLETER|BLOQUANT_DOCTRINE|BLOQUANT_LOI)\b", rules)


def test_a_new_rule_base_alone_shows_the_overall_change(
        case: Case, juriste: User, client: Any, tmp_path: Path) -> None:
    """Same facts, evaluated by the old rules under another version name: the block shows the
    versions even when no rule's status or level differ."""
    base = old_base(case, tmp_path, version="2026.11.01-1")
    old = evaluated_on(base, case_facts(case), case)
    assessment = record(case, juriste, old)
    now = case_evaluation(case)

    changes = changes_since(assessment, now)
    assert changes["overall_changed"]
    assert changes["overall"]["rules_version"] == {
        "before": old.base.version_label, "after": now.base.version_label, "changed": True}
    assert changes["overall"]["date"] == {"before": RECORDED_ON, "after": now.date_evaluation,
                                          "changed": now.date_evaluation != RECORDED_ON}

    client.force_login(juriste)
    overall = section(client.get(f"/cas/{case.pk}/juridique/").content.decode(),
                      '<table class="legal-overall stack">')
    assert (f"Niveau indicatif {old.niveau_indicatif.label_fr} {now.niveau_indicatif.label_fr}"
            in overall)
    assert f"Version des règles {old.base.version_label} {now.base.version_label}" in overall


def test_nothing_changed_shows_no_change(case: Case, juriste: User, client: Any) -> None:
    """Recorded by the current rules with the current facts, on another day: the date alone is
    not a change; the page shows the recorded evaluation, no change block."""
    now = case_evaluation(case)
    recorded = evaluated_on(now.base, case_facts(case), case)
    assessment = record(case, juriste, recorded)

    changes = changes_since(assessment, now)
    assert not changes["overall_changed"] and changes["flags"] == []

    client.force_login(juriste)
    page = client.get(f"/cas/{case.pk}/juridique/").content.decode()
    assert "Changements depuis l'évaluation enregistrée" not in page
    assert "legal-overall" not in page
    assert f"évaluation au {french_date(RECORDED_ON)}." in text_of(page)


def test_an_old_record_without_a_date_still_renders(case: Case, juriste: User,
                                                    client: Any) -> None:
    now = case_evaluation(case)
    stored = now.to_json()
    del stored["date_evaluation"]
    stored["niveau_indicatif"] = "BLOQUANT_LOI"  # forced: recorded as a prohibited practice
    LegalAssessment.objects.create(
        case=case, proposed_level="BLOQUANT_LOI", potential_level=now.niveau_potentiel.name,
        retained_level="BLOQUANT_LOI", rationale="Ancien enregistrement.",
        rules_version=now.base.version_label, evaluation=stored, decided_by=juriste)

    client.force_login(juriste)
    page = client.get(f"/cas/{case.pk}/juridique/").content.decode()
    assert (f"règles {now.base.version_label}, date d'évaluation non renseignée."
            in text_of(page))
    overall = section(page, '<table class="legal-overall stack">')
    assert (f"Niveau indicatif bloquant (pratique interdite ou illicite) "
            f"{now.niveau_indicatif.label_fr}") in overall
    assert f"Date d'évaluation non renseignée {french_date(now.date_evaluation)}" in overall


def test_changes_since_without_assessment() -> None:
    base = load_rule_base(OLD_RULES)
    evaluation = evaluate({"est_ia": "oui"}, base=base)
    assert changes_since(None, evaluation) == {"overall": None, "overall_changed": False,
                                               "flags": []}


def test_the_flag_rows_carry_codes_and_french_level_labels(tmp_path: Path) -> None:
    base = load_rule_base(OLD_RULES)
    before = evaluate({"est_ia": "oui", "biometrie": ["identification"]},
                      {"date_evaluation": RECORDED_ON}, base=base)
    after = evaluate({"est_ia": "oui", "biometrie": ["aucune"]}, base=base)
    assessment = LegalAssessment(proposed_level="x", potential_level="x", rules_version="x",
                                 evaluation=before.to_json())
    changes = changes_since(assessment, after)
    rows = {row["id"]: row for row in changes["flags"]}
    assert rows["BIO-01"] == {
        "id": "BIO-01", "change": "disparu", "after": None,
        "before": {"statut": "ACTIF", "niveau": "BLOQUANT_DOCTRINE",
                   "niveau_libelle": "bloquant (doctrine nantaise)"}}
    assert {row["change"] for row in changes["flags"]} <= {"nouveau", "disparu", "modifie"}
    assert changes["overall"]["level"] == {
        "before": "BLOQUANT_DOCTRINE", "after": after.niveau_indicatif.name,
        "before_label": "bloquant (doctrine nantaise)",
        "after_label": after.niveau_indicatif.label_fr, "changed": True}
    assert changes["overall"]["date"]["before"] == RECORDED_ON


def test_the_memo_preview_gives_the_evaluation_date(case: Case, juriste: User,
                                                    client: Any) -> None:
    today = case_evaluation(case).date_evaluation
    data = memo.preview_data(case)
    assert data["legal"]["evaluation_date"] == today.isoformat()

    client.force_login(juriste)
    response = client.get(f"/cas/{case.pk}/note-projet.html")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert f"Date d'évaluation des règles {format_date(today.isoformat())}" in text


def test_a_frozen_memo_gives_its_evaluation_date_even_an_old_one(client: Any) -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.INVENTAIRE.title)
    version = FileVersion.objects.get(case=case, number=1)
    frozen_on = version.snapshot["legal_evaluation"]["date_evaluation"]
    client.force_login(User.objects.get(username="elu-rh"))

    text = text_of(client.get(f"/cas/{case.pk}/versions/1/note.html").content.decode())
    assert (f"Date d'évaluation des règles {format_date(frozen_on)}"
            in text)

    # A version frozen before the date was recorded.
    snapshot = version.snapshot
    del snapshot["legal_evaluation"]["date_evaluation"]
    FileVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)
    assert memo.memo_data(FileVersion.objects.get(pk=version.pk))["legal"][
        "evaluation_date"] == ""
    response = client.get(f"/cas/{case.pk}/versions/1/note.html")
    assert response.status_code == 200
    assert "Date d'évaluation des règles non renseigné" in text_of(response.content.decode())
