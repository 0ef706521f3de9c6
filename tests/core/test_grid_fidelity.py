"""Fidelity of the Nantes grid data files to their sources.

Every bundled version of the grid (``boussole/data/grids/boussole-nantes-v<N>.yaml``: version 1,
and the later versions derived from it) is compared with:

- the seed (``tests/data/seed/boussole-ia-nantes-metropole-2025-06.txt``): criteria titles and
  commitments, section titles and intros, and the text of the 84 questions, all extracted
  here *independently* by parsing the seed;
- ``tests/data/specs/legal-rules.md`` §7: the identification profile (fact identifiers, option
  identifiers, question numbers, groups, Boussole cross-references, priority gates).

The YAML is read with ``yaml.safe_load`` directly, so that this test does not depend on the
grid loader. Both sources are kept in the repository (``tests/data/README.md`` gives their
origin), so these tests run on a fresh clone and never skip. The only differences allowed
between the grid and the seed are whitespace, typographic quotes, layout artefacts and the
explicit exceptions encoded below (Q8, Q59, Q72). A later version may add to §7's profile only
the options listed in ``AMENDED_OPTIONS`` (legal review); apart from its header, its
``derived_from`` block and those amended facts, it is version 1 word for word
(``test_later_versions_change_only_what_is_documented``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GRID_DIR = REPO / "boussole" / "data" / "grids"
GRID_PATH = GRID_DIR / "boussole-nantes-v1.yaml"
#: Every bundled version of the grid, by version number.
GRID_PATHS = {
    int(match[1]): path
    for path in GRID_DIR.glob("boussole-nantes-v*.yaml")
    if (match := re.fullmatch(r"boussole-nantes-v(\d+)\.yaml", path.name))
}
#: Options a later version adds to the facts of §7 (version: {fact: options}), and the facts
#: whose help text it may change. Version 2: the legal review (issue 11) splits untargeted
#: scraping of facial images (AI Act art. 5(1)(e)) out of biometrie's base_visages.
AMENDED_OPTIONS: dict[int, dict[str, set[str]]] = {2: {"biometrie": {"moissonnage_visages"}}}
DATA = REPO / "tests" / "data"
SEED_FILE = DATA / "seed" / "boussole-ia-nantes-metropole-2025-06.txt"
LEGAL_RULES = DATA / "specs" / "legal-rules.md"

COMPUTED = {27, 45, 51, 59}
QUESTION_TYPES = {"yes_no", "text", "number", "single_choice", "multiple_choice"}
CHOICE_TYPES = {"single_choice", "multiple_choice"}
FACT_TYPES = {"yes_no", "single_choice", "multiple_choice", "scale", "date"}
REFERENT_CODES = {
    "juridique",
    "cybersecurite",
    "rh_qvt",
    "numerique_responsable",
    "donnees",
    "organisation",
    "numerique",
    "porteur",
    "groupe",
}
QUESTION_KEYS = {
    "number",
    "id",
    "text",
    "type",
    "unit",
    "options",
    "help",
    "referents",
    "vendor",
    "computed",
    "section",
    "condition",
}
SNAKE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
OPTION_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
# Fact ids may be dotted (securite.dict.D): the suffixes come from legal-rules.md §7.
FACT_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")

# Criterion of each question (product.md §3).
CRITERION_RANGES = {
    1: range(1, 3),
    2: range(3, 7),
    3: range(7, 12),
    4: range(12, 21),
    5: range(21, 60),
    6: range(60, 78),
    7: range(78, 85),
}

# Section path (outermost to innermost title) of each question, as titled in the seed.
_CALCULS = "Estimation des impacts liés à la réalisation des calculs"
SECTION_RANGES: list[tuple[range, tuple[str, ...]]] = [
    (range(1, 12), ()),
    (range(12, 16), ("Avant l'introduction de l'intelligence artificielle",)),
    (range(16, 21), ("Après l'introduction de l'intelligence artificielle",)),
    (range(21, 24), ("Impact des équipements numériques",)),
    (
        range(24, 28),
        ("Estimation des impacts liés à la fabrication des équipements (énergie grise)",),
    ),
    (range(28, 40), ("Impact en phase d'usage",)),
    (range(40, 46), (_CALCULS, "Partie CPU")),
    (range(46, 52), (_CALCULS, "Partie GPU")),
    (range(52, 60), ("Estimation des impacts liés au stockage des données",)),
    (range(60, 62), ("Transparence", "Documentation et information")),
    (range(62, 65), ("Transparence", "Informations techniques sur le système et sa conception")),
    (range(65, 66), ("Transparence", "Choix et arbitrages")),
    (range(66, 72), ("Transparence", "Performance et limite du système")),
    (range(72, 74), ("Transparence", "Explicabilité")),
    (range(74, 75), ("Transparence", "Ouverture des composantes techniques")),
    (range(75, 77), ("Redevabilité", "Responsabilité et contrôle humain")),
    (range(77, 78), ("Redevabilité", "Maintenance et monitoring")),
    (range(78, 85), ()),
]

# Default referent mapping of product.md §3, per criterion.
CRITERION_REFERENTS = {
    1: {"juridique"},
    2: {"juridique", "cybersecurite"},
    3: {"porteur", "organisation"},
    4: {"rh_qvt"},
    5: {"numerique_responsable"},
    6: {"numerique", "donnees"},
    7: {"groupe"},
}

# Answer types and units fixed by the grid's design (not by the seed, which has none).
INFRA_OPTIONS = ["local", "aws", "gcp", "azure", "ovhcloud", "autre"]
EXPECTED_TYPES: dict[int, tuple[str, str | None]] = {
    7: ("number", "usagers"),
    8: ("multiple_choice", None),
    24: ("text", None),
    25: ("number", "équipements"),
    26: ("number", "années"),
    27: ("number", "kg eq. CO₂"),
    29: ("yes_no", None),
    35: ("number", "paramètres"),
    36: ("text", None),
    37: ("text", None),
    40: ("number", "heures par an"),
    42: ("single_choice", None),
    43: ("number", None),
    44: ("text", None),
    45: ("number", "kg eq. CO₂"),
    46: ("number", "heures par an"),
    48: ("single_choice", None),
    49: ("number", None),
    50: ("text", None),
    51: ("number", "kg eq. CO₂"),
    52: ("text", None),
    55: ("text", None),
    56: ("single_choice", None),
    57: ("text", None),
    58: ("number", "Go par an"),
    59: ("number", "kg eq. CO₂ par an"),
}

# Q28 of legal-rules.md §7 packs several facts in one row under `securite.*`, with the
# types in free text; its expansion into dotted facts is hard-coded here (type, options).
SECURITE_FACTS: dict[str, tuple[str, set[str]]] = {
    "securite.analyse_risques": ("single_choice", {"oui", "en_cours", "non"}),
    "securite.dict.D": ("scale", set()),
    "securite.dict.I": ("scale", set()),
    "securite.dict.C": ("scale", set()),
    "securite.dict.T": ("scale", set()),
    "securite.plan_traitement_valide": ("yes_no", set()),
    "securite.mode_degrade": ("yes_no", set()),
    "securite.journalisation": ("yes_no", set()),
    "securite.actions_auto": ("yes_no", set()),
    "securite.rag": ("single_choice", {"non", "droits_appliques", "droits_non_appliques"}),
    "securite.entrees_externes": ("yes_no", set()),
}

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"'}
)
_SUPERSCRIPTS = re.compile("[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]")
_SEED_QUESTION = re.compile(r"^(\d{1,2})\s*>\s*(.*)$")


def norm(text: str) -> str:
    """Normalise only whitespace and typographic quotes."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(text.split())


def heading(text: str) -> str:
    """A seed heading without its trailing colon."""
    return norm(text).rstrip(":").rstrip()


# ----------------------------------------------------------------------------- fixtures


def read_grid(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict)
    return data


def amended_options(version: int) -> dict[str, set[str]]:
    """The options added to §7's facts by the versions up to ``version``."""
    added: dict[str, set[str]] = {}
    for amended, facts in AMENDED_OPTIONS.items():
        if amended <= version:
            for fact_id, options in facts.items():
                added.setdefault(fact_id, set()).update(options)
    return added


@pytest.fixture(scope="module", params=sorted(GRID_PATHS), ids=lambda v: f"v{v}")
def grid(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each bundled version in turn: every test below holds for each of them."""
    data = read_grid(GRID_PATHS[request.param])
    assert data["version"] == request.param
    return data


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    """The seed as cleaned lines: no markdown emphasis, HTML tags split lines, no bullets."""
    text = SEED_FILE.read_text(encoding="utf-8").replace("**", "")
    text = re.sub(r"<[^>]+>", "\n", text)
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^[-–]\s+", "", line.strip())
        lines.append(norm(line))
    return lines


@pytest.fixture(scope="module")
def seed_questions(seed_lines: list[str]) -> dict[int, tuple[str, int]]:
    """Question number -> (seed text, line index), from the seed's "N > text" fragments."""
    found: dict[int, tuple[str, int]] = {}
    for index, line in enumerate(seed_lines):
        match = _SEED_QUESTION.match(line)
        if match:
            number = int(match[1])
            assert number not in found, f"question {number} appears twice in the seed"
            found[number] = (match[2].strip(), index)
    return found


@pytest.fixture(scope="module")
def questions(grid: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for criterion in grid["criteria"] for q in criterion["questions"]]


@pytest.fixture(scope="module")
def by_number(questions: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {q["number"]: q for q in questions}


@pytest.fixture(scope="module")
def facts(grid: dict[str, Any]) -> list[dict[str, Any]]:
    return list(grid["profile"])


@pytest.fixture(scope="module")
def section7() -> str:
    text = LEGAL_RULES.read_text(encoding="utf-8")
    start = text.index("\n## 7.")
    return text[start : text.index("\n## 8.", start)]


@pytest.fixture(scope="module")
def section7_rows(section7: str) -> list[dict[str, Any]]:
    """The rows of the §7 tables: number, group, identifiers, cells."""
    rows = []
    group = None
    for line in section7.splitlines():
        group_match = re.match(r"^### ([A-E])\. ", line)
        if group_match:
            group = group_match[1]
            continue
        if not re.match(r"^\| Q\d\d \|", line):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 7, line
        rows.append(
            {
                "number": cells[0],
                "group": group,
                "ids": re.findall(r"`([^`]+)`", cells[1]),
                "question": cells[2],
                "types": cells[3],
                "boussole": boussole_refs(cells[5]),
            }
        )
    return rows


def boussole_refs(cell: str) -> list[str]:
    """Expand a §7 "Boussole" cell ("Q63-64, Q38", "**Q2**", "—") into ["Q63", "Q64", ...]."""
    refs = []
    for first, last in re.findall(r"Q(\d+)(?:-(\d+))?", cell.replace("**", "")):
        refs.extend(f"Q{n}" for n in range(int(first), int(last or first) + 1))
    return refs


def next_line(lines: list[str], index: int) -> str:
    for line in lines[index + 1 :]:
        if line:
            return line
    raise AssertionError(f"nothing after seed line {index}")


def sections_of(grid: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for criterion in grid["criteria"]:
        for section in criterion["sections"]:
            yield criterion["number"], section


# ----------------------------------------------------------------------------- header


def test_bundled_versions() -> None:
    assert GRID_PATHS[1] == GRID_PATH
    assert sorted(GRID_PATHS) == list(range(1, len(GRID_PATHS) + 1))
    assert set(AMENDED_OPTIONS) <= set(GRID_PATHS)


def test_header(grid: dict[str, Any]) -> None:
    assert grid["format"] == "boussole-grid/1"
    assert grid["id"] == "boussole-nantes"
    if grid["version"] == 1:
        assert "derived_from" not in grid
    else:  # each version derives from the previous one
        assert grid["derived_from"] == {"id": "boussole-nantes", "version": grid["version"] - 1}
    assert grid["title"] == "La boussole de l'IA — Nantes Métropole, juin 2025"
    assert grid["publisher"] == "Nantes Métropole"
    assert grid["published"] == "2025-06-01"  # a string, not a date
    assert grid["source"].startswith("Le guide de la boussole de l'IA, Nantes Métropole")
    assert isinstance(grid["licence_note"], str)
    assert grid["licence_note"].strip()


# ----------------------------------------------------------------------------- criteria


def test_seven_criteria_in_order(grid: dict[str, Any]) -> None:
    assert [c["number"] for c in grid["criteria"]] == list(range(1, 8))


def test_criterion_titles_match_seed(grid: dict[str, Any], seed_lines: list[str]) -> None:
    # The table of contents gives each title in sentence case: "Critère N - Title<TAB>page".
    summary = {}
    for line in seed_lines:
        match = re.match(r"^Critère (\d) - (.*?) \d+$", line)
        if match:
            summary[int(match[1])] = match[2]
    assert len(summary) == 7
    for criterion in grid["criteria"]:
        assert criterion["title"] == summary[criterion["number"]]
        # The headline of the criterion page is the same title in capitals.
        assert norm(criterion["title"]).upper() in seed_lines


def test_commitments_are_the_seed_paragraphs(grid: dict[str, Any], seed_lines: list[str]) -> None:
    for criterion in grid["criteria"]:
        headline = seed_lines.index(norm(criterion["title"]).upper())
        expected = []
        for line in seed_lines[headline + 1 :]:
            if line.startswith(("Grille d'instruction", "CRITÈRE")):
                break
            if line:
                expected.append(_SUPERSCRIPTS.sub("", line))
        assert expected, criterion["number"]
        assert [norm(c) for c in criterion["commitments"]] == expected, criterion["number"]


def test_criterion_referents(grid: dict[str, Any]) -> None:
    for criterion in grid["criteria"]:
        assert set(criterion["referents"]) == CRITERION_REFERENTS[criterion["number"]]


# ----------------------------------------------------------------------------- questions


def test_seed_parser_finds_84_questions_in_order(
    seed_questions: dict[int, tuple[str, int]],
) -> None:
    assert sorted(seed_questions) == list(range(1, 85))
    positions = [seed_questions[n][1] for n in range(1, 85)]
    assert positions == sorted(positions)


def test_84_questions_numbered_in_order(questions: list[dict[str, Any]]) -> None:
    assert [q["number"] for q in questions] == list(range(1, 85))


def test_question_criteria(grid: dict[str, Any]) -> None:
    for criterion in grid["criteria"]:
        numbers = [q["number"] for q in criterion["questions"]]
        assert numbers == list(CRITERION_RANGES[criterion["number"]])


def test_question_keys(questions: list[dict[str, Any]]) -> None:
    for question in questions:
        assert set(question) == QUESTION_KEYS, question["number"]


@pytest.mark.parametrize("number", range(1, 85))
def test_question_text_matches_seed(
    number: int,
    by_number: dict[int, dict[str, Any]],
    seed_questions: dict[int, tuple[str, int]],
    seed_lines: list[str],
) -> None:
    expected, index = seed_questions[number]
    if number == 8:
        # The seed line carries the five benefits as bullets: they are Q8's options.
        expected = expected.split("•")[0].strip()
    elif number == 59:
        # Stray spaces around the subscript in the seed ("CO ₂ /an").
        assert "CO ₂ /an" in expected
        expected = expected.replace("CO ₂ /an", "CO₂/an")
    elif number == 72:
        # The seed's second sentence, on the next line, belongs to Q72.
        expected = f"{expected} {next_line(seed_lines, index)}"
    assert norm(by_number[number]["text"]) == norm(expected)


def test_q8_options_are_the_seed_bullets(
    by_number: dict[int, dict[str, Any]],
    seed_questions: dict[int, tuple[str, int]],
    seed_lines: list[str],
) -> None:
    text, index = seed_questions[8]
    # The bullets follow the question on the same seed line, after an HTML list tag.
    bullets_line = text if "•" in text else next_line(seed_lines, index)
    bullets = [norm(b) for b in bullets_line.split("•")[1:]]
    assert len(bullets) == 5
    q8 = by_number[8]
    assert q8["type"] == "multiple_choice"
    assert [norm(o["label"]) for o in q8["options"]] == bullets


def test_q65_help_is_the_seed_paragraph(
    by_number: dict[int, dict[str, Any]],
    seed_questions: dict[int, tuple[str, int]],
    seed_lines: list[str],
) -> None:
    paragraph = next_line(seed_lines, seed_questions[65][1])
    assert paragraph.startswith("Notamment en termes de raisonnement")
    assert norm(by_number[65]["help"]) == paragraph


def test_q2_help_quotes_the_cnil_footnote(
    by_number: dict[int, dict[str, Any]], seed_lines: list[str]
) -> None:
    footnote = next(line for line in seed_lines if line.startswith("1. Biométrie :"))
    assert footnote.removeprefix("1. ") in norm(by_number[2]["help"])


def test_types_units_and_options(questions: list[dict[str, Any]]) -> None:
    for question in questions:
        number, kind = question["number"], question["type"]
        assert kind in QUESTION_TYPES, number
        if kind in CHOICE_TYPES:
            options = question["options"]
            assert len(options) >= 2, number
            ids = [o["id"] for o in options]
            assert len(ids) == len(set(ids)), number
            for option in options:
                assert set(option) <= {"id", "label", "help"}, number
                assert isinstance(option["id"], str), number
                assert OPTION_ID.match(option["id"]), (number, option["id"])
                assert option["label"].strip(), number
        else:
            assert question["options"] == [], number
        if kind != "number":
            assert question["unit"] is None, number
        if number in EXPECTED_TYPES:
            assert (kind, question["unit"]) == EXPECTED_TYPES[number], number
        if kind == "single_choice" and "Type d'infrastructures" in question["text"]:
            assert [o["id"] for o in question["options"]] == INFRA_OPTIONS, number


def test_only_footprint_questions_are_computed(questions: list[dict[str, Any]]) -> None:
    assert {q["number"] for q in questions if q["computed"] is True} == COMPUTED
    for question in questions:
        assert isinstance(question["computed"], bool)
        assert isinstance(question["vendor"], bool)
        if question["number"] in COMPUTED:
            assert question["type"] == "number"
            assert question["help"], question["number"]


def test_vendor_flags(by_number: dict[int, dict[str, Any]]) -> None:
    # Questions a bidder must answer in procurement, and internal ones it must not.
    for number in (2, 6, *range(21, 60), *range(62, 75)):
        assert by_number[number]["vendor"] is True, number
    for number in (3, 4, 5, 10, *range(12, 21), *range(78, 85)):
        assert by_number[number]["vendor"] is False, number


def test_question_referents(grid: dict[str, Any]) -> None:
    for criterion in grid["criteria"]:
        defaults = CRITERION_REFERENTS[criterion["number"]]
        for question in criterion["questions"]:
            referents = question["referents"]
            assert referents, question["number"]
            assert set(referents) <= REFERENT_CODES, question["number"]
            assert len(referents) == len(set(referents)), question["number"]
            # Each question is answered by at least one of its criterion's referents.
            assert set(referents) & defaults, question["number"]
    by_number = {q["number"]: q for c in grid["criteria"] for q in c["questions"]}
    assert by_number[6]["referents"] == ["cybersecurite"]
    for number in (3, 4, 5):
        assert by_number[number]["referents"] == ["juridique"]


# ----------------------------------------------------------------------------- sections


def test_sections_match_seed(
    grid: dict[str, Any],
    seed_questions: dict[int, tuple[str, int]],
    seed_lines: list[str],
) -> None:
    sections = {}
    for criterion_number, section in sections_of(grid):
        assert set(section) == {"id", "title", "intro", "parent"}
        assert section["id"] not in sections
        if section["parent"] is not None:
            parent = sections[section["parent"]]  # parents come first
            assert parent["criterion"] == criterion_number
        sections[section["id"]] = {**section, "criterion": criterion_number}

    def path(section_id: str | None) -> tuple[str, ...]:
        titles: list[str] = []
        while section_id is not None:
            titles.insert(0, sections[section_id]["title"])
            section_id = sections[section_id]["parent"]
        return tuple(titles)

    expected_paths = {n: p for numbers, p in SECTION_RANGES for n in numbers}
    first_question: dict[str, int] = {}
    for criterion in grid["criteria"]:
        for question in criterion["questions"]:
            section_id = question["section"]
            if section_id is not None:
                assert sections[section_id]["criterion"] == criterion["number"]
            assert path(section_id) == expected_paths[question["number"]], question["number"]
            while section_id is not None:
                first_question.setdefault(section_id, question["number"])
                section_id = sections[section_id]["parent"]

    headings = [heading(line) for line in seed_lines]
    for section_id, section in sections.items():
        # Every section holds questions, and its title (and intro) stands in the seed just
        # before its first question, after the previous question.
        first = first_question[section_id]
        start = seed_questions[first - 1][1] if first > 1 else 0
        window = range(start + 1, seed_questions[first][1])
        title_at = [i for i in window if headings[i] == heading(section["title"])]
        assert title_at, section_id
        if section["intro"] is not None:
            intro = norm(section["intro"])
            assert any(seed_lines[i] == intro for i in window if i > title_at[0]), section_id
    assert sections["informations_techniques"]["intro"] == (
        "Les informations suivantes sont-elles documentées ? Si oui, compléter les "
        "informations. Si non, expliquer pourquoi."
    )


# ----------------------------------------------------------------------------- ids


def test_ids_unique_and_well_formed(grid: dict[str, Any], facts: list[dict[str, Any]]) -> None:
    ids = [c["id"] for c in grid["criteria"]]
    ids += [s["id"] for _, s in sections_of(grid)]
    ids += [q["id"] for c in grid["criteria"] for q in c["questions"]]
    for identifier in ids:
        assert isinstance(identifier, str)
        assert SNAKE_ID.match(identifier), identifier
        assert identifier.isascii(), identifier
    fact_ids = [f["id"] for f in facts]
    for identifier in fact_ids:
        assert isinstance(identifier, str)
        assert FACT_ID.match(identifier), identifier
    every = ids + fact_ids
    duplicates = sorted({i for i in every if every.count(i) > 1})
    assert not duplicates


# ----------------------------------------------------------------------------- profile


def expected_facts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts that §7's tables call for, in §7's order."""
    expected = []
    for row in rows:
        if row["ids"] == ["securite.*"]:
            for sub in (
                "analyse_risques",
                "dict",
                "plan_traitement_valide",
                "mode_degrade",
                "journalisation",
                "actions_auto",
                "rag",
                "entrees_externes",
                "droits_appliques",
                "droits_non_appliques",
            ):
                assert f"`{sub}`" in row["question"], sub
            for fact_id, (kind, options) in SECURITE_FACTS.items():
                expected.append(
                    {
                        "id": fact_id,
                        "number": row["number"],
                        "group": row["group"],
                        "type": kind,
                        "options": options,
                        "row": row,
                    }
                )
            continue
        segments = [s.strip() for s in row["types"].split(";")]
        assert len(segments) == len(row["ids"]), row["number"]
        for fact_id, segment in zip(row["ids"], segments, strict=True):
            options = set(re.findall(r"`([^`]+)`", segment)) - {"nsp"}
            if not options:
                kind = "yes_no"
            elif len(row["ids"]) == 1 and "(plusieurs choix)" in row["question"]:
                kind = "multiple_choice"
            else:
                kind = "single_choice"
            expected.append(
                {
                    "id": fact_id,
                    "number": row["number"],
                    "group": row["group"],
                    "type": kind,
                    "options": options,
                    "row": row,
                }
            )
            if fact_id == "en_service_avant":
                # §7 asks for the date with a "oui": a separate date fact.
                expected.append(
                    {
                        "id": "en_service_depuis",
                        "number": row["number"],
                        "group": row["group"],
                        "type": "date",
                        "options": set(),
                        "row": row,
                    }
                )
    return expected


def test_section7_parser(section7_rows: list[dict[str, Any]]) -> None:
    assert [r["number"] for r in section7_rows] == [f"Q{n:02d}" for n in range(1, 29)]


def test_profile_matches_legal_rules(
    grid: dict[str, Any], facts: list[dict[str, Any]], section7_rows: list[dict[str, Any]]
) -> None:
    expected = expected_facts(section7_rows)
    amended = amended_options(grid["version"])
    assert [f["id"] for f in facts] == [e["id"] for e in expected]
    for fact, want in zip(facts, expected, strict=True):
        fact_id = fact["id"]
        assert fact["number"] == want["number"], fact_id
        assert fact["group"] == want["group"], fact_id
        assert fact["type"] in FACT_TYPES, fact_id
        assert fact["type"] == want["type"], fact_id
        option_ids = [o["id"] for o in fact["options"]]
        assert len(option_ids) == len(set(option_ids)), fact_id
        assert set(option_ids) == want["options"] | amended.get(fact_id, set()), fact_id
        assert "nsp" not in option_ids, fact_id
        for option in fact["options"]:
            assert set(option) <= {"id", "label", "help"}, fact_id
            assert isinstance(option["id"], str), fact_id
            assert OPTION_ID.match(option["id"]), (fact_id, option["id"])
            assert option["label"].strip(), fact_id
        assert isinstance(fact["text"], str), fact_id
        assert fact["text"].strip(), fact_id
        assert "**" not in fact["text"], fact_id
        assert fact["help"] is None or fact["help"].strip(), fact_id
        if fact["type"] == "scale":
            assert (fact["min"], fact["max"]) == (1, 4), fact_id
        else:
            assert "min" not in fact, fact_id
            assert "max" not in fact, fact_id
        exclusive = fact.get("exclusive") or []
        if fact["type"] == "multiple_choice":
            assert set(exclusive) <= set(option_ids), fact_id
            assert set(exclusive) == set(option_ids) & {"aucune", "aucun"}, fact_id
        else:
            assert exclusive == [], fact_id


def test_profile_boussole_references(
    facts: list[dict[str, Any]], section7_rows: list[dict[str, Any]], questions: list[Any]
) -> None:
    grid_numbers = {f"Q{q['number']}" for q in questions}
    by_row: dict[str, set[str]] = {}
    for fact in facts:
        assert set(fact["boussole"]) <= grid_numbers, fact["id"]
        by_row.setdefault(fact["number"], set()).update(fact["boussole"])
    for row in section7_rows:
        # A row split into several facts spreads its references over them.
        assert by_row[row["number"]] == set(row["boussole"]), row["number"]
        if len(row["ids"]) == 1 and row["ids"] != ["securite.*"]:
            fact = next(f for f in facts if f["id"] == row["ids"][0])
            assert fact["boussole"] == row["boussole"], row["number"]


def test_priority_gates(
    facts: list[dict[str, Any]], section7: str, section7_rows: list[dict[str, Any]]
) -> None:
    sentence = re.search(r"priority questions \(([^)]*)\)", section7)
    assert sentence
    numbers = set(re.findall(r"Q\d\d", sentence[1]))
    gates = {row["ids"][0] for row in section7_rows if row["number"] in numbers}
    assert gates == {"biometrie", "sensibles_comme_critere", "decision", "pratiques_art5", "video"}
    for fact in facts:
        assert fact["priority"] is (fact["id"] in gates), fact["id"]


def test_required_profile_conditions(facts: list[dict[str, Any]]) -> None:
    conditions = {f["id"]: f.get("condition") for f in facts}
    assert conditions["en_service_depuis"] == {"fact": "en_service_avant", "in": ["oui"]}
    assert conditions["controle_humain"] == {"fact": "decision", "in": ["aide"]}
    assert conditions["temps_reel"] == {"fact": "espace_public", "in": ["oui"]}


# ----------------------------------------------------------------------------- conditions


def _values(item: dict[str, Any]) -> set[str]:
    if item["type"] == "yes_no":
        return {"oui", "non"}
    if item["type"] in CHOICE_TYPES:
        return {o["id"] for o in item["options"]}
    return set()  # text, number, scale, date: not usable with `in`


def _check_condition(
    condition: Any,
    facts: dict[str, dict[str, Any]],
    questions: dict[str, dict[str, Any]],
    where: str,
) -> None:
    assert isinstance(condition, dict), where
    if set(condition) in ({"all"}, {"any"}):
        (items,) = condition.values()
        assert isinstance(items, list), where
        assert items, where
        for item in items:
            _check_condition(item, facts, questions, where)
        return
    assert set(condition) in ({"fact", "in"}, {"question", "in"}), where
    kind = "fact" if "fact" in condition else "question"
    pool = facts if kind == "fact" else questions
    target = pool.get(condition[kind])
    assert target is not None, f"{where}: unknown {kind} {condition[kind]!r}"
    values = condition["in"]
    assert isinstance(values, list), where
    assert values, where
    allowed = _values(target)
    assert allowed, f"{where}: {condition[kind]!r} is not a yes/no or choice item"
    assert all(isinstance(v, str) for v in values), where
    assert set(values) <= allowed, f"{where}: {values} not in {sorted(allowed)}"


def test_conditions_reference_existing_ids(
    facts: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    seen_facts: dict[str, dict[str, Any]] = {}
    all_facts = {f["id"]: f for f in facts}
    for fact in facts:
        # A fact may only depend on facts asked before it.
        if fact.get("condition") is not None:
            _check_condition(fact["condition"], seen_facts, {}, fact["id"])
        seen_facts[fact["id"]] = fact
    seen_questions: dict[str, dict[str, Any]] = {}
    for question in questions:
        # A question may depend on any fact, and on questions asked before it.
        if question["condition"] is not None:
            _check_condition(
                question["condition"], all_facts, seen_questions, f"Q{question['number']}"
            )
        seen_questions[question["id"]] = question


def test_q8_applies_to_tools_for_external_users(by_number: dict[int, dict[str, Any]]) -> None:
    assert by_number[8]["condition"] == {
        "any": [
            {"fact": "interaction", "in": ["public"]},
            {"fact": "sortie", "in": ["information_personne"]},
        ]
    }


# ----------------------------------------------------------------------------- versions


def _without(data: dict[str, Any], amended: set[str]) -> dict[str, Any]:
    """``data`` without what a later version may change: its number, its derived_from block,
    and the options and help texts of the amended facts."""
    copy = {k: v for k, v in data.items() if k not in ("version", "derived_from")}
    copy["profile"] = [
        {k: v for k, v in f.items() if k not in ("options", "help")} if f["id"] in amended else f
        for f in data["profile"]
    ]
    return copy


@pytest.mark.parametrize("version", sorted(set(GRID_PATHS) - {1}))
def test_later_versions_change_only_what_is_documented(version: int) -> None:
    previous, current = read_grid(GRID_PATHS[version - 1]), read_grid(GRID_PATHS[version])
    amended = set(AMENDED_OPTIONS.get(version, {}))
    assert _without(current, amended) == _without(previous, amended)
    for fact_id in amended:
        before = {o["id"]: o for o in next(f for f in previous["profile"] if f["id"] == fact_id)
                  ["options"]}
        after = {o["id"]: o for o in next(f for f in current["profile"] if f["id"] == fact_id)
                 ["options"]}
        # Options are only added, never removed or renamed, and keep their order: answers
        # given under the previous version stay valid.
        assert set(after) - set(before) == AMENDED_OPTIONS[version][fact_id]
        assert [o for o in after if o in before] == list(before)
        for option_id, option in before.items():
            assert after[option_id]["label"] == option["label"], option_id


def test_version_2_biometrie_scraping_option() -> None:
    biometrie = next(f for f in read_grid(GRID_PATHS[2])["profile"] if f["id"] == "biometrie")
    ids = [o["id"] for o in biometrie["options"]]
    assert ids[ids.index("base_visages") + 1] == "moissonnage_visages"
    scraping = biometrie["options"][ids.index("moissonnage_visages")]
    assert scraping["label"] == (
        "Constitution ou enrichissement d'une base de visages par collecte non ciblée "
        "d'images (internet, vidéoprotection)")
    assert "5(1)(e)" in biometrie["help"] and "5(1)(e)" in scraping["help"]
