# ruff: noqa: E501 — demo content: long French sentences read better unwrapped.
"""Demonstration data: one organisation, one person per role, six realistic use cases.

The cases come from the seed document and its field (Nantes Métropole's own examples) and stand
at different stages of their life. ``create_demo()`` is idempotent: it deletes the demo
organisation and everything in it, then creates it again, through the same services as the web
application (so the audit trails are real).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from boussole.core.surveys import questionnaire as survey_questionnaire
from boussole.web.accounts.models import Organisation, Role, User
from boussole.web.cases import services
from boussole.web.cases.legal import case_evaluation, legal_retain
from boussole.web.cases.models import Case
from boussole.web.decisions import services as workflow_services
from boussole.web.followup.demo import followup_demo
from boussole.web.footprint import services as footprint_services
from boussole.web.grids import current_grid
from boussole.web.indicators import selectors as indicator_selectors
from boussole.web.indicators import services as indicator_services
from boussole.web.surveys.models import SurveyResponse, SurveyRound

DEMO_SLUG = "nantes-metropole-demo"
DEMO_PASSWORD = "boussole-demo"  # documented in the README; demo data only  # noqa: S105

#: (login, first name, last name, role, domain or delegation, job title)
PEOPLE: list[tuple[str, str, str, str, str, str]] = [
    ("porteur", "Camille", "Morin", Role.PORTEUR, "", "Cheffe de service, Direction du cycle de l'eau"),
    ("juriste", "Yann", "Le Goff", Role.REFERENT, "juridique", "Délégué à la protection des données"),
    ("rssi", "Inès", "Bernard", Role.REFERENT, "cybersecurite", "Responsable de la sécurité des systèmes d'information"),
    ("rh", "Sophie", "Garnier", Role.REFERENT, "rh_qvt", "Groupe Transition numérique et qualité de vie au travail"),
    ("numerique-responsable", "Hugo", "Petit", Role.REFERENT, "numerique_responsable", "Référent numérique responsable"),
    ("donnees", "Léa", "Fontaine", Role.REFERENT, "donnees", "Administratrice des données"),
    ("organisation", "Marc", "Leroy", Role.REFERENT, "organisation", "Conseiller organisation et transformation"),
    ("numerique", "Nadia", "Benali", Role.REFERENT, "numerique", "Pilote de projets numériques"),
    ("elu-numerique", "Paul", "Rivière", Role.ELU, "numerique", "Vice-président délégué au numérique"),
    ("elu-rh", "Aïcha", "Diallo", Role.ELU, "rh", "Élue au personnel"),
    ("elu-thematique", "Jeanne", "Roux", Role.ELU, "thematique", "Vice-présidente de la thématique du projet"),
    ("syndicat", "Thomas", "Lefèvre", Role.REPRESENTANT_PERSONNEL, "", "Représentant du personnel au comité social territorial"),
    ("prestataire", "Julie", "Marchand", Role.PRESTATAIRE, "", "Cheffe de projet chez le prestataire"),
    ("admin", "Alex", "Martin", Role.ADMIN, "", "Administrateur de Boussole"),
]

#: The defaults of a simple, low-risk profile (legal-rules.md §8.0); each case overrides some.
BASE_FACTS: dict[str, Any] = {
    "est_ia": "oui", "role": "deployeur", "en_service_avant": "non", "modele_general": "non",
    "entrainement_donnees_collectivite": "non", "donnees_perso": "oui", "biometrie": ["aucune"],
    "espace_public": "non", "personnes": ["usagers"], "donnees_sensibles": ["aucune"],
    "sensibles_comme_critere": "non", "volume": "1000_10000", "croisement": "non",
    "domaine": ["aucun"], "sortie": "agregee", "profilage": "non", "finalite_controle": "non",
    "decision": "aucune", "tache_6_3": "aucune", "apprentissage_continu": "non",
    "regles_communicables": "oui", "pratiques_art5": ["aucune"], "interaction": "aucune",
    "contenus": ["aucun"], "video": "non", "base_legale": "identifiee", "aipd": "non",
    "hebergement": "interne", "outil_grand_public": "non", "securite.analyse_risques": "oui",
    "securite.dict.D": 2, "securite.dict.I": 2, "securite.dict.C": 2, "securite.dict.T": 2,
    "securite.plan_traitement_valide": "oui", "securite.mode_degrade": "oui",
    "securite.journalisation": "oui", "securite.actions_auto": "non", "securite.rag": "non",
    "securite.entrees_externes": "non",
}


@dataclass
class DemoCase:
    title: str
    service: str
    purpose: str
    state: str
    lead: str
    vendor: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    #: answers by question number: value, or (value, justification)
    answers: dict[int, Any] = field(default_factory=dict)
    complete_profile: bool = True
    #: opinions by criterion number: (verdict, recommendations)
    opinions: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: criterion-5 calculator input (the ``boussole footprint`` document), if known
    footprint: dict[str, Any] | None = None
    #: criterion 7: (AI option texts, [scenario texts], conclusion)
    no_ai: tuple[dict[str, str], list[dict[str, str]], str] | None = None


EKONOMIA_FOOTPRINT: dict[str, Any] = {
    "service_years": 5, "location": "FR", "provider": "local",
    "compute": [{"label": "Calcul des foyers de référence", "hours_per_year": 300, "cpu_cores": 20,
                 "cpu_model": "Xeon Gold 6148", "memory_gb": 64}],
    "storage": {"tb": 0.2, "media": "ssd", "years": 3, "replication": 2},
    "transfer": {"gb_per_year": 50},
    "equipment": [{"type": "server", "count": 2, "lifetime_years": 5, "share": 0.1}],
}

EKONOMIA = DemoCase(
    title="Ekonom'IA — comparer sa consommation d'eau à celle d'un foyer de référence",
    service="Direction du cycle de l'eau",
    purpose=("Informer chaque abonné de son niveau de consommation d'eau en la comparant avec celle "
             "d'un foyer de référence modélisé (composition, logement), pour encourager la sobriété. "
             "Projet lauréat du bac à sable de la CNIL « l'intelligence artificielle au bénéfice des "
             "services publics » (2024)."),
    state="en_service", lead="porteur", vendor="Développement interne",
    facts={"role": "fournisseur", "volume": "plus_10000", "croisement": "oui",
           "sortie": "information_personne", "profilage": "oui", "aipd": "realisee"},
    answers={
        1: ("oui", "Aucune donnée sensible ; les variables du foyer de référence sont la composition "
                   "et le type de logement, déclarées par l'abonné."),
        2: ("oui", "Relevés de compteurs uniquement : aucune caractéristique physique ou comportementale."),
        3: "AIPD réalisée avec la CNIL dans le bac à sable ; base légale : mission d'intérêt public "
           "du service de l'eau. Droit d'opposition facile dans l'espace abonné.",
        4: "Pas de haut risque au sens du RIA : information de l'abonné, sans décision ni éligibilité.",
        5: ("non", "Pas de réglementation sectorielle spécifique au-delà du code de la santé publique."),
        6: "Analyse DICT réalisée : besoins 2/2/2/2 ; risque principal : fuite de relevés individuels.",
        7: 180000, 8: ["meilleure_information", "meilleur_accompagnement"],
        9: ("oui", "Moins de réclamations pour surconsommation grâce à une information préventive."),
        10: "Image : engagement de sobriété de la métropole ; coûts de fuites non détectées.",
        11: ("non", "Service nouveau, non critique."),
        12: ("oui", "Ateliers avec les agents de la relation abonnés."),
        13: ("oui", "Présentation au comité social territorial."), 14: ("non", "Impact faible sur le travail."),
        15: "Diminution des appels pour factures élevées ; nouvelles questions des abonnés à traiter.",
        16: ("oui", "Moins d'appels entrants sur les surconsommations."), 17: ("oui", ""),
        18: ("non", "Sans effet notable."), 19: ("oui", ""), 20: ("oui", "Moins d'échanges conflictuels."),
        21: ("nsp", "Serveurs mutualisés du centre de données de la collectivité."),
        22: ("non", ""), 23: ("oui", "Filière de réemploi de la collectivité."),
        24: "Deux serveurs de calcul mutualisés", 25: 2, 26: 5, 28: ("nsp", ""), 29: ("oui", ""),
        30: ("nsp", ""), 34: "Gradient boosting (arbres de décision), pas d'apprentissage profond",
        35: 20000, 36: "1 entraînement par an", 37: "Environ 180 000 comparaisons par trimestre",
        38: "Relevés de télérelève et déclarations des abonnés", 40: 300, 41: "Intel Xeon Gold 6148",
        42: "local", 43: 1.56, 44: "Nantes (France)", 46: 0, 52: "Historiques de consommation",
        53: 0.2, 54: 3, 56: "local", 57: "Nantes (France)", 58: 50,
        60: ("oui", ""), 62: ("oui", ""), 69: ("oui", "Biais possible selon la taille du logement : "
                                                     "vérification annuelle par quartile."),
        72: "Chaque comparaison indique les hypothèses du foyer de référence ; un conseiller est joignable.",
        75: "Le chef de service de l'eau est responsable ; la mission protection des données est associée.",
        82: ("oui", "Courrier générique de sensibilisation, moins efficace selon l'expérimentation."),
    },
    opinions={
        1: ("favorable", ""), 2: ("favorable", "Tenir l'AIPD à jour à chaque évolution du modèle."),
        3: ("favorable", ""), 4: ("favorable", ""),
        5: ("favorable_reserves", "Mesurer la consommation réelle des serveurs après un an."),
        6: ("favorable", ""), 7: ("favorable", ""),
    },
    footprint=EKONOMIA_FOOTPRINT,
    no_ai=({"service_benefit": "Comparaison personnalisée pour chaque abonné, chaque trimestre.",
            "cost": "Développement interne ; 0,2 ETP de maintenance.",
            "risks": "Profilage des abonnés : AIPD réalisée, opposition facile.",
            "dependency": "Aucune dépendance à un éditeur ; compétences de data science internes.",
            "reversibility": "Retour immédiat au courrier générique."},
           [{"title": "Courrier générique de sensibilisation",
             "service_benefit": "Message identique pour tous, moins efficace selon l'expérimentation.",
             "cost": "Impression et envoi : coût récurrent plus élevé.",
             "risks": "Aucun traitement de profilage.", "dependency": "Aucune.",
             "reversibility": "Sans objet."}],
           "Le bénéfice de la comparaison personnalisée justifie une empreinte faible (serveurs "
           "mutualisés en France) ; le courrier générique reste le mode dégradé."),
)

INVENTAIRE = DemoCase(
    title="Inventaire des équipements de l'espace public à partir d'images",
    service="Direction de l'espace public",
    purpose=("Recenser et qualifier chaque année le mobilier urbain, la signalisation et les "
             "revêtements à partir d'images prises par un véhicule, pour organiser l'entretien. Les "
             "visages et plaques sont floutés à la capture."),
    state="decision", lead="porteur", vendor="Société Cartovia (fictive)",
    facts={"biometrie": ["floutage"], "espace_public": "oui", "temps_reel": "non",
           "domaine": ["infra_planification"], "volume": "plus_10000", "hebergement": "cloud_ue",
           "aipd": "realisee"},
    answers={
        1: ("oui", "Aucune donnée sur les personnes n'est exploitée."),
        2: ("oui", "Détection de visages et de plaques aux seules fins de floutage irréversible."),
        3: "AIPD réalisée ; floutage à bord du véhicule, images sources supprimées sous 7 jours.",
        4: "Pas de haut risque : outil d'aide à la planification sans fonction de sécurité.",
        7: 40, 9: ("oui", "Mise à jour annuelle de données qui dataient de plusieurs années."),
        11: ("oui", "Conformité réglementaire de la signalisation."),
        12: ("oui", "Agents de l'exploitation associés aux tests."),
        21: ("oui", "Serveurs certifiés TCO."), 28: ("oui", "PUE annoncé de 1,3."),
        29: ("oui", ""), 30: ("oui", "Contrat d'électricité renouvelable à 80 %."),
        40: 800, 42: "ovhcloud", 46: 1200, 47: "NVIDIA A100 40GB PCIe", 48: "ovhcloud",
        53: 12, 54: 1, 58: 15000,
        82: ("oui", "Relevé manuel par les agents : 3 ans pour couvrir le territoire."),
    },
    opinions={
        1: ("favorable_reserves", "Floutage irréversible à bord du véhicule, contrôlé par échantillon."),
        2: ("favorable", ""), 3: ("favorable", ""), 4: ("favorable", ""),
        5: ("favorable_reserves", "Limiter la résolution des images au besoin de l'inventaire."),
        6: ("favorable", ""), 7: ("favorable", ""),
    },
)

CHATBOT = DemoCase(
    title="Agent conversationnel pour répondre aux questions des habitants",
    service="Direction de la relation aux usagers",
    purpose=("Répondre 24 h/24 aux questions courantes des habitants (déchets, état civil, "
             "stationnement) sur le site web, à partir des pages publiques de la collectivité, "
             "avec un passage facile vers un agent."),
    state="en_instruction", lead="porteur", vendor="Éditeur de solution conversationnelle",
    facts={"modele_general": "api_tiers", "interaction": "public",
           "contenus": ["diffuses_public"], "hebergement": "cloud_ue", "volume": "plus_10000",
           "securite.entrees_externes": "oui", "securite.rag": "droits_appliques",
           "regles_communicables": "nsp"},
    answers={
        1: ("oui", "Le chatbot ne collecte ni n'exploite de données sensibles."),
        2: ("oui", ""), 6: "Risques : injection de prompt, réponses erronées, fuite de conversation.",
        7: 60000, 8: ["parcours_simplifie", "meilleure_information", "remediation_humaine"],
        9: ("oui", "Réduction des appels de premier niveau."), 12: ("oui", ""),
        13: ("nsp", "À présenter au comité social territorial."),
        35: 7_000_000_000, 37: "Environ 5 000 questions par mois",
    },
    opinions={1: ("favorable", "")},
)

TRANSCRIPTION = DemoCase(
    title="Transcription et compte rendu des réunions d'agents",
    service="Secrétariat général",
    purpose=("Transcrire automatiquement les réunions internes et proposer un projet de compte "
             "rendu, relu et validé par un agent, avec un modèle hébergé par la collectivité."),
    state="en_instruction", lead="porteur", vendor="Modèle open source auto-hébergé",
    facts={"modele_general": "auto_heberge", "personnes": ["agents"],
           "biometrie": ["voix_separation"], "tache_6_3": "preparatoire",
           "contenus": ["interne"], "interaction": "agents", "volume": "moins_1000"},
    answers={
        1: ("oui", ""), 2: ("nsp", "Vérifier que la séparation des locuteurs ne crée pas d'empreinte vocale."),
        12: ("oui", "Enquête auprès des secrétariats."), 13: ("oui", ""),
        14: ("non", "À prévoir avec le groupe TN-QVT."),
        15: "Moins de prise de notes ; risque de surveillance perçue des échanges.",
    },
)

RECONNAISSANCE = DemoCase(
    title="Reconnaissance faciale sur les images de vidéoprotection",
    service="Direction de la tranquillité publique",
    purpose=("Demande d'identifier en temps réel des personnes recherchées sur les images des "
             "caméras de vidéoprotection de l'espace public."),
    state="refuse", lead="porteur", vendor="",
    facts={"biometrie": ["identification"], "espace_public": "oui", "temps_reel": "oui",
           "video": "securite_hors_cadre", "volume": "plus_10000", "base_legale": "a_identifier",
           "domaine": ["police_evaluation"], "sortie": "evaluation_personne"},
    answers={
        1: ("nsp", ""),
        2: ("non", "Identification biométrique à distance : exclue par la doctrine, sans exception."),
        3: "Aucune base légale : hors du cadre de l'article 10 de la loi 2023-380.",
        5: ("oui", "Code de la sécurité intérieure, L251-2 : finalités limitées, pas d'analyse algorithmique."),
    },
    opinions={
        1: ("defavorable", "Identification biométrique : ligne rouge de la doctrine, sans exception."),
        2: ("defavorable", "Aucune base légale ; pratique interdite hors cadre expérimental."),
    },
)

CANTINE = DemoCase(
    title="Prévision de la fréquentation des restaurants scolaires",
    service="Direction de l'éducation",
    purpose=("Prévoir chaque semaine le nombre de repas à préparer par restaurant scolaire à "
             "partir des historiques de fréquentation agrégés, du calendrier et des menus, pour "
             "réduire le gaspillage alimentaire."),
    state="brouillon", lead="porteur", vendor="",
    facts={"donnees_perso": "non", "personnes": ["aucune"], "volume": "plus_10000",
           "sortie": "agregee"},
    answers={7: 12, 9: ("oui", "Commandes ajustées, moins de gaspillage.")},
    complete_profile=False,
)

CASES = [EKONOMIA, INVENTAIRE, CHATBOT, TRANSCRIPTION, RECONNAISSANCE, CANTINE]

#: The stages a demo case passes through to reach its state, through the real workflow.
_ORDER = ["en_instruction", "avis_groupe", "decision", "information_syndicale", "en_service"]


def _advance(case: Case, target: str, people: dict[str, User]) -> None:
    """Take the case to ``target`` as people would: opinions, retained legal level, group
    opinion, frozen version, the officials' decisions, the unions' information."""
    refused = target == "refuse"
    stages = _ORDER[:3] if refused else _ORDER[:_ORDER.index(target) + 1]
    grid = current_grid()
    pilot = people["numerique"]
    for stage in stages:
        if stage == "en_instruction":
            if case.state == "brouillon":
                workflow_services.transition_apply(case=case, user=people["porteur"],
                                                   code="lancer_instruction")
        elif stage == "avis_groupe":
            given = set(case.opinions.values_list("criterion", flat=True))
            for criterion in grid.criteria:
                if criterion.number not in given:
                    services.opinion_give(
                        case=case, user=_author_for(criterion.referents, people,
                                                    opinion=True),
                        criterion=criterion.number,
                        verdict="defavorable" if refused else "favorable",
                        recommendations="Irrecevable en l'état : ligne rouge de la doctrine."
                        if refused else "")
            proposed = case_evaluation(case).niveau_indicatif.name
            legal_retain(case=case, user=people["juriste"], retained_level=proposed,
                         measures="Mesures du plan d'action juridique.", owner="DPO",
                         review_date=dt.date(2027, 6, 30))
            workflow_services.transition_apply(case=case, user=pilot, code="consolider_avis")
        elif stage == "decision":
            workflow_services.group_opinion_record(
                case=case, user=pilot,
                verdict="defavorable" if refused else "favorable_reserves",
                summary="Synthèse de l'instruction collective des sept critères.",
                recommendations="Suivre les réserves exprimées sur chaque critère.",
                conditions="" if refused else "Bilan à 6 mois présenté au groupe TN-QVT")
            workflow_services.transition_apply(case=case, user=pilot, code="transmettre_elus")
        elif stage == "information_syndicale":
            for login in ("elu-numerique", "elu-rh", "elu-thematique"):
                workflow_services.decision_record(
                    case=case, user=people[login], decision="valide",
                    decided_on=dt.date(2025, 11, 20), reference="Délibération n° 2025-142",
                    confirmed=True)
            workflow_services.transition_apply(case=case, user=pilot,
                                               code="constater_validation")
        elif stage == "en_service":
            workflow_services.union_information_record(
                case=case, user=people["porteur"], held_on=dt.date(2025, 12, 9),
                body="Comité social territorial",
                documents="Note d'aide à la décision, version 1 ; présentation du projet.",
                questions="Quel suivi des conditions de travail des agents de l'accueil ?",
                answers="Revues à 6 mois, 1, 3 et 5 ans avec le groupe TN-QVT.")
            workflow_services.transition_apply(case=case, user=people["porteur"],
                                               code="mettre_en_service")
    if refused:
        workflow_services.decision_record(
            case=case, user=people["elu-numerique"], decision="refuse",
            decided_on=dt.date(2025, 10, 2), reference="Décision du 2 octobre 2025",
            confirmed=True)
        workflow_services.transition_apply(case=case, user=pilot, code="constater_refus",
                                           reason="Ligne rouge : identification biométrique.")


def _delete_demo() -> None:
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if organisation is None:
        return
    Case.objects.filter(organisation=organisation).delete()
    User.objects.filter(organisation=organisation).delete()
    organisation.delete()


def create_demo() -> str:
    """(Re)create the demo organisation, people and cases; return a French summary.

    The demo's workflow notifications stay in the application: no e-mail is sent."""
    from django.test.utils import override_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return _create_demo()


@transaction.atomic
def _create_demo() -> str:
    _delete_demo()
    grid = current_grid()
    organisation = Organisation.objects.create(
        name="Nantes Métropole (démonstration)", slug=DEMO_SLUG, headcount_fte=7000)
    people: dict[str, User] = {}
    # Argon2 is slow on purpose: the demo accounts share one password, so hash it once.
    from django.contrib.auth.hashers import make_password

    password = make_password(DEMO_PASSWORD)
    for login, first, last, role, scope, job in PEOPLE:
        user = User(username=login, first_name=first, last_name=last, role=role,
                    organisation=organisation, job_title=job,
                    email=f"{login}@demo.boussole.invalid")
        if role == Role.REFERENT:
            user.domain = scope
        elif role == Role.ELU:
            user.delegation = scope
        user.password = password
        user.save()
        people[login] = user
    for demo in CASES:
        case = services.case_create(
            organisation=organisation, user=people[demo.lead], title=demo.title,
            service=demo.service, purpose=demo.purpose, lead=people[demo.lead],
            vendor=demo.vendor)
        if demo.vendor and demo is INVENTAIRE:
            case.vendor_account = people["prestataire"]
            case.save(update_fields=["vendor_account"])
        facts = dict(BASE_FACTS if demo.complete_profile else {})
        facts.update(demo.facts)
        for fact_id, value in facts.items():
            services.answer_record(case=case, user=people["juriste"], item_id=fact_id,
                                   value=value)
        for number, answer in demo.answers.items():
            value, justification = answer if isinstance(answer, tuple) else (answer, "")
            question = grid.question_by_number(number)
            author = _author_for(question.referents, people)
            services.answer_record(case=case, user=author, item_id=question.id, value=value,
                                   justification=justification)
        if demo.state != "brouillon":
            for number, login in ((1, "juriste"), (2, "juriste"), (2, "rssi"), (3, "porteur"),
                                  (3, "organisation"), (4, "rh"), (5, "numerique-responsable"),
                                  (6, "numerique"), (6, "donnees"), (7, "numerique")):
                services.assignment_add(case=case, user=people["numerique"], criterion=number,
                                        referent=people[login])
        if demo.state != "brouillon":  # opinions are given during the instruction
            workflow_services.transition_apply(case=case, user=people["porteur"],
                                               code="lancer_instruction")
        for number, (verdict, text) in demo.opinions.items():
            services.opinion_give(case=case, user=_author_for(
                grid.criterion(number).referents, people, opinion=True), criterion=number,
                verdict=verdict, recommendations=text)
        if demo.footprint is not None or demo.no_ai is not None:
            _footprint(case, demo, people["numerique-responsable"])
        if demo.state != "brouillon":
            _advance(case, demo.state, people)
        if demo.state == "en_service":
            followup_demo(case, people)
    _demo_surveys(organisation)
    _demo_indicators(people)
    _demo_extensions(organisation, people)
    return (f"Données de démonstration créées : {organisation.name}, {len(people)} comptes "
            f"(mot de passe « {DEMO_PASSWORD} »), {len(CASES)} cas d'usage.")


#: Apps that add to the demo: each module has ``create(organisation, people)``, called in this
#: order once the cases exist (a missing module is skipped; an error inside one is not hidden).
DEMO_EXTENSIONS = (
    "boussole.web.transparency.demo",
    "boussole.web.register.demo",
    "boussole.web.procurement.demo",
    "boussole.web.administration.demo",
    "boussole.web.api.demo",
)


def _demo_extensions(organisation: Organisation, people: dict[str, User]) -> None:
    import importlib
    import importlib.util

    for module in DEMO_EXTENSIONS:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).create(organisation, people)


#: The demo's anonymous answers to the working-conditions survey (question id -> 1..5 or text).
DEMO_SURVEY_ANSWERS: list[dict[str, Any]] = [
    {"charge_travail": 4, "competences": 3, "relations": 3, "autonomie": 4, "sante": 4,
     "commentaire": "Moins d'appels d'abonnés surpris par leur facture."},
    {"charge_travail": 4, "competences": 4, "relations": 3, "autonomie": 4, "sante": 4},
    {"charge_travail": 5, "competences": 3, "relations": 2, "autonomie": 3, "sante": 4},
    {"charge_travail": 3, "competences": 2, "relations": 3, "autonomie": 3, "sante": 3,
     "commentaire": "Il faudrait une formation pour expliquer le foyer de référence aux abonnés."},
    {"charge_travail": 4, "competences": 4, "relations": 4, "autonomie": 4, "sante": 4,
     "commentaire": "L'équipe échange davantage sur les cas difficiles."},
    {"charge_travail": 2, "competences": 3, "relations": 3, "autonomie": 2, "sante": 3,
     "commentaire": "Au début, plus de questions d'abonnés qu'avant : il a fallu s'adapter."},
    {"charge_travail": 4, "competences": 3, "relations": 3, "autonomie": 4, "sante": 5},
    {"charge_travail": 5, "competences": 4, "relations": 3, "autonomie": 4, "sante": 4,
     "commentaire": "Les réclamations sont plus simples à traiter."},
    {"charge_travail": 3, "competences": 3, "relations": 2, "autonomie": 3},
]


def _demo_surveys(organisation: Organisation) -> None:
    """The case in service has a closed working-conditions survey at T0 (9 answers)."""
    case = Case.objects.get(organisation=organisation, title=EKONOMIA.title)
    form = survey_questionnaire("conditions-travail")
    today = dt.date.today()
    survey_round = SurveyRound.objects.create(
        case=case, stage="T0", direction=EKONOMIA.service, questionnaire_id=form.id,
        questionnaire_version=form.version, opened_on=today - dt.timedelta(days=200),
        closed_on=today - dt.timedelta(days=186))
    SurveyResponse.objects.bulk_create(
        SurveyResponse(survey_round=survey_round, answers=answers,
                       answered_on=today - dt.timedelta(days=199 - index))
        for index, answers in enumerate(DEMO_SURVEY_ANSWERS))


def _demo_indicators(people: dict[str, User]) -> None:
    """The case in service (Ekonom'IA) follows three indicators (issue 13, item 8): two
    benefits promised in criterion 3 and the measured energy beside the criterion-5 estimate,
    each with its baseline, its target and the values measured at T0 and 6 months."""
    case = Case.objects.get(organisation__slug=DEMO_SLUG, title=EKONOMIA.title)
    lead = people[EKONOMIA.lead]
    today = dt.date.today()
    baseline, t0, m6 = (today - dt.timedelta(days=n) for n in (230, 200, 20))
    estimate = indicator_selectors.energy_estimate(case) or 300.0
    rows = [
        ("benefit", "Q8:meilleure_information",
         "Abonnés informés de leur niveau de consommation", "% des abonnés", "higher",
         0, 40, (12, "Espace abonné : consultations de la comparaison"),
         (27, "Espace abonné : consultations de la comparaison")),
        ("benefit", "Q9", "Appels pour surconsommation", "appels/mois", "lower",
         420, 250, (400, "Statistiques du centre de relation abonnés"),
         (330, "Statistiques du centre de relation abonnés")),
        ("energie_mesuree", "", "Énergie consommée par les serveurs de calcul",
         "kWh/an", "lower", round(estimate), round(estimate * 0.9),
         (round(estimate * 1.08), "Compteurs électriques du centre de données"),
         (round(estimate * 0.97), "Compteurs électriques du centre de données")),
    ]
    for kind, key, label, unit, direction, start, goal, first, second in rows:
        indicator = indicator_services.indicator_create(
            case=case, user=lead, source_key=key, values={
                "kind": kind, "label": label, "unit": unit, "direction": direction,
                "baseline_value": str(start), "baseline_date": baseline.isoformat(),
                "target_value": str(goal),
                "target_date": (today + dt.timedelta(days=3 * 365)).isoformat()})
        for stage, date, (value, source) in (("T0", t0, first), ("M6", m6, second)):
            indicator_services.measurement_record(
                case=case, user=lead, indicator=indicator, values={
                    "stage": stage, "value": str(value), "measured_on": date.isoformat(),
                    "source": source})


def _footprint(case: Case, demo: DemoCase, user: User) -> None:
    """Criteria 5 and 7 through the footprint module's own services."""
    if demo.footprint is not None:
        footprint_services.footprint_compute(case=case, user=user, document=demo.footprint)
    if demo.no_ai is not None:
        ai_option, scenarios, conclusion = demo.no_ai
        footprint_services.comparison_save(case=case, user=user, values=ai_option)
        for scenario in scenarios:
            footprint_services.scenario_save(case=case, user=user, values=scenario)
        footprint_services.comparison_conclude(case=case, user=user, conclusion=conclusion)


def _author_for(referents: tuple[str, ...], people: dict[str, User], *,
                opinion: bool = False) -> User:
    """The demo person who answers for these referent domains; opinions are the experts'
    (a project lead answers criterion 3's questions but does not give its opinion)."""
    if opinion:
        referents = tuple(domain for domain in referents if domain != "porteur")
    by_domain = {"juridique": "juriste", "cybersecurite": "rssi", "rh_qvt": "rh",
                 "numerique_responsable": "numerique-responsable", "donnees": "donnees",
                 "organisation": "organisation", "numerique": "numerique", "porteur": "porteur"}
    for domain in referents:
        if domain in by_domain:
            return people[by_domain[domain]]
    return people["numerique"]


def expert_for(number: int, people: dict[str, User]) -> User:
    """The demonstration expert who gives the opinion on criterion ``number``."""
    return _author_for(current_grid().criterion(number).referents, people, opinion=True)
