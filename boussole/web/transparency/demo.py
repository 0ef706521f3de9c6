# ruff: noqa: E501 — demo content: long French sentences read better unwrapped.
"""The demonstration notices: two cases published by the demo DPO (Ekonom'IA, in service,
whose comparison letters are individual decisions for the demo; the inventory of street
equipment, waiting for the officials' decision), one draft not published (the chatbot, under
instruction). Called by :func:`boussole.web.demo.create_demo` through ``DEMO_EXTENSIONS``.
"""

from __future__ import annotations

from typing import Any

from boussole.web.accounts.models import Organisation, User
from boussole.web.cases.models import Case
from boussole.web.transparency import gather, services

CONTACT = ("Direction du cycle de l'eau, 2 cours du Champ-de-Mars, 44000 Nantes. "
           "Courriel : eau@demo.boussole.invalid. Téléphone : 02 40 00 00 00, du lundi au vendredi.")

NOTICES: list[tuple[str, dict[str, Any]]] = [
    ("Ekonom'IA", {
        "title": "Ekonom'IA : comparer votre consommation d'eau",
        "summary": "Chaque trimestre, l'outil compare votre consommation d'eau à celle d'un foyer qui vous ressemble. Il vous envoie le résultat avec des conseils pour économiser l'eau.",
        "purpose": "Nous voulons aider chaque foyer à moins consommer d'eau. Un courrier personnel marche mieux qu'un message identique pour tous.",
        "data": "L'outil utilise les relevés de votre compteur d'eau. Il utilise aussi ce que vous avez déclaré : le nombre de personnes du foyer et le type de logement. Il n'utilise aucune autre information.",
        "responsible_service": "Direction du cycle de l'eau",
        "contact": CONTACT,
        "contest": "Vous pouvez demander comment votre comparaison a été calculée. Vous pouvez aussi corriger vos déclarations ou refuser les comparaisons depuis votre espace abonné. Écrivez-nous : une personne vous répond sous un mois.",
        "founds_individual_decisions": True,
        "legal_basis": "Mission de service public de distribution de l'eau (code général des collectivités territoriales, article L2224-7).",
        "algorithm_rules": "1. L'outil calcule la consommation attendue d'un foyer de référence à partir de deux critères : le nombre de personnes et le type de logement.\n2. Il compare votre consommation du trimestre à cette valeur.\n3. Au-delà de 130 % de la consommation attendue, le courrier vous signale une consommation élevée et vous propose un rendez-vous avec un conseiller.\n4. Un agent relit chaque mois un échantillon de courriers.",
    }),
    ("Inventaire des équipements", {
        "title": "Inventaire du mobilier urbain à partir de photos",
        "summary": "Un véhicule photographie les rues une fois par an. Un programme reconnaît sur les photos les bancs, les panneaux et l'état des trottoirs. Les agents s'en servent pour organiser l'entretien.",
        "purpose": "Nous voulons savoir où sont les équipements et dans quel état, pour les réparer plus vite.",
        "data": "Des photos des rues. Les visages et les plaques d'immatriculation sont floutés dans le véhicule, avant tout envoi. Les photos d'origine sont effacées sous 7 jours.",
        "responsible_service": "Direction de l'espace public",
        "contact": "Direction de l'espace public, courriel : espace-public@demo.boussole.invalid.",
        "contest": "Vous pouvez demander à voir les informations qui vous concernent ou vous opposer à leur utilisation, auprès du service responsable.",
        "founds_individual_decisions": False,
        "legal_basis": "Entretien de la voirie et de ses équipements (code de la voirie routière).",
        "include_reviews": False,
    }),
]

#: The draft that stays unpublished.
DRAFT: tuple[str, dict[str, Any]] = ("Agent conversationnel", {
    "contact": "Direction de la relation aux usagers, courriel : contact@demo.boussole.invalid.",
})


def _case(organisation: Organisation, prefix: str) -> Case | None:
    return Case.objects.filter(organisation=organisation, title__startswith=prefix).first()


def create(organisation: Organisation, people: dict[str, User]) -> None:
    """Write and publish the demo notices (the DPO publishes; the pilot writes)."""
    writer, publisher = people["numerique"], people["juriste"]
    for prefix, values in NOTICES:
        case = _case(organisation, prefix)
        if case is None:
            continue
        services.notice_save(case=case, user=writer, values={**gather.prefill(case), **values})
        services.notice_publish(case=case, user=publisher)
    prefix, values = DRAFT
    case = _case(organisation, prefix)
    if case is not None:
        services.notice_save(case=case, user=writer, values={**gather.prefill(case), **values})
