"""A realistic decision memo (the contract of ``boussole.reports``), and a hostile one.

Used by the tests of ``tests/reports`` and by ``bench/memo_bench.py``.
"""

from __future__ import annotations

import copy
from typing import Any

CRITERIA_TITLES = (
    "Absence d'identification biométrique et absence de collecte de données sensibles",
    "Conformité au cadre juridique et à la politique de cybersécurité",
    "Contribution à l'amélioration du service public",
    "Contribution à l'amélioration des conditions de travail des agents publics",
    "Respect des engagements en matière de sobriété énergétique",
    "Exigence de transparence et redevabilité",
    "Évaluation du bénéfice par rapport à une solution alternative sans IA",
)

VERDICTS = ("favorable", "favorable", "favorable_reserves", "favorable_reserves",
            "defavorable", None, "favorable")

INJECTIONS = (
    "<script>alert(1)</script>",
    "#set page(fill: red)",
    "*gras* _italique_ $x^2$ @ref <label> = Titre",
    "]]> & &amp; {{ variable }} {% if %} \\ \\n",
    '"guillemets" \'apostrophes\' </text:p> <office:body>',
)


def _criterion(number: int) -> dict[str, Any]:
    verdict = VERDICTS[number - 1]
    labels = {"favorable": "Favorable", "favorable_reserves": "Favorable avec réserves",
              "defavorable": "Défavorable", None: "Sans avis"}
    applicable = {1: 2, 2: 4, 3: 5, 4: 9, 5: 39, 6: 18, 7: 7}[number]
    answered = {1: 2, 2: 4, 3: 5, 4: 7, 5: 20, 6: 9, 7: 7}[number]
    return {
        "number": number,
        "title": CRITERIA_TITLES[number - 1],
        "commitments": [f"Engagement n° {number} de la collectivité, tel que l'énonce le guide."],
        "progress": {"answered": answered, "applicable": applicable,
                     "unknown": 1 if number in (4, 5) else 0},
        "opinion": {
            "verdict": verdict,
            "verdict_label": labels[verdict],
            "recommendations": (
                "Prévoir une revue à six mois.\n\nAssocier le groupe TN-QVT à l'évaluation."
                if verdict else ""),
            "author": "Yann Le Goff" if verdict else None,
        },
        "key_answers": [
            {"number": {1: 1, 2: 3, 3: 8, 4: 12, 5: 27, 6: 60, 7: 78}[number],
             "text": "Le service utilise-t-il des données biométriques ?",
             "answer": "Non",
             "justification": "Aucune donnée biométrique : seuls des courriels sont traités."},
        ] if number != 6 else [],
    }


def sample_memo() -> dict[str, Any]:
    """A complete memo for the case "2026-003", with accents and « guillemets »."""
    return copy.deepcopy({
        "organisation": "Nantes Métropole",
        "generated_at": "2026-11-30T10:00:00+01:00",
        "version": {"number": 2, "frozen_at": "2026-11-18T16:05:00+01:00",
                    "frozen_by": "Nadia Benali"},
        "case": {
            "reference": "2026-003",
            "title": "Tri automatique des courriels des usagers",
            "service": "Direction de la relation à l'usager",
            "purpose": ("Proposer à l'agent d'accueil un classement des courriels reçus "
                        "(« état civil », « voirie », « déchets ») ; l'agent valide ou corrige."),
            "vendor": "Société Œuvre Numérique",
            "lead": "Camille Morin",
            "state_label": "Décision des élus",
        },
        "grid": {"title": "La boussole de l'IA — Nantes Métropole, juin 2025", "version": 1},
        "summary": ("Le groupe d'experts a instruit le cas d'usage entre septembre et "
                    "novembre 2026.\nLe bénéfice pour les usagers est réel ; l'empreinte "
                    "environnementale reste à réduire."),
        "criteria": [_criterion(n) for n in range(1, 8)],
        "legal": {
            "level_proposed": "ELEVE",
            "level_potential": "ELEVE",
            "level_retained": "MODERE",
            "retained_rationale": ("Le classement est une simple suggestion validée par un "
                                   "agent : pas de décision individuelle automatisée."),
            "retained_by": "Yann Le Goff, référent juridique",
            "red_lines": [
                {"id": "BIO-01", "level": "BLOQUANT_DOCTRINE",
                 "explanation": "Traitement biométrique au sens de l'article 3(34) du RIA.",
                 "references": ["RIA, art. 3(34)", "Doctrine nantaise, ligne rouge n° 1"]},
            ],
            "flags": [
                {"id": "DEC-02", "level": "ELEVE", "status": "ACTIF",
                 "explanation": "Décision fondée sur un traitement algorithmique : mention "
                                "explicite obligatoire.",
                 "references": ["CRPA, art. L311-3-1"], "question": "Q3"},
                {"id": "RGPD-05", "level": "MODERE", "status": "A_COMPLETER",
                 "explanation": "Analyse d'impact à compléter.",
                 "references": ["RGPD, art. 35"], "question": None},
            ],
            "rules_version": "2026-11-30",
        },
        "footprint": {
            "per_year_kg": 12.3, "lifetime_kg": 61.5, "service_years": 5,
            "components": [{"label": "Calcul (CPU)", "kg_per_year": 1.2},
                           {"label": "Appels à un modèle de langage", "kg_per_year": 9.6},
                           {"label": "Stockage", "kg_per_year": 1.5}],
            "checks": {"pue_below_1_5": True, "located_in_france": None,
                       "green_energy_over_50": False},
            "equivalents": [{"label": "km en voiture thermique", "value": 56,
                             "source": "ADEME, Base Empreinte"}],
        },
        "no_ai": {
            "scenarios": [{
                "title": "Règles de tri par mots-clés",
                "service_benefit": "Tri correct pour 60 % des courriels.",
                "cost": "2 jours de paramétrage par an",
                "risks": "Erreurs sur les courriels ambigus",
                "dependency": "Aucune",
                "reversibility": "Totale",
                "footprint_kg_per_year": 0.4,
            }],
            "ai_option": {
                "service_benefit": "Tri correct pour 90 % des courriels.",
                "cost": "18 000 € par an",
                "risks": "Biais de classement ; dépendance au fournisseur",
                "dependency": "Forte (modèle hébergé par le fournisseur)",
                "reversibility": "Moyenne : export des données prévu au contrat",
                "footprint_kg_per_year": 12.3,
            },
            "conclusion": ("Le gain de service justifie l'option IA, sous réserve d'un bilan "
                           "à un an."),
        },
        "group_opinion": {
            "verdict_label": "Favorable avec réserves",
            "recommendations": "Former les agents d'accueil avant la mise en service.",
            "conditions": ["Bilan à six mois présenté au groupe TN-QVT.",
                           "Hébergement des données en France."],
        },
        "decisions": [
            {"delegation_label": "Élu·e au numérique", "name": "Léa Durand",
             "decision_label": "Validé sous conditions",
             "conditions": "Respecter les conditions du groupe d'experts.",
             "date": "2026-11-20", "reference": "Délibération n° 2026-123"},
            {"delegation_label": "Élu·e aux ressources humaines", "name": "Marc Évrard",
             "decision_label": "Validé", "conditions": "", "date": "2026-11-21",
             "reference": "Arrêté n° 2026-456"},
        ],
        "union_information": {
            "date": "2026-11-25", "body": "Comité social territorial",
            "documents": "Note d'aide à la décision (version 2)",
            "questions": "Effets sur la charge de travail de l'accueil : réponse écrite le 27.",
        },
        "consulted": [{"name": "Yann Le Goff", "role": "Référent juridique"},
                      {"name": "Inès Ouattara", "role": "Responsable de la sécurité (RSSI)"}],
        "disclaimer": ("Outil d'aide à l'instruction : il ne décide pas. La décision "
                       "appartient aux élus."),
    })


def hostile_memo() -> dict[str, Any]:
    """The sample memo with markup of every kind in the user's texts."""
    memo = sample_memo()
    payload = " | ".join(INJECTIONS)
    memo["case"]["title"] = "Titre <script>alert(1)</script> #set page(fill: red)"
    memo["case"]["purpose"] = payload
    memo["summary"] = payload
    memo["criteria"][0]["title"] = "<b>Critère</b> #strong[1] ]]>"
    memo["criteria"][0]["opinion"]["recommendations"] = payload
    memo["criteria"][2]["key_answers"][0]["answer"] = payload
    memo["legal"]["red_lines"][0]["explanation"] = payload
    memo["decisions"][0]["conditions"] = payload
    memo["no_ai"]["conclusion"] = payload
    memo["disclaimer"] = payload
    return memo
