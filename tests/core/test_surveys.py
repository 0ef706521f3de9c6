"""The working-conditions questionnaire is data (validated, French errors) and its results
respect the anonymity threshold (issue 13, item 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from boussole.core import surveys
from boussole.core.errors import InvalidDocument


def test_the_bundled_questionnaire_covers_questions_16_to_20() -> None:
    form = surveys.questionnaire("conditions-travail")
    assert form.version == 1
    assert [q.criterion_question for q in form.scale_questions] == [16, 17, 18, 19, 20]
    assert [q.kind for q in form.text_questions] == ["texte"]
    assert len(form.scale) == 5 and form.scale[0] == "Pas du tout d'accord"
    assert surveys.questionnaire("conditions-travail", 1) is form
    with pytest.raises(KeyError):
        surveys.questionnaire("conditions-travail", 99)


def valid() -> dict[str, Any]:
    return {"id": "essai", "version": 2, "title": "Essai", "scale": ["a", "b", "c", "d", "e"],
            "questions": [{"id": "q1", "type": "echelle", "text": "Une question ?"}]}


def test_a_valid_document_is_read(tmp_path: Path) -> None:
    path = tmp_path / "essai.yaml"
    path.write_text("id: essai\nversion: 2\ntitle: Essai\nscale: [a, b, c, d, e]\n"
                    "questions:\n  - {id: q1, type: texte, text: 'Pourquoi ?'}\n",
                    encoding="utf-8")
    form = surveys.load_questionnaire(path)
    assert (form.id, form.version, form.questions[0].kind) == ("essai", 2, "texte")


@pytest.mark.parametrize(("change", "path", "message"), [
    ({"version": 0}, "version", "un nombre entier positif est attendu"),
    ({"scale": ["a", "b"]}, "scale", "une liste de 5 libellés"),
    ({"questions": []}, "questions", "une liste non vide de questions"),
    ({"questions": [{"id": "q1", "type": "choix", "text": "?"}]}, "questions[0].type",
     "type inconnu"),
    ({"questions": [{"id": "q1", "type": "texte", "text": "?"},
                    {"id": "q1", "type": "texte", "text": "?"}]}, "questions[1].id",
     "en double"),
    ({"questions": [{"type": "texte", "text": "?"}]}, "questions[0].id",
     "champ obligatoire manquant"),
    ({"couleur": "bleu"}, "couleur", "champ inconnu"),
])
def test_an_invalid_document_is_refused_in_french(change: dict[str, Any], path: str,
                                                  message: str) -> None:
    data = valid() | change
    with pytest.raises(InvalidDocument) as caught:
        surveys.parse_questionnaire(data, source="essai.yaml")
    report = caught.value.report()
    assert "essai.yaml : document invalide" in report
    assert message in report
    assert path in report, report


def test_a_yaml_syntax_error_is_french(tmp_path: Path) -> None:
    path = tmp_path / "casse.yaml"
    path.write_text("id: [essai\n", encoding="utf-8")
    with pytest.raises(InvalidDocument) as caught:
        surveys.load_questionnaire(path)
    assert "document invalide" in caught.value.report()


def test_answers_are_cleaned() -> None:
    form = surveys.questionnaire("conditions-travail")
    answers, problems = surveys.clean_answers(
        form, {"charge_travail": "4", "sante": "", "commentaire": "  Bien.  ", "autre": "x"})
    assert answers == {"charge_travail": 4, "commentaire": "Bien."}
    assert problems == []
    _answers, problems = surveys.clean_answers(form, {"charge_travail": "9",
                                                      "commentaire": "x" * 2001})
    assert {p.path for p in problems} == {("charge_travail",), ("commentaire",)}
    assert "de 1 à 5" in problems[0].message


def test_aggregation_and_the_threshold() -> None:
    form = surveys.questionnaire("conditions-travail")
    four = [{"charge_travail": 4, "commentaire": "a"}] * 4
    assert all(r is None for r in surveys.aggregate(form, four, with_texts=True).values())
    rows = [{"charge_travail": v, "sante": 3, "commentaire": f"texte {v}"}
            for v in (1, 2, 4, 5, 5)] + [{"sante": 2}]
    results = surveys.aggregate(form, rows)
    charge = results["charge_travail"]
    assert charge is not None
    assert (charge.count, charge.counts, charge.mean) == (5, (1, 1, 0, 1, 2), 3.4)
    sante = results["sante"]
    assert sante is not None and sante.count == 6
    # A question answered by fewer than 5 people of a big enough group stays hidden.
    assert results["competences"] is None
    # Free text: counted, but its texts only when asked for.
    text = results["commentaire"]
    assert text is not None and text.count == 5 and text.texts == ()
    with_texts = surveys.aggregate(form, rows, with_texts=True)["commentaire"]
    assert with_texts is not None
    assert with_texts.texts == ("texte 1", "texte 2", "texte 4", "texte 5", "texte 5")
    assert charge.as_dict() == {"question": "charge_travail", "type": "echelle", "count": 5,
                                "distribution": {"1": 1, "2": 1, "3": 0, "4": 1, "5": 2},
                                "mean": 3.4}


def test_who_reads_what() -> None:
    assert surveys.may_read_free_text("referent", "rh_qvt")
    assert surveys.may_read_free_text("representant_personnel")
    assert not surveys.may_read_free_text("admin")
    assert not surveys.may_read_free_text("referent", "numerique")
    assert surveys.may_see_overview("admin") and surveys.may_see_overview(
        "representant_personnel") and surveys.may_see_overview("referent", "rh_qvt")
    assert not surveys.may_see_overview("porteur")
    assert surveys.may_manage("referent", "numerique") and not surveys.may_manage(
        "representant_personnel")
