"""A case is evaluated against the facts of its own grid version; the stored legal levels follow
the services that change the facts or the retained level, and a management command after a
change of the rule base."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from boussole.core.grid import AnswerInvalid
from boussole.core.grid.model import profile_number
from boussole.core.rules import default_rule_base, rule_base_for
from boussole.web import grids
from boussole.web.cases import services
from boussole.web.cases.legal import case_evaluation, legal_retain
from boussole.web.cases.models import Case
from tests.core.rules.grid_versions import (
    BASE_VERSION,
    NEW_FACT,
    NEW_OPTION,
    RENUMBERED,
    TEST_VERSION,
    write_grid,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """An empty extra grid folder; the web registry is rebuilt around the test."""
    directory = tmp_path / "grilles"
    directory.mkdir()
    settings.BOUSSOLE_GRID_DIRS = [str(directory)]
    grids.registry.cache_clear()
    yield directory
    grids.registry.cache_clear()


def new_case(organisation: Any, user: Any, title: str) -> Case:
    return services.case_create(organisation=organisation, user=user, title=title,
                                service="Service des tests", purpose="Vérifier les versions.")


def test_a_case_pinned_to_a_new_version_is_evaluated_with_its_facts(
        grid_dir: Path, organisation: Any, make_user: Any, client: Any) -> None:
    juriste = make_user("juriste", organisation, role="referent", domain="juridique")
    old = new_case(organisation, juriste, "Avant la nouvelle version")
    write_grid(grid_dir)
    grids.registry.cache_clear()  # a new grid version is published
    case = new_case(organisation, juriste, "Après la nouvelle version")
    assert (old.grid_version, case.grid_version) == (BASE_VERSION, TEST_VERSION)

    for item_id, value in ((NEW_FACT, "oui"), (NEW_OPTION[0], NEW_OPTION[1]),
                           ("est_ia", "oui")):
        services.answer_record(case=case, user=juriste, item_id=item_id, value=value)
    case.refresh_from_db()
    evaluation = case_evaluation(case)
    new = grids.grid_for("boussole-nantes", TEST_VERSION)
    assert evaluation.base is rule_base_for(new) and NEW_FACT in evaluation.base.catalogue
    assert evaluation.facts[NEW_FACT] == "oui"
    assert evaluation.facts[NEW_OPTION[0]] == NEW_OPTION[1]
    assert case.legal_level == evaluation.niveau_indicatif.name
    assert case.rules_version == evaluation.base.version_label

    client.force_login(juriste)
    page = client.get(f"/cas/{case.pk}/juridique/")
    assert page.status_code == 200
    # the new number of a fact, as shown (« P… »: the profile's own numbering)
    assert f"{profile_number(RENUMBERED[2])} — " in page.content.decode()

    # The older case keeps its version's facts.
    with pytest.raises(AnswerInvalid):
        services.answer_record(case=old, user=juriste, item_id=NEW_FACT, value="oui")
    services.answer_record(case=old, user=juriste, item_id="est_ia", value="oui")
    assert case_evaluation(old).base is default_rule_base()
    assert NEW_FACT not in case_evaluation(old).base.catalogue
    page = client.get(f"/cas/{old.pk}/juridique/")
    assert page.status_code == 200
    assert f"{profile_number(RENUMBERED[1])} — " in page.content.decode()


def test_a_case_pinned_to_bundled_version_1_keeps_its_answers(
        organisation: Any, make_user: Any, client: Any) -> None:
    """Version 2 of the bundled grid adds « moissonnage_visages » to biometrie: a case pinned
    to version 1 keeps its answers and its options; a new case is pinned to version 2."""
    juriste = make_user("juriste", organisation, role="referent", domain="juridique")
    old = new_case(organisation, juriste, "Cas de la version 1")
    Case.objects.filter(pk=old.pk).update(grid_version=1)  # created before version 2
    old.refresh_from_db()
    services.answer_record(case=old, user=juriste, item_id="biometrie",
                           value=["base_visages", "verification"])
    old.refresh_from_db()
    evaluation = case_evaluation(old)
    assert evaluation.base is rule_base_for(grids.grid_for("boussole-nantes", 1))
    assert evaluation.facts["biometrie"] == {"base_visages", "verification"}
    assert old.legal_level == evaluation.niveau_indicatif.name
    # The option of version 2 does not exist for the version-1 case.
    with pytest.raises(AnswerInvalid):
        services.answer_record(case=old, user=juriste, item_id="biometrie",
                               value=["moissonnage_visages"])
    assert set(old.answers.get(item_id="biometrie").value) == {"base_visages", "verification"}
    client.force_login(juriste)
    page = client.get(f"/cas/{old.pk}/profil/?fait=biometrie")  # its step open
    assert page.status_code == 200 and "moissonnage_visages" not in page.content.decode()

    case = new_case(organisation, juriste, "Cas de la version courante")
    assert case.grid_version == grids.current_grid().version >= 2
    services.answer_record(case=case, user=juriste, item_id="biometrie",
                           value=["moissonnage_visages"])
    assert case_evaluation(case).facts["biometrie"] == {"moissonnage_visages"}
    page = client.get(f"/cas/{case.pk}/profil/?fait=biometrie")
    assert page.status_code == 200 and "moissonnage_visages" in page.content.decode()


def test_stored_levels_follow_the_writes_not_the_reads(organisation: Any, make_user: Any,
                                                       client: Any) -> None:
    juriste = make_user("juriste", organisation, role="referent", domain="juridique")
    case = new_case(organisation, juriste, "Niveaux enregistrés")
    case.refresh_from_db()
    assert case.legal_level == "LIMITE" and not case.red_line  # stored at creation
    services.answer_record(case=case, user=juriste, item_id="biometrie",
                           value=["identification"])
    case.refresh_from_db()
    assert case.red_line and case.legal_level == "BLOQUANT_DOCTRINE"
    services.answer_record(case=case, user=juriste, item_id="biometrie", value=["aucune"])
    case.refresh_from_db()
    assert not case.red_line

    # A read does not write: a stale stored version stays until a write or the command.
    Case.objects.filter(pk=case.pk).update(rules_version="ancienne", legal_level="INFO")
    client.force_login(juriste)
    assert client.get(f"/cas/{case.pk}/juridique/").status_code == 200
    assert client.get(f"/cas/{case.pk}/profil/").status_code == 200
    case.refresh_from_db()
    assert (case.rules_version, case.legal_level) == ("ancienne", "INFO")

    out = StringIO()
    call_command("legal_refresh", stdout=out)
    assert out.getvalue().strip() == "1 dossier réévalué."
    case.refresh_from_db()
    assert case.rules_version == default_rule_base().version_label
    assert case.legal_level == case_evaluation(case).niveau_indicatif.name != "INFO"
    out = StringIO()
    call_command("legal_refresh", stdout=out)
    assert out.getvalue().strip() == "0 dossier réévalué."
    out = StringIO()
    call_command("legal_refresh", "--all", stdout=out)
    assert out.getvalue().strip() == "1 dossier réévalué."


def test_retaining_a_blocking_level_sets_the_red_line(organisation: Any,
                                                      make_user: Any) -> None:
    juriste = make_user("juriste", organisation, role="referent", domain="juridique")
    case = new_case(organisation, juriste, "Niveau retenu")
    services.answer_record(case=case, user=juriste, item_id="biometrie", value=["aucune"])
    case.refresh_from_db()
    assert not case.red_line and case.legal_level not in ("BLOQUANT_LOI", "BLOQUANT_DOCTRINE")
    legal_retain(case=case, user=juriste, retained_level="BLOQUANT_DOCTRINE",
                 rationale="Ligne rouge constatée par le groupe.")
    case.refresh_from_db()
    assert case.red_line
