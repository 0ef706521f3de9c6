"""Renderers of the decision memo ("note d'aide à la décision") and of the compass chart.

Pure Python plus rendering libraries: this package imports neither Django nor the web layer.
The web layer builds a plain dict from the frozen version of a case and calls::

    render_memo_html(memo) -> str     # standalone, printable HTML5 page (lang="fr")
    render_memo_pdf(memo)  -> bytes   # PDF/A-2a + PDF/UA-1 (tagged), via Typst
    render_memo_odt(memo)  -> bytes   # OpenDocument text (ODF 1.3)
    compass_svg(criteria)  -> str     # accessible SVG of the 7 criteria

All three memo formats hold the same sections, in this order: summary of the case, the compass
(chart + data table), each criterion's opinion and key answers, red lines and legal flags, the
environmental footprint, the comparison with scenarios without AI, the group's opinion and
conditions, the elected officials' decisions, the information of the trade unions, the people
consulted, the disclaimer.

Input contract
--------------
Only ``case`` (a dict) and ``case["title"]`` are required. Every other key may be missing,
``None`` or empty: it then renders as « non renseigné » (or a sentence saying there is none).
Texts are ``str`` (numbers are accepted and written the French way); multi-line text keeps its
line breaks, and a blank line separates paragraphs. Any text may contain markup characters: it is
always rendered literally (in the PDF only, characters that its embedded fonts lack — CJK,
emoji… — are shown as U+FFFD). A value of the wrong type (a list where a text is expected, an
unknown ``verdict``…) raises :class:`MemoError`, whose French message names the path, e.g.
``memo.criteria[2].progress.answered : un nombre entier est attendu.``::

    memo = {
      "organisation": "Nantes Métropole",
      "generated_at": "2026-11-30T10:00:00+01:00",         # ISO 8601; also the PDF's date
      "version": {"number": 2, "frozen_at": "2026-11-18T16:05:00+01:00",
                  "frozen_by": "Nadia Benali"},
      "case": {"reference": "2026-003", "title": "…", "service": "…", "purpose": "…",
               "vendor": "…", "lead": "Camille Morin", "state_label": "Décision des élus"},
      "grid": {"title": "La boussole de l'IA — Nantes Métropole, juin 2025", "version": 1},
      "summary": "free text written by the group (may be empty)",
      "criteria": [                                        # the 7 criteria, in order
        {"number": 1, "title": "…", "commitments": ["…"],
         "progress": {"answered": 2, "applicable": 2, "unknown": 0},   # unknown = "nsp"
         "opinion": {"verdict": "favorable" | "favorable_reserves" | "defavorable" | None,
                     "verdict_label": "…",                # optional, default from verdict
                     "recommendations": "…", "author": "…"},
         "key_answers": [{"number": 1, "text": "question text", "answer": "answer as text",
                          "justification": "…"}]},
      ],
      "legal": {"level_proposed": "ELEVE", "level_potential": "ELEVE",
                "level_retained": "MODERE",               # INFO … BLOQUANT_LOI, or any label
                "retained_rationale": "…", "retained_by": "…",
                "red_lines": [{"id": "BIO-01", "level": "BLOQUANT_DOCTRINE",
                               "explanation": "…", "references": ["RIA, art. 3(34)"]}],
                # a reference may also be a rule-base link {"texte": "…", "url": "…"}
                "flags": [{"id": "DEC-02", "level": "ELEVE",
                           "status": "ACTIF" | "A_COMPLETER" | "SATISFAIT",
                           "explanation": "…", "references": ["…"], "question": "Q3"}],
                "rules_version": "2026-11-30",
                "evaluation_date": "2026-12-03"},           # ISO date the rules were applied at
      "footprint": {"per_year_kg": 12.3, "lifetime_kg": 61.5, "service_years": 5,
                    "components": [{"label": "Calcul (CPU)", "kg_per_year": 1.2}],
                    "checks": {"pue_below_1_5": True, "located_in_france": None,
                               "green_energy_over_50": False},      # True / False / None
                    "equivalents": [{"label": "km en voiture thermique", "value": 56,
                                     "source": "ADEME"}]},
      "no_ai": {"scenarios": [{"title": "…", "service_benefit": "…", "cost": "…",
                               "risks": "…", "dependency": "…", "reversibility": "…",
                               "footprint_kg_per_year": None}],
                "ai_option": {…same keys, without "title"…},
                "conclusion": "…"},
      "group_opinion": {"verdict_label": "Favorable avec réserves", "recommendations": "…",
                        "conditions": ["…"]},
      "decisions": [{"delegation_label": "Élu·e au numérique", "name": "…",
                     "decision_label": "Validé sous conditions", "conditions": "…",
                     "date": "2026-11-20", "reference": "Délibération n° 2026-123"}],
      "union_information": {"date": "…", "body": "Comité social territorial",
                            "documents": "…", "questions": "…"},   # or None: not done yet
      "consulted": [{"name": "Yann Le Goff", "role": "Référent juridique"}],
      "disclaimer": "Outil d'aide à l'instruction : il ne décide pas. …",
      "draft": True,        # optional: a preview of a case not yet frozen. Every page then says
                            # « Projet — version non figée » (PDF/ODT page header, banner at the
                            # top of all three formats) and no version number is shown.
    }
"""

from __future__ import annotations

from boussole.reports.compass import compass_svg
from boussole.reports.content import MemoError, build_document
from boussole.reports.html import render_memo_html
from boussole.reports.odt import render_memo_odt
from boussole.reports.pdf import render_memo_pdf

__all__ = [
    "MemoError",
    "build_document",
    "compass_svg",
    "render_memo_html",
    "render_memo_odt",
    "render_memo_pdf",
]
