"""Demonstration consultation: the conversational agent's call for tenders, with three bidders
— one answered every question through its link, one answered part of them (draft), one
returned the filled tender annex, imported — so that the comparison is ready to look at."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from boussole.core.procurement.pack import VendorQuestion, vendor_questions
from boussole.reports import vendor_pack
from boussole.web.accounts.models import Organisation, User
from boussole.web.cases.models import Case
from boussole.web.grids import grid_for
from boussole.web.procurement import services

CASE_TITLE = "Agent conversationnel pour répondre aux questions des habitants"

#: The complete bid's answers that say something specific (question id -> value).
FULL: dict[str, Any] = {
    "donnees_non_discriminatoires": "oui", "biometrie_absente": "oui",
    "analyse_risques_dict": "Analyse EBIOS RM fournie : injection de requête, fuite de "
                            "conversation et indisponibilité traitées par des mesures.",
    "materiel_ecolabellise": "oui", "materiel_reconditionne": "non", "fin_de_vie_materiel": "oui",
    "fabrication_type_materiel": "Serveurs mutualisés en centre de données, 2 cartes GPU.",
    "fabrication_nombre_equipements": 3, "fabrication_duree_utilisation": 6,
    "pue_inferieur_1_5": "oui", "infrastructure_en_france": "oui", "energie_verte_50": "oui",
    "ouverture_modeles_donnees": "oui", "evolution_modele": "non",
    "type_algorithme": "Modèle de langue ouvert de 8 milliards de paramètres avec recherche "
                       "documentaire (RAG) dans les pages publiques.",
    "nombre_parametres": 8_000_000_000, "cpu_heures_par_an": 8760, "cpu_pue": 1.3,
    "gpu_heures_par_an": 4380, "gpu_pue": 1.3, "stockage_volume": 0.5, "stockage_duree": 3,
    "transfert_volume": 120,
}
PARTIAL_IDS = ("donnees_non_discriminatoires", "biometrie_absente", "analyse_risques_dict",
               "infrastructure_en_france", "type_algorithme", "nombre_parametres",
               "cpu_infrastructure", "evolution_modele", "ouverture_modeles_donnees",
               "biais_systeme", "limites_systeme")


def _full_value(question: VendorQuestion) -> Any:
    if question.id in FULL:
        return FULL[question.id]
    if question.type == "yes_no":
        return "oui"
    if question.type == "number":
        return 1
    if question.type in ("single_choice", "multiple_choice"):
        first = question.options[0][0]
        return [first] if question.type == "multiple_choice" else first
    return f"Décrit dans le mémoire technique, partie {question.criterion} : {question.text[:60]}"


def _partial_value(question: VendorQuestion) -> Any:
    overrides: dict[str, Any] = {"infrastructure_en_france": "non", "evolution_modele": "oui",
                                 "ouverture_modeles_donnees": "non", "biais_systeme": "nsp",
                                 "limites_systeme": "À définir", "nombre_parametres": 70e9}
    return overrides.get(question.id, _full_value(question))


def create(organisation: Organisation, people: dict[str, User]) -> None:
    case = Case.objects.filter(organisation=organisation, title=CASE_TITLE).first()
    pilot = people.get("numerique")
    if case is None or pilot is None:
        return
    grid = grid_for(case.grid_id, case.grid_version)
    questions = vendor_questions(grid)
    consultation = services.consultation_create(
        case=case, user=pilot, title="Fourniture d'un agent conversationnel pour le site web",
        reference="2026-AC-014", deadline=timezone.localdate() + dt.timedelta(days=21))

    full = services.bidder_add(consultation=consultation, user=pilot,
                               name="Conversia (fictive)", email="offres@conversia.example")
    services.link_issue(bidder=full, user=pilot)
    services.answers_save(bidder=full, raw={
        q.id: services.RawAnswer(_full_value(q), "Engagement contractuel, détaillé au mémoire "
                                                 "technique (annexe 3).") for q in questions})
    services.bid_submit(bidder=full)

    partial = services.bidder_add(consultation=consultation, user=pilot,
                                  name="Dialogue Public (fictive)",
                                  email="contact@dialogue-public.example")
    services.link_issue(bidder=partial, user=pilot)
    services.answers_save(bidder=partial, raw={
        q.id: services.RawAnswer(_partial_value(q),
                                 "Hébergement chez notre sous-traitant américain."
                                 if q.id == "infrastructure_en_france" else "")
        for q in questions if q.id in PARTIAL_IDS})

    # The third bidder returned the tender annex, filled in a spreadsheet.
    cells: dict[str, list[Any]] = {}
    for index, question in enumerate(questions):
        if index % 3 == 2:
            continue  # not anticipated
        value = _full_value(question)
        justification = ("Voir la fiche produit jointe." if question.type != "text" else None)
        cells[question.id] = [question.cell_value(value), justification,
                              "fiche-produit-assistant-territorial.pdf"
                              if question.criterion == 5 else None]
    annex = vendor_pack.render(grid, {"reference": case.reference, "title": case.title,
                                      "organisation": organisation.name}, "xlsx", answers=cells)
    services.annex_import(consultation=consultation, user=pilot,
                          bidder_name="Assistant Territorial SA (fictive)", data=annex,
                          filename="annexe-assistant-territorial.xlsx")
