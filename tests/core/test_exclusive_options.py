"""An exclusive option ("Aucune", "Aucun de ces domaines") cannot be combined with another: the
core refuses it with a French message naming both, never keeps one and drops the other."""

from __future__ import annotations

import pytest

from boussole.core.grid import AnswerInvalid, Fact, GridRegistry, Question, validate_value

REGISTRY = GridRegistry()
GRID = REGISTRY.get("boussole-nantes")


def exclusive_items() -> list[tuple[str, str, str, str]]:
    """(grid key, item id, exclusive option, another option) for every exclusive option of
    every grid shipped."""
    found = []
    for grid in REGISTRY.all():
        items: list[Question | Fact] = [*grid.profile, *grid.questions]
        for item in items:
            for option in item.exclusive:
                other = next(o for o in item.option_ids if o != option)
                found.append((grid.key, item.id, option, other))
    return found


def test_the_grid_declares_exclusive_options() -> None:
    ids = {item_id for key, item_id, _option, _other in exclusive_items() if key == GRID.key}
    assert {"personnes", "biometrie", "donnees_sensibles", "domaine"} <= ids


@pytest.mark.parametrize(("key", "item_id", "option", "other"), exclusive_items())
def test_an_exclusive_option_with_another_is_refused(key: str, item_id: str, option: str,
                                                     other: str) -> None:
    item = REGISTRY.get_key(key).item(item_id)
    labels = {o.id: o.label for o in item.options}
    for chosen in ([other, option], [option, other]):
        with pytest.raises(AnswerInvalid) as refused:
            validate_value(item, chosen)
        message = str(refused.value)
        assert f"« {labels[option]} » ne peut pas être combiné" in message
        assert f"« {labels[other]} »" in message and "décochez" in message
    # Alone, each is accepted as it is.
    assert validate_value(item, [option]) == [option]
    assert validate_value(item, [other]) == [other]


def test_usagers_and_aucune_is_refused_and_so_is_with_je_ne_sais_pas() -> None:
    item = GRID.item("personnes")
    with pytest.raises(AnswerInvalid, match=r"« Aucune » ne peut pas être combiné .*« Usagers »"):
        validate_value(item, ["usagers", "aucune"])
    with pytest.raises(AnswerInvalid, match="Je ne sais pas"):
        validate_value(item, ["usagers", "aucune", "nsp"])
    assert validate_value(item, ["agents", "usagers"]) == ["usagers", "agents"]  # grid order
