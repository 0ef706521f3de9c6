"""Places and request volumes typed as people write them, and who enters and validates the
calculator's inputs (core abilities)."""

from __future__ import annotations

import pytest

from boussole.core.access import Abilities, abilities
from boussole.core.footprint import estimate_from_sizing
from boussole.core.footprint.places import PlaceUnknown, parse_place, per_year, place_label

REFERENTS = {5: ("numerique_responsable",), 2: ("juridique",), 7: ("groupe",)}


@pytest.mark.parametrize(("typed", "code"), [
    ("France", "FR"), ("france", "FR"), ("FR", "FR"), ("fr", "FR"), (" FRA ", "FR"),
    ("Allemagne", "DE"), ("DE", "DE"), ("Germany", "DE"), ("Pays-Bas", "NL"),
    ("pays bas", "NL"), ("États-Unis", "US"), ("etats-unis", "US"), ("Royaume-Uni", "GB"),
    ("Irlande", "IE"), ("Californie", "US-CA"), ("US-CA", "US-CA"), ("Québec", "CA-QC"),
    ("moyenne mondiale", "WORLD"), ("Suède", "SE"),
])
def test_places_typed_as_people_write_them(typed: str, code: str) -> None:
    assert parse_place(typed) == code


@pytest.mark.parametrize("typed", ["Union européenne", "union europeenne", "UE", "Europe"])
def test_a_group_of_countries_asks_for_the_country(typed: str) -> None:
    with pytest.raises(PlaceUnknown) as caught:
        parse_place(typed)
    message = str(caught.value)
    assert "pas de chiffre unique" in message
    assert "France ou FR" in message and "Allemagne ou DE" in message


def test_an_unknown_place_lists_examples_in_french() -> None:
    with pytest.raises(PlaceUnknown) as caught:
        parse_place("Atlantide")
    assert str(caught.value).startswith("Lieu inconnu « Atlantide » : indiquez un pays")
    assert "France ou FR" in str(caught.value)


def test_place_labels_are_french() -> None:
    assert (place_label("FR"), place_label("DE"), place_label("WORLD")) == (
        "France", "Allemagne", "Moyenne mondiale")


def test_a_volume_per_month_or_per_year_is_stored_per_year() -> None:
    assert per_year(5000, "month") == per_year(60000, "year") == 60000
    with pytest.raises(ValueError, match="période inconnue"):
        per_year(1, "week")


def test_sizing_accepts_a_volume_per_year_and_a_place_name() -> None:
    monthly = estimate_from_sizing(requests_per_month=5000, model_params_b=7, location="FR")
    yearly = estimate_from_sizing(requests_per_year=60000, model_params_b=7,
                                  location="France")
    assert monthly.document == yearly.document
    assert yearly.document["llm_api"]["requests_per_year"] == 60000
    assert yearly.document["location"] == "FR"


# --- Who enters the inputs, who validates them -------------------------------------------

def ab(role: str, *, domain: str = "", state: str = "en_instruction", lead: bool = False,
       vendor: bool = False, assigned: tuple[int, ...] = ()) -> Abilities:
    return abilities(role=role, domain=domain, state=state, is_lead=lead,
                     is_vendor_of_case=vendor, assigned_criteria=assigned,
                     criterion_referents=REFERENTS)


def test_the_lead_enters_but_does_not_validate() -> None:
    lead = ab("porteur", lead=True)
    assert lead.can_enter_footprint_inputs()
    assert not lead.can_validate_footprint()
    # Entering inputs is not answering criterion 5 by hand.
    assert not lead.can_answer_criterion(5)


def test_the_criterion_5_referent_enters_and_validates() -> None:
    green = ab("referent", domain="numerique_responsable")
    assert green.can_enter_footprint_inputs() and green.can_validate_footprint()
    named = ab("referent", domain="juridique", assigned=(5,))
    assert named.can_enter_footprint_inputs() and named.can_validate_footprint()


def test_the_vendor_enters_only_vendor_facing_inputs() -> None:
    vendor = ab("prestataire", vendor=True)
    assert vendor.can_enter_footprint_inputs(vendor_inputs=True)
    assert not vendor.can_enter_footprint_inputs(vendor_inputs=False)
    assert not vendor.can_validate_footprint()


@pytest.mark.parametrize("who", [
    {"role": "porteur"},  # another project lead's case
    {"role": "referent", "domain": "juridique"},
    {"role": "elu"},
    {"role": "admin"},
    {"role": "prestataire"},  # not this case's vendor
])
def test_others_neither_enter_nor_validate(who: dict[str, str]) -> None:
    other = ab(**who)  # type: ignore[arg-type]
    assert not other.can_enter_footprint_inputs()
    assert not other.can_validate_footprint()


def test_nothing_is_entered_or_validated_once_the_file_left_instruction() -> None:
    for state in ("avis_groupe", "en_service"):
        assert not ab("porteur", lead=True, state=state).can_enter_footprint_inputs()
        referent = ab("referent", domain="numerique_responsable", state=state)
        assert not referent.can_enter_footprint_inputs()
        assert not referent.can_validate_footprint()
