"""The « Indicateurs » page of a case (issue 13, item 3): proposals from criterion 3, creating
and changing an indicator, recording values per review stage, refusals in French with every
value kept, the trail, who may edit, the SVG chart and its data table, the plain-data selector
and the demo's indicators."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from boussole.core.errors import Forbidden
from boussole.web import demo
from boussole.web.accounts.models import User
from boussole.web.cases import services
from boussole.web.cases.models import AuditEvent, Case
from boussole.web.indicators import selectors
from boussole.web.indicators import services as indicator_services
from boussole.web.indicators.models import Indicator, Measurement

pytestmark = pytest.mark.django_db

GOOD = {"kind": "benefit", "label": "Abonnés informés", "unit": "%", "direction": "higher",
        "baseline_value": "0", "baseline_date": "2026-01-05", "target_value": "40",
        "target_date": "2028-01-05", "source_key": "Q8:meilleure_information"}


@pytest.fixture
def people(organisation: Any, make_user: Any) -> dict[str, User]:
    return {
        "porteur": make_user("porteur", organisation, first_name="Camille", last_name="Morin"),
        "pilote": make_user("pilote", organisation, role="referent", domain="numerique"),
        "admin": make_user("admin", organisation, role="admin"),
        "juriste": make_user("juriste", organisation, role="referent", domain="juridique"),
        "autre": make_user("autre", organisation, role="porteur"),
    }


@pytest.fixture
def case(organisation: Any, people: dict[str, User]) -> Case:
    return services.case_create(organisation=organisation, user=people["porteur"],
                                title="Ekonom'IA", service="Eau", purpose="Informer.")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(case: Case) -> str:
    return reverse("indicators:page", args=[case.pk])


def text(response: Any) -> str:
    return unescape(response.content.decode())


def create(case: Case, user: User, **changes: str) -> Indicator:
    return indicator_services.indicator_create(case=case, user=user,
                                               values={**GOOD, **changes},
                                               source_key=GOOD["source_key"])


def test_the_tab_and_the_proposals_from_criterion_3(case: Case, people: dict[str, User]
                                                    ) -> None:
    services.answer_record(case=case, user=people["porteur"], item_id="interaction",
                           value="public")
    services.answer_record(case=case, user=people["porteur"],
                           item_id="benefices_relation_usagers",
                           value=["meilleure_information", "remediation_humaine"])
    services.answer_record(case=case, user=people["porteur"], item_id="efficacite_interne",
                           value="oui")
    client = client_for(people["porteur"])
    detail = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert f'href="{url(case)}"' in detail and ">Indicateurs</a>" in detail
    page = text(client.get(url(case)))
    assert "Aucun indicateur n'est encore défini" in page
    for label in ("Une remédiation humaine", "Une meilleure information",
                  "Amélioration de l'efficacité interne"):
        assert f"<li>{label} <a href=" in page
    prefilled = text(client.get(url(case) + "?depuis=Q8:meilleure_information"))
    assert 'value="Une meilleure information"' in prefilled
    assert 'name="source_key" value="Q8:meilleure_information"' in prefilled
    # Once created, the benefit is no longer proposed.
    create(case, people["porteur"], label="Une meilleure information")
    assert "<li>Une meilleure information <a" not in text(client.get(url(case)))


def test_create_through_the_page_is_audited(case: Case, people: dict[str, User]) -> None:
    response = client_for(people["porteur"]).post(url(case), GOOD)
    indicator = Indicator.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#indicateur-{indicator.pk}")
    assert (indicator.label, indicator.unit, indicator.direction, indicator.baseline_value,
            indicator.target_value, indicator.source_key) == (
        "Abonnés informés", "%", "higher", 0.0, 40.0, "Q8:meilleure_information")
    event = AuditEvent.objects.filter(case=case).latest("sequence")
    assert (event.action, event.item_id, event.actor_id) == (
        "indicator_created", f"indicator:{indicator.pk}", people["porteur"].pk)
    assert event.after is not None and event.after["label"] == "Abonnés informés"
    journal = text(client_for(people["porteur"]).get(reverse("cases:audit", args=[case.pk])))
    assert "a ajouté l'indicateur « Abonnés informés »" in journal


def test_a_refused_indicator_keeps_the_values(case: Case, people: dict[str, User]) -> None:
    before = AuditEvent.objects.filter(case=case).count()
    response = client_for(people["porteur"]).post(
        url(case), {**GOOD, "baseline_value": "beaucoup", "target_date": "2025-01-01"})
    assert response.status_code == 400
    page = text(response)
    assert "Rien n'a été enregistré" in page
    assert ('<a href="#ind-baseline_value">Valeur de référence : Valeur numérique attendue'
            in page)
    assert "L'échéance de la cible doit suivre la date de la valeur de référence." in page
    assert 'id="ind-label" name="label" value="Abonnés informés"' in page
    assert 'name="baseline_value" value="beaucoup" aria-invalid="true"' in page
    assert not Indicator.objects.exists()
    assert AuditEvent.objects.filter(case=case).count() == before


def test_record_values_trend_and_replacement(case: Case, people: dict[str, User]) -> None:
    indicator = create(case, people["porteur"])
    client = client_for(people["pilote"])
    record = reverse("indicators:record_value", args=[case.pk, indicator.pk])
    for stage, value, day in (("T0", "12", "2026-02-01"), ("M6", "27,5", "2026-07-01")):
        response = client.post(record, {"stage": stage, "value": value, "measured_on": day,
                                        "source": "Espace abonné"})
        assert response.status_code == 302
    assert [(m.stage, m.value) for m in Measurement.objects.order_by("stage")] == [
        ("M6", 27.5), ("T0", 12.0)]
    event = AuditEvent.objects.filter(case=case).latest("sequence")
    assert event.after is not None
    assert (event.action, event.before, event.after["stage"], event.after["value"]) == (
        "indicator_value_recorded", None, "M6", 27.5)
    page = text(client.get(url(case)))
    assert "Tendance : <strong>en amélioration</strong>" in page
    assert re.search(r"68[.,]8 % du chemin vers la cible", page)
    # Recording the same stage again replaces the value; the trail keeps the old one.
    client.post(record, {"stage": "M6", "value": "10", "measured_on": "2026-07-02"})
    assert Measurement.objects.get(stage="M6").value == 10.0
    event = AuditEvent.objects.filter(case=case).latest("sequence")
    assert event.before is not None and event.after is not None
    assert event.before["value"] == 27.5 and event.after["value"] == 10.0
    assert "Tendance : <strong>en dégradation</strong>" in text(client.get(url(case)))
    assert selectors.case_indicators(case) == [{
        "label": "Abonnés informés", "unit": "%", "kind": "benefit", "direction": "higher",
        "baseline": {"value": 0.0, "date": "2026-01-05"},
        "target": {"value": 40.0, "date": "2028-01-05"},
        "values": [{"stage": "T0", "date": "2026-02-01", "value": 12.0},
                   {"stage": "M6", "date": "2026-07-02", "value": 10.0}],
        "trend": "worsening"}]


def test_a_refused_value_keeps_the_values(case: Case, people: dict[str, User]) -> None:
    indicator = create(case, people["porteur"])
    response = client_for(people["porteur"]).post(
        reverse("indicators:record_value", args=[case.pk, indicator.pk]),
        {"stage": "A1", "value": "douze", "measured_on": "2025-12-01", "source": "Note"})
    assert response.status_code == 400
    page = text(response)
    assert "Rien n'a été enregistré" in page
    assert f'<a href="#val-{indicator.pk}-value">Valeur mesurée : Valeur numérique' in page
    assert "La mesure ne peut précéder la valeur de référence." in page
    assert f'id="val-{indicator.pk}-value" name="value" value="douze"' in page
    assert '<option value="A1" selected>' in page
    assert ">Note</textarea>" in page
    assert not Measurement.objects.exists()


def test_edit_an_indicator(case: Case, people: dict[str, User]) -> None:
    indicator = create(case, people["porteur"])
    client = client_for(people["admin"])
    edit = reverse("indicators:edit", args=[case.pk, indicator.pk])
    assert 'value="Abonnés informés"' in text(client.get(edit))
    refused = client.post(edit, {**GOOD, "target_value": "-5"})
    assert refused.status_code == 400
    assert "La cible doit être plus haute que la valeur de référence" in text(refused)
    assert 'name="target_value" value="-5"' in text(refused)
    assert client.post(edit, {**GOOD, "target_value": "50"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_value == 50.0
    event = AuditEvent.objects.filter(case=case).latest("sequence")
    assert event.before is not None and event.after is not None
    assert (event.action, event.before["target_value"], event.after["target_value"]) == (
        "indicator_updated", 40.0, 50.0)


@pytest.mark.parametrize("who", ["porteur", "pilote", "admin"])
def test_who_may_edit(case: Case, people: dict[str, User], who: str) -> None:
    response = client_for(people[who]).post(url(case), GOOD)
    assert response.status_code == 302 and Indicator.objects.count() == 1


@pytest.mark.parametrize("who", ["juriste", "autre"])
def test_others_only_read(case: Case, people: dict[str, User], who: str) -> None:
    indicator = create(case, people["porteur"])
    client = client_for(people[who])
    page = text(client.get(url(case)))
    assert "Abonnés informés" in page
    assert "Ajouter un indicateur" not in page and "Enregistrer une valeur" not in page
    assert client.post(url(case), GOOD).status_code == 403
    assert client.post(reverse("indicators:record_value", args=[case.pk, indicator.pk]),
                       {"stage": "T0", "value": "1", "measured_on": "2026-02-01"}
                       ).status_code == 403
    assert client.get(reverse("indicators:edit", args=[case.pk, indicator.pk])
                      ).status_code == 403
    assert Indicator.objects.count() == 1 and not Measurement.objects.exists()
    with pytest.raises(Forbidden):
        create(case, people[who])
    with pytest.raises(Forbidden):
        indicator_services.measurement_record(
            case=case, user=people[who], indicator=indicator,
            values={"stage": "T0", "value": "1", "measured_on": "2026-02-01"})


def test_another_organisation_does_not_see_the_page(case: Case, other_organisation: Any,
                                                     make_user: Any) -> None:
    stranger = make_user("stranger", other_organisation, role="admin")
    assert client_for(stranger).get(url(case)).status_code == 404


def test_the_chart_is_an_accessible_svg_with_its_data_table(case: Case,
                                                           people: dict[str, User]) -> None:
    indicator = create(case, people["porteur"])
    for stage, value, day in (("T0", "12", "2026-02-01"), ("M6", "27", "2026-07-01")):
        indicator_services.measurement_record(
            case=case, user=people["porteur"], indicator=indicator,
            values={"stage": stage, "value": value, "measured_on": day,
                    "source": f"source {stage}"})
    page = text(client_for(people["porteur"]).get(url(case)))
    svg = re.search(r"<svg .*?</svg>", page, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert 'role="img"' in chart
    assert (f'aria-labelledby="graphique-{indicator.pk}-title graphique-{indicator.pk}-desc"'
            in chart)
    assert (f'<title id="graphique-{indicator.pk}-title">Évolution de « Abonnés informés » (%) '
            "aux revues de suivi</title>") in chart
    assert ("Valeur de référence : 0 %. Mise en service (T0) : 12 %. 6 mois : 27 %. "
            "Cible : 40 %. Tendance : en amélioration.") in chart
    assert chart.count("<circle") == 3  # the baseline and two values
    # Coordinates SVG can read: a decimal point, never the French comma of the page.
    coordinates = re.findall(r' (?:x|y|x1|y1|x2|y2|cx|cy)="([^"]*)"', chart)
    assert len(coordinates) > 10
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates
    points = re.search(r'<polyline points="([^"]*)"', chart)
    assert points is not None and len(points.group(1).split()) == 3
    assert all(re.fullmatch(r"\d+\.\d,\d+\.\d", p) for p in points.group(1).split())
    assert [t for t in re.findall(r">([^<>]+)</text>", chart)][-6:] == [
        "0", "Réf.", "12", "T0", "27", "6 mois"]
    table = re.search(r"<table class=\"stack\">.*?</table>", page, re.S)
    assert table is not None
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>.*?<time datetime=\"(.*?)\">.*?"
                      r"<td class=\"number\"[^>]*>(.*?)</td>", table.group(0), re.S)
    assert rows == [("Référence", "2026-01-05", "0 %"), ("Mise en service (T0)", "2026-02-01",
                                                         "12 %"),
                    ("6 mois", "2026-07-01", "27 %")]
    assert "source T0" in table.group(0) and "source M6" in table.group(0)


def test_the_demo_case_in_service_has_indicators_with_values() -> None:
    demo.create_demo()
    case = Case.objects.get(title=demo.EKONOMIA.title)
    assert case.state == "en_service"
    found = selectors.case_indicators(case)
    assert len(found) == 3
    for indicator in found:
        assert [v["stage"] for v in indicator["values"]] == ["T0", "M6"]
        assert indicator["trend"] == "improving"
    energy = next(i for i in found if i["kind"] == "energie_mesuree")
    estimate = selectors.energy_estimate(case)
    assert estimate is not None and energy["unit"] == "kWh/an"
    porteur = User.objects.get(username="porteur")
    page = text(client_for(porteur).get(url(case)))
    assert "Estimation du calculateur d'empreinte (critère 5)" in page
    assert "mesure la plus récente" in page
    assert page.count('role="img"') == 3


def test_reads_are_bounded_in_queries(case: Case, people: dict[str, User],
                                      django_assert_num_queries: Any) -> None:
    for n in range(3):
        indicator = create(case, people["porteur"], label=f"Indicateur {n}")
        for stage, day in (("T0", "2026-02-01"), ("M6", "2026-07-01")):
            indicator_services.measurement_record(
                case=case, user=people["porteur"], indicator=indicator,
                values={"stage": stage, "value": str(n + 1), "measured_on": day})
    with django_assert_num_queries(2):
        assert len(selectors.case_indicators(case)) == 3
    with django_assert_num_queries(2):  # no energy indicator: the footprint is not read
        assert len(selectors.indicator_rows(case)) == 3


def test_the_next_stage_is_preselected(case: Case, people: dict[str, User]) -> None:
    indicator = create(case, people["porteur"])
    indicator_services.measurement_record(
        case=case, user=people["porteur"], indicator=indicator,
        values={"stage": "T0", "value": "3", "measured_on": "2026-02-01"})
    page = text(client_for(people["porteur"]).get(url(case)))
    assert '<option value="M6" selected>' in page and '<option value="T0" selected>' not in page
