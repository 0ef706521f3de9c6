"""The decision memo as a format-neutral document: light validation, French wording, blocks.

One builder (:func:`build_document`) reads the memo dict (the contract is documented in
:mod:`boussole.reports`), checks its shape, and turns it into a flat list of blocks — headings,
paragraphs, description lists, tables, bullet lists and the compass chart — with every label,
date and number already written in French. The HTML, PDF and ODT renderers only lay these
blocks out, so the three formats always say the same thing in the same order.

User text is carried as plain Python strings from end to end: the renderers escape it (HTML,
XML) or pass it as data (Typst), never as markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from boussole.core.completeness import low_completeness
from boussole.core.grid import Progress

NOT_PROVIDED = "non renseigné"
DEFAULT_DISCLAIMER = (
    "Outil d'aide à l'instruction\u00a0: il ne décide pas. La décision appartient aux élus, "
    "sur la base du dossier figé et de l'avis du groupe d'experts."
)
MEMO_KIND = "Note d'aide à la décision"
#: The lead-in of the warning on a favourable opinion given at low completeness.
LOW_COMPLETENESS_LABEL = "Attention, avis favorable sur un critère peu renseigné\u00a0:"
#: The mark of a memo built from a case not yet frozen (``"draft": true`` in the memo dict): on
#: every page of the PDF (page header) and of the ODT (page header), and as a banner at the top
#: of every format.
DRAFT_MARK = "Projet — version non figée"
DRAFT_NOTICE = (
    "Aperçu de la note avant la transmission aux élus : le dossier peut encore changer. "
    "Seule la note d'une version figée fait foi."
)

VERDICTS: dict[str | None, str] = {
    "favorable": "Favorable",
    "favorable_reserves": "Favorable avec réserves",
    "defavorable": "Défavorable",
    None: "Sans avis",
}

LEVELS = {
    "INFO": "Information",
    "LIMITE": "Limité",
    "MODERE": "Modéré",
    "ELEVE": "Élevé",
    "BLOQUANT_DOCTRINE": "Bloquant (doctrine nantaise)",
    "BLOQUANT_LOI": "Bloquant (pratique interdite ou illicite)",
}

STATUSES = {"ACTIF": "Actif", "A_COMPLETER": "À compléter", "SATISFAIT": "Satisfait"}

CHECKS = {
    "pue_below_1_5": "Centre de données avec un PUE inférieur à 1,5",
    "located_in_france": "Hébergement en France",
    "green_energy_over_50": "Plus de 50 % d'énergie d'origine renouvelable",
}

COMPARISON_ROWS = (
    ("service_benefit", "Bénéfice pour le service"),
    ("cost", "Coût"),
    ("risks", "Risques"),
    ("dependency", "Dépendance"),
    ("reversibility", "Réversibilité"),
)

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")

CO2 = "kg CO₂e"
NNBSP = "\u202f"  # narrow no-break space: French thousands separator, before « % »
# Our own French strings put a no-break space (\u00a0) before « : » and inside « », so that a
# line never starts with a colon or a closing guillemet.


class MemoError(ValueError):
    """The memo dict does not follow the contract; the message is in French and says where."""


# --------------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int  # 1 (the memo title, once), 2 (sections), 3 (sub-sections)
    text: str
    anchor: str


ParagraphStyle = Literal["body", "kicker", "meta", "alert", "note", "draft"]


@dataclass(frozen=True)
class Paragraph:
    text: str  # may hold "\n": rendered as line breaks
    label: str | None = None  # bold lead-in, e.g. "Recommandations :"
    style: ParagraphStyle = "body"


@dataclass(frozen=True)
class Fields:
    """A description list of (label, value) pairs."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    row_headers: bool = False  # the first cell of each row heads that row


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    criteria: tuple[CriterionSummary, ...]
    caption: str
    alt: str


Block = Heading | Paragraph | Fields | Table | BulletList | Chart
_Heading = Callable[[int, str, str], None]  # adds a heading: level, text, anchor
_Add = Callable[[Block], None]  # adds a block


@dataclass(frozen=True)
class Document:
    title: str  # the document's title (window title, PDF/ODT metadata)
    author: str
    subject: str
    keywords: tuple[str, ...]
    footer: str
    generated_at: datetime | None
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    draft: str | None = None  # DRAFT_MARK for a memo of a case not yet frozen, else None


@dataclass(frozen=True)
class CriterionSummary:
    """What the compass shows for one criterion."""

    number: int
    title: str
    verdict: str | None  # one of VERDICTS' keys
    verdict_label: str
    answered: int
    applicable: int
    unknown: int

    @property
    def progress(self) -> Progress:
        return Progress(self.applicable, self.answered, self.unknown)

    @property
    def percent(self) -> int:
        """Completeness, as on the case screens: "nsp" counts as answered."""
        if self.applicable <= 0:
            return 100
        return max(0, min(100, self.progress.percent))

    @property
    def low_completeness(self) -> str | None:
        """The core's warning when the opinion is favourable while fewer than
        ``LOW_COMPLETENESS_PERCENT`` % of the applicable questions are answered."""
        warning = low_completeness(self.number, self.verdict, self.progress, self.title)
        return None if warning is None else warning.message

    @property
    def percent_label(self) -> str:
        return f"{self.percent}{NNBSP}%"


# ------------------------------------------------------------------------- reading input

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """Normalise line ends and drop characters no XML document may hold (C0 controls…)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class _Node:
    """A value of the memo with its path, for French error messages."""

    __slots__ = ("path", "value")

    def __init__(self, value: object, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, what: str) -> MemoError:
        return MemoError(f"note d'aide à la décision, {self.path} : {what}")

    def __getitem__(self, key: str) -> _Node:
        if self.value is None:
            return _Node(None, f"{self.path}.{key}")
        if not isinstance(self.value, Mapping):
            raise self.fail("un objet (dictionnaire) est attendu.")
        return _Node(self.value.get(key), f"{self.path}.{key}")

    def present(self) -> bool:
        return self.value is not None and self.value != "" and self.value != [] and self.value != {}

    def text(self) -> str | None:
        """The value as text, or None when absent or empty."""
        value = self.value
        if value is None:
            return None
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, str):
            value = clean(value).strip()
            return value or None
        if isinstance(value, int | float):
            return format_number(value)
        if isinstance(value, date):
            return format_date(value.isoformat())
        raise self.fail("un texte est attendu.")

    def text_or_na(self) -> str:
        return self.text() or NOT_PROVIDED

    def number(self) -> float | None:
        value = self.value
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail("un nombre est attendu.")
        if not math.isfinite(value):
            raise self.fail("un nombre fini est attendu.")
        return float(value)

    def integer(self, default: int = 0) -> int:
        value = self.value
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail("un nombre entier est attendu.")
        return value

    def items(self) -> list[_Node]:
        value = self.value
        if value is None:
            return []
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.fail("une liste est attendue.")
        return [_Node(item, f"{self.path}[{i}]") for i, item in enumerate(value)]

    def mapping(self) -> list[tuple[str, _Node]]:
        value = self.value
        if value is None:
            return []
        if not isinstance(value, Mapping):
            raise self.fail("un objet (dictionnaire) est attendu.")
        return [(str(k), _Node(v, f"{self.path}.{k}")) for k, v in value.items()]

    def texts(self) -> list[str]:
        """A list of texts (empty items dropped); a single text is accepted as a list of one."""
        if isinstance(self.value, str):
            single = self.text()
            return [single] if single else []
        return [t for t in (item.text() for item in self.items()) if t]


# ------------------------------------------------------------------------------ wording


def format_number(value: float, decimals: int | None = None) -> str:
    """French number: decimal comma, narrow no-break space between thousands."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if decimals is None:
        magnitude = abs(value)
        decimals = 0 if magnitude >= 100 or float(value).is_integer() else (
            1 if magnitude >= 1 else 2 if magnitude >= 0.01 else 4)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", NNBSP).replace(".", ",")


def format_date(text: str) -> str:
    """ISO date or date-time → "20 novembre 2026" / "30 novembre 2026 à 10 h 00"."""
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    day = "1er" if moment.day == 1 else str(moment.day)
    out = f"{day} {MONTHS[moment.month - 1]} {moment.year}"
    if "T" in raw or " " in raw:
        out += f" à {moment.hour} h {moment.minute:02d}"
    return out


def _draft(node: _Node) -> str | None:
    """DRAFT_MARK when the memo is a preview of a case not yet frozen (``"draft": true``)."""
    if node.value is None or node.value is False:
        return None
    if node.value is True:
        return DRAFT_MARK
    raise node.fail("vrai ou faux est attendu.")


def _date(node: _Node) -> str | None:
    text = node.text()
    return format_date(text) if text else None


def _kg(value: float | None, unit: str = CO2) -> str:
    return NOT_PROVIDED if value is None else f"{format_number(value)} {unit}"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count <= 1 else plural}"


def _level(node: _Node) -> str:
    code = node.text()
    if code is None:
        return NOT_PROVIDED
    return LEVELS.get(code.upper(), code)


def _status(node: _Node) -> str:
    code = node.text()
    if code is None:
        return NOT_PROVIDED
    return STATUSES.get(code.upper(), code)


def _verdict(node: _Node) -> str | None:
    value = node.value
    if value is None or value == "" or value == "none":
        return None
    if not isinstance(value, str) or value not in VERDICTS:
        allowed = ", ".join(k for k in VERDICTS if k)
        raise node.fail(f"avis inconnu {value!r} (attendu : {allowed} ou null).")
    return value


def _references(node: _Node) -> str:
    """References, one a line; an item may be a text or a rule-base link ``{"texte", "url"}``."""
    if isinstance(node.value, str):
        refs = node.texts()
    else:
        refs = []
        for item in node.items():
            if isinstance(item.value, Mapping):
                item = item["texte"] if item["texte"].present() else item["text"]
            text = item.text()
            if text:
                refs.append(text)
    return "\n".join(refs) if refs else NOT_PROVIDED


def _paragraphs(text: str | None, *, label: str | None = None,
                empty: str = NOT_PROVIDED) -> list[Block]:
    """User text → paragraphs (blank lines separate them); the label leads the first one."""
    chunks = [c.strip("\n") for c in re.split(r"\n[ \t]*\n", text or "") if c.strip()]
    if not chunks:
        return [Paragraph(empty, label=label)]
    return [Paragraph(chunk, label=label if i == 0 else None) for i, chunk in enumerate(chunks)]


# ------------------------------------------------------------------------------ criteria


def criterion_summaries(criteria: object, path: str = "criteria") -> tuple[CriterionSummary, ...]:
    """The compass data, read from the memo's ``criteria`` list (see the contract)."""
    out = []
    for position, node in enumerate(_Node(criteria, path).items(), start=1):
        if not isinstance(node.value, Mapping):
            raise node.fail("un objet (dictionnaire) est attendu.")
        progress = node["progress"]
        opinion = node["opinion"]
        verdict = _verdict(opinion["verdict"])
        out.append(CriterionSummary(
            number=node["number"].integer(default=position),
            title=node["title"].text_or_na(),
            verdict=verdict,
            verdict_label=opinion["verdict_label"].text() or VERDICTS[verdict],
            answered=progress["answered"].integer(),
            applicable=progress["applicable"].integer(),
            unknown=progress["unknown"].integer(),
        ))
    return tuple(out)


def chart_description(criteria: Sequence[CriterionSummary]) -> str:
    """The chart's text alternative: every figure it shows, one sentence per criterion."""
    if not criteria:
        return "Aucun critère à afficher."
    parts = [f"Critère {c.number} ({c.title})\u00a0: {c.verdict_label.lower()}, "
             f"complétude {c.percent_label}." for c in criteria]
    return " ".join(parts)


def _progress_text(c: CriterionSummary) -> str:
    if c.applicable <= 0:
        return "aucune question applicable"
    text = (f"{c.percent_label} ({c.answered} / "
            f"{_plural(c.applicable, 'question applicable', 'questions applicables')}")
    if c.unknown:
        text += f", dont {c.unknown} «\u00a0je ne sais pas\u00a0»"
    return text + ")"


# ------------------------------------------------------------------------------- builder


def build_document(memo: object) -> Document:
    """Check the memo lightly and turn it into blocks (see the module docstring)."""
    if not isinstance(memo, Mapping):
        raise MemoError("note d'aide à la décision : un objet (dictionnaire) est attendu.")
    root = _Node(memo, "memo")
    case = root["case"]
    if not isinstance(case.value, Mapping):
        raise case.fail("l'objet décrivant le cas d'usage est obligatoire.")
    title = case["title"].text()
    if title is None:
        raise case["title"].fail("l'intitulé du cas d'usage est obligatoire.")
    reference = case["reference"].text()
    organisation = root["organisation"].text()
    draft = _draft(root["draft"])
    version = root["version"]
    number = None if draft else version["number"].text()
    generated_text = root["generated_at"].text()
    generated_at: datetime | None = None
    if generated_text:
        try:
            generated_at = datetime.fromisoformat(generated_text)
        except ValueError:
            generated_at = None

    blocks: list[Block] = []
    add = blocks.append
    anchors: dict[str, int] = {}

    def heading(level: int, text: str, anchor: str) -> None:
        anchors[anchor] = anchors.get(anchor, 0) + 1
        suffix = "" if anchors[anchor] == 1 else f"-{anchors[anchor]}"
        add(Heading(level, text, anchor + suffix))

    # --- head
    if draft:
        add(Paragraph(DRAFT_NOTICE, label=f"{draft} :", style="draft"))
    kicker = " · ".join(p for p in (organisation, MEMO_KIND) if p)
    add(Paragraph(kicker, style="kicker"))
    heading(1, title, "titre")
    meta = []
    if reference:
        meta.append(f"Dossier {reference}")
    if number:
        meta.append(f"version {number} du dossier")
    if draft:
        meta.append("projet, version non figée")
    if generated_text:
        meta.append(f"note générée le {format_date(generated_text)}")
    add(Paragraph(" · ".join(meta) if meta else NOT_PROVIDED, style="meta"))

    # --- 1. summary
    heading(2, "Synthèse du cas d'usage", "synthese")
    grid = root["grid"]
    grid_text = grid["title"].text()
    if grid_text and grid["version"].text():
        grid_text += f" (version {grid['version'].text()})"
    frozen = f"{draft} (aperçu du dossier en cours)" if draft else NOT_PROVIDED
    if number:
        frozen = f"version {number}"
        if version["frozen_at"].text():
            frozen += f", figée le {_date(version['frozen_at'])}"
        if version["frozen_by"].text():
            frozen += f" par {version['frozen_by'].text()}"
    add(Fields((
        ("Référence", reference or NOT_PROVIDED),
        ("Intitulé", title),
        ("Service porteur", case["service"].text_or_na()),
        ("Finalité", case["purpose"].text_or_na()),
        ("Fournisseur", case["vendor"].text_or_na()),
        ("Chef·fe de projet", case["lead"].text_or_na()),
        ("État du dossier", case["state_label"].text_or_na()),
        ("Version du dossier", frozen),
        ("Grille d'instruction", grid_text or NOT_PROVIDED),
    )))
    blocks.extend(_paragraphs(root["summary"].text(),
                              label="Synthèse du groupe d'experts\u00a0:"))

    # --- 2. compass
    summaries = criterion_summaries(root["criteria"].value, "memo.criteria")
    heading(2, "La boussole\u00a0: avis du groupe par critère", "boussole")
    add(Chart(summaries, caption="Avis du groupe et complétude des réponses, par critère",
              alt=chart_description(summaries)))
    add(Table(
        caption="Données de la boussole",
        header=("Critère", "Avis du groupe", "Complétude", "Réponses",
                "Dont «\u00a0je ne sais pas\u00a0»"),
        rows=tuple((f"{c.number}. {c.title}", c.verdict_label, c.percent_label,
                    f"{c.answered} / {c.applicable}", str(c.unknown)) for c in summaries),
        widths=(4.2, 2, 1.3, 1.2, 1.5), row_headers=True,
    ) if summaries else Paragraph("Aucun critère renseigné."))
    for summary in summaries:
        if summary.low_completeness:
            add(Paragraph(summary.low_completeness, label=LOW_COMPLETENESS_LABEL,
                          style="alert"))

    # --- 3. criteria
    heading(2, "Avis et réponses clés par critère", "criteres")
    for summary, node in zip(summaries, root["criteria"].items(), strict=True):
        _criterion(node, summary, heading, add)

    # --- 4. legal
    _legal(root["legal"], heading, add)

    # --- 5. footprint
    _footprint(root["footprint"], heading, add)

    # --- 6. no-AI comparison
    _no_ai(root["no_ai"], heading, add)

    # --- 7. group opinion
    heading(2, "Avis du groupe d'experts", "avis-groupe")
    opinion = root["group_opinion"]
    add(Fields((("Avis", opinion["verdict_label"].text_or_na()),)))
    blocks.extend(_paragraphs(opinion["recommendations"].text(), label="Recommandations\u00a0:"))
    conditions = opinion["conditions"].texts()
    if conditions:
        add(Paragraph("", label="Conditions\u00a0:"))
        add(BulletList(tuple(conditions)))
    else:
        add(Paragraph("aucune condition", label="Conditions\u00a0:"))

    # --- 8. decisions
    heading(2, "Décisions des élus", "decisions")
    decisions = root["decisions"].items()
    if decisions:
        add(Table(
            caption="Décisions enregistrées sur le dossier figé",
            header=("Délégation", "Élu·e", "Décision", "Conditions", "Date", "Référence"),
            rows=tuple((d["delegation_label"].text_or_na(), d["name"].text_or_na(),
                        d["decision_label"].text_or_na(), d["conditions"].text() or "aucune",
                        _date(d["date"]) or NOT_PROVIDED, d["reference"].text_or_na())
                       for d in decisions),
            widths=(1.6, 1.5, 1.4, 2.5, 1.5, 1.7),
        ))
    else:
        add(Paragraph("Aucune décision n'est encore enregistrée.", style="note"))

    # --- 8b. action plan (memos built before the plan existed have no "action_plan" key)
    if root["action_plan"].present():
        _action_plan(root["action_plan"], heading, add)

    # --- 9. union information
    heading(2, "Information des organisations syndicales", "syndicats")
    union = root["union_information"]
    if union.present():
        add(Fields((
            ("Date", _date(union["date"]) or NOT_PROVIDED),
            ("Instance", union["body"].text_or_na()),
            ("Documents présentés", union["documents"].text_or_na()),
            ("Questions posées et réponses", union["questions"].text_or_na()),
        )))
    else:
        add(Paragraph(f"Information des organisations syndicales\u00a0: {NOT_PROVIDED}.",
                      style="note"))

    # --- 10. consulted
    heading(2, "Personnes consultées", "consultations")
    consulted = root["consulted"].items()
    if consulted:
        add(Table(caption="Personnes consultées pendant l'instruction",
                  header=("Nom", "Rôle"),
                  rows=tuple((p["name"].text_or_na(), p["role"].text_or_na()) for p in consulted),
                  widths=(1, 1.4)))
    else:
        add(Paragraph(NOT_PROVIDED, style="note"))

    # --- 11. disclaimer
    heading(2, "Avertissement", "avertissement")
    blocks.extend(_paragraphs(root["disclaimer"].text(), empty=DEFAULT_DISCLAIMER))

    doc_title = " — ".join(p for p in (draft and "Projet", MEMO_KIND, reference, title) if p)
    footer = " · ".join(p for p in (
        organisation, f"Dossier {reference}" if reference else None,
        f"version {number}" if number else None) if p)
    return Document(
        title=doc_title,
        author=organisation or "Boussole",
        subject=f"{MEMO_KIND} sur le cas d'usage de l'IA «\u00a0{title}\u00a0»",
        keywords=tuple(k for k in ("boussole de l'IA", MEMO_KIND, reference) if k),
        footer=footer or MEMO_KIND,
        generated_at=generated_at,
        blocks=tuple(blocks),
        draft=draft,
    )


def _criterion(node: _Node, summary: CriterionSummary, heading: _Heading,
               add: _Add) -> None:
    heading(3, f"Critère {summary.number} — {summary.title}", f"critere-{summary.number}")
    commitments = node["commitments"].texts()
    if commitments:
        add(Paragraph("", label="Engagements\u00a0:"))
        add(BulletList(tuple(commitments)))
    opinion = node["opinion"]
    add(Fields((
        ("Avis", summary.verdict_label),
        ("Complétude", _progress_text(summary)),
        ("Avis rédigé par", opinion["author"].text_or_na()),
    )))
    if summary.low_completeness:
        add(Paragraph(summary.low_completeness, label=LOW_COMPLETENESS_LABEL, style="alert"))
    for block in _paragraphs(opinion["recommendations"].text(), label="Recommandations\u00a0:"):
        add(block)
    answers = node["key_answers"].items()
    if answers:
        add(Table(
            caption=f"Réponses clés du critère {summary.number}",
            header=("Question", "Intitulé", "Réponse", "Justification"),
            rows=tuple((f"Q{a['number'].text()}" if a["number"].text() else NOT_PROVIDED,
                        a["text"].text_or_na(), a["answer"].text_or_na(),
                        a["justification"].text() or "—") for a in answers),
            widths=(0.8, 3, 2, 2.6), row_headers=True,
        ))
    else:
        add(Paragraph("Aucune réponse clé retenue pour ce critère.", style="note"))


def _legal(legal: _Node, heading: _Heading, add: _Add) -> None:
    heading(2, "Lignes rouges et risques juridiques", "juridique")
    proposed, retained = legal["level_proposed"].text(), legal["level_retained"].text()
    items = [
        ("Niveau de risque proposé par les règles", _level(legal["level_proposed"])),
        ("Niveau potentiel (si les points à compléter se confirment)",
         _level(legal["level_potential"])),
        ("Niveau retenu par les juristes", _level(legal["level_retained"])),
    ]
    rationale = legal["retained_rationale"].text()
    if rationale or (proposed and retained and proposed != retained):
        items.append(("Motif du niveau retenu", rationale or NOT_PROVIDED))
    items.append(("Niveau retenu par", legal["retained_by"].text_or_na()))
    items.append(("Version de la base de règles", legal["rules_version"].text_or_na()))
    items.append(("Date d'évaluation des règles", _date(legal["evaluation_date"]) or NOT_PROVIDED))
    add(Fields(tuple(items)))

    heading(3, "Lignes rouges", "lignes-rouges")
    red_lines = legal["red_lines"].items()
    if red_lines:
        add(Paragraph(
            f"{_plural(len(red_lines), 'ligne rouge active', 'lignes rouges actives')}\u00a0: "
            "la doctrine ne prévoit aucune dérogation ; le dossier ne peut recevoir qu'un avis "
            "défavorable.", style="alert"))
        add(Table(
            caption="Lignes rouges actives",
            header=("Identifiant", "Niveau", "Explication", "Références"),
            rows=tuple((r["id"].text_or_na(), _level(r["level"]), r["explanation"].text_or_na(),
                        _references(r["references"])) for r in red_lines),
            widths=(1.2, 1.6, 4, 2), row_headers=True,
        ))
    else:
        add(Paragraph("Aucune ligne rouge active.", style="note"))

    heading(3, "Points d'attention juridiques", "points-juridiques")
    flags = legal["flags"].items()
    if flags:
        add(Table(
            caption="Points d'attention relevés par la base de règles",
            header=("Identifiant", "Niveau", "Statut", "Question", "Explication", "Références"),
            rows=tuple((f["id"].text_or_na(), _level(f["level"]), _status(f["status"]),
                        f["question"].text() or "—", f["explanation"].text_or_na(),
                        _references(f["references"])) for f in flags),
            widths=(1.2, 1.2, 1.2, 1, 3.4, 2), row_headers=True,
        ))
    else:
        add(Paragraph("Aucun point d'attention juridique.", style="note"))


def _action_plan(plan: _Node, heading: _Heading, add: _Add) -> None:
    """The measures decided, each with what it answers, its owner, due date and status."""
    heading(2, "Plan d'action", "plan-action")
    measures = plan["measures"].items()
    as_of = plan["as_of"].text()
    if as_of:
        add(Paragraph(f"État du plan d'action au {format_date(as_of)}.", style="meta"))
    if not measures:
        add(Paragraph("Aucune mesure n'est inscrite au plan d'action.", style="note"))
        return
    add(Table(
        caption="Plan d'action : mesures décidées, responsables et échéances",
        header=("Mesure", "Répond à", "Responsable", "Échéance", "Statut"),
        rows=tuple((m["text"].text_or_na(), m["target"].text_or_na(), m["owner"].text_or_na(),
                    _date(m["due"]) or NOT_PROVIDED,
                    " — ".join(t for t in (m["status_label"].text(),
                                           "en retard" if m["overdue"].value is True else None)
                               if t) or NOT_PROVIDED)
                   for m in measures),
        widths=(3.6, 1.6, 1.6, 1.4, 1.2), row_headers=True,
    ))


def _footprint(fp: _Node, heading: _Heading, add: _Add) -> None:
    heading(2, "Empreinte environnementale", "empreinte")
    if not fp.present():
        add(Paragraph(f"Estimation de l'empreinte\u00a0: {NOT_PROVIDED}.", style="note"))
        return
    years = fp["service_years"].number()
    add(Fields((
        ("Émissions annuelles estimées", _kg(fp["per_year_kg"].number(), f"{CO2} par an")),
        ("Durée de service retenue",
         NOT_PROVIDED if years is None else f"{format_number(years)} an"
         + ("s" if years >= 2 else "")),
        ("Émissions sur la durée de service", _kg(fp["lifetime_kg"].number())),
    )))
    components = fp["components"].items()
    if components:
        add(Table(caption="Émissions annuelles par poste",
                  header=("Poste", f"{CO2} par an"),
                  rows=tuple((c["label"].text_or_na(), _kg(c["kg_per_year"].number(), "").strip())
                             for c in components),
                  widths=(3, 1.4), row_headers=True))
    checks = fp["checks"].mapping()
    if checks:
        def answer(node: _Node) -> str:
            if node.value is None:
                return NOT_PROVIDED
            if isinstance(node.value, bool):
                return "Oui" if node.value else "Non"
            return node.text_or_na()

        add(Table(caption="Vérifications sur l'hébergement et l'énergie",
                  header=("Vérification", "Réponse"),
                  rows=tuple((CHECKS.get(key, key), answer(value)) for key, value in checks),
                  widths=(3, 1.4), row_headers=True))
    equivalents = fp["equivalents"].items()
    if equivalents:
        add(Table(caption="Équivalences pour se représenter ces émissions",
                  header=("Équivalence", "Source"),
                  rows=tuple((" ".join(t for t in (e["value"].text(), e["label"].text()) if t)
                              or NOT_PROVIDED, e["source"].text_or_na()) for e in equivalents),
                  widths=(3, 1.4)))


def _no_ai(no_ai: _Node, heading: _Heading, add: _Add) -> None:
    heading(2, "Comparaison avec des scénarios sans IA", "sans-ia")
    scenarios = no_ai["scenarios"].items()
    options = [("Option avec IA", no_ai["ai_option"])]
    options += [(s["title"].text() or f"Scénario sans IA n° {i}", s)
                for i, s in enumerate(scenarios, start=1)]
    if not scenarios:
        add(Paragraph("Aucun scénario sans IA n'a été décrit\u00a0: le critère 7 demande d'en "
                      "comparer au moins un.", style="alert"))
    rows = [tuple([label] + [option[key].text_or_na() for _, option in options])
            for key, label in COMPARISON_ROWS]
    rows.append(tuple(["Empreinte estimée"]
                      + [_kg(option["footprint_kg_per_year"].number(), f"{CO2} par an")
                         for _, option in options]))
    add(Table(caption="Option avec IA et scénarios sans IA",
              header=("Critère de comparaison", *(name for name, _ in options)),
              rows=tuple(rows), widths=(1.5, *([2.0] * len(options))), row_headers=True))
    for block in _paragraphs(no_ai["conclusion"].text(), label="Conclusion\u00a0:"):
        add(block)
