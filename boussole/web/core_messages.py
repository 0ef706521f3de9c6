"""French strings the web layer translates at display time, written out for ``makemessages``.

The pure-Python core gives French labels (levels, statuses, who confirms a point, « ce que
cela signifie pour vous », referent domains, delegations, decisions, answer values, follow-up
review stages and states, indicator stages) and the web layer passes them through ``gettext``
when it shows them (``_(label)``). ``makemessages`` reads source text, not values, so it cannot
find those strings in a call on a variable: this module lists each one literally, marked with
``gettext_noop``, so that the English catalogue holds them. ``tests/test_core_messages.py``
checks that every string of the core's constants is here, word for word (a change in the core
fails the test until this module and the catalogue follow).

Nothing imports this module at run time; it exists for the catalogue.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

#: ``boussole.core.rules.logic.LEVEL_LABELS_FR`` (legal levels of the rules engine).
LEVELS = (
    gettext_noop("information"),
    gettext_noop("limité"),
    gettext_noop("modéré"),
    gettext_noop("élevé"),
    gettext_noop("bloquant (doctrine nantaise)"),
    gettext_noop("bloquant (pratique interdite ou illicite)"),
)

#: ``boussole.core.rules.labels.CONFIRMERS`` (who confirms a point).
CONFIRMERS = (
    gettext_noop("délégué·e à la protection des données (DPO)"),
    gettext_noop("juriste"),
    gettext_noop("responsable de la sécurité des systèmes d'information (RSSI)"),
    gettext_noop("ressources humaines"),
    gettext_noop("groupe projet"),
    gettext_noop("élu·es"),
)

#: ``boussole.core.rules.labels.STATUSES`` (the status of a flag).
STATUSES = (
    gettext_noop("point d'attention"),
    gettext_noop("à compléter"),
    gettext_noop("obligation satisfaite"),
)

#: ``boussole.core.rules.labels.meaning`` (« ce que cela signifie pour vous »).
MEANINGS = (
    gettext_noop("Le projet ne peut pas être mené ainsi : la loi interdit cette pratique. Il "
                 "faut le modifier ou y renoncer."),
    gettext_noop("Le projet ne peut pas être mené ainsi : c'est une ligne rouge de la doctrine "
                 "de la collectivité. Il faut le modifier ou y renoncer."),
    gettext_noop("Des mesures sont obligatoires avant la mise en service : prévoyez-les dans le "
                 "projet et faites-les confirmer."),
    gettext_noop("Une obligation s'applique : prévoyez-la dans le projet (documentation, "
                 "information des personnes, garanties)."),
    gettext_noop("Une obligation légère s'applique, le plus souvent d'information ou de "
                 "transparence."),
    gettext_noop("Pour information : rien de particulier à faire."),
    gettext_noop("Répondez aux questions du profil indiquées : selon vos réponses, ce point "
                 "s'appliquera ou non."),
    gettext_noop("Rien de plus à faire sur ce point : d'après vos réponses, l'obligation est "
                 "remplie."),
)

#: ``boussole.core.grid.model.DOMAINS`` (referent domains).
DOMAINS = (
    gettext_noop("Juridique et protection des données"),
    gettext_noop("Cybersécurité"),
    gettext_noop("Ressources humaines et qualité de vie au travail"),
    gettext_noop("Numérique responsable"),
    gettext_noop("Administration de la donnée"),
    gettext_noop("Organisation et transformation"),
    gettext_noop("Pilotage de projet numérique"),
    gettext_noop("Porteur du projet (service métier)"),
    gettext_noop("Tout le groupe projet"),
)

#: ``boussole.core.roles.DELEGATIONS`` (elected officials' delegations).
DELEGATIONS = (
    gettext_noop("Numérique"),
    gettext_noop("Ressources humaines"),
    gettext_noop("Vice-présidence thématique"),
)

#: ``boussole.core.workflow.DECISIONS`` (elected officials' decisions).
DECISIONS = (
    gettext_noop("Validé"),
    gettext_noop("Validé sous conditions"),
    gettext_noop("Ajourné"),
    gettext_noop("Refusé"),
)

#: ``Grid.option_label`` for yes/no and « je ne sais pas » answers (the « pourquoi » lines of a
#: flag translate them), and the yes/no options of ``templatetags/boussole.py``.
ANSWER_VALUES = (
    gettext_noop("Oui"),
    gettext_noop("Non"),
    gettext_noop("Je ne sais pas"),
)

#: Web constants translated through a variable: ``footprint/services.py``'s
#: ``JUSTIFICATION_REQUIRED``.
WEB_CONSTANTS = (
    gettext_noop("Une valeur saisie à la place du calcul doit être justifiée."),
)

#: ``boussole.core.followup.STAGE_LABELS`` and the fallback of ``stage_label`` (labels of the
#: follow-up reviews; « Revue à … mois » and « Revue de prolongation n° … » are built with a
#: number and cannot be msgids).
FOLLOWUP_STAGES = (
    gettext_noop("Revue de mise en service (T0)"),
    gettext_noop("Revue à 6 mois"),
    gettext_noop("Revue à 1 an"),
    gettext_noop("Revue à 3 ans"),
    gettext_noop("Revue à 5 ans (clôture ou prolongation)"),
    gettext_noop("Revue supplémentaire"),
)

#: ``boussole.core.followup.STATES`` (the state of a follow-up review).
REVIEW_STATES = (
    gettext_noop("Prévue"),
    gettext_noop("À faire"),
    gettext_noop("Faite"),
    gettext_noop("En retard"),
)

#: ``boussole.core.indicators.STAGE_LABELS`` (the stage of an indicator's value, in the
#: audit trail's sentences).
INDICATOR_STAGES = (
    gettext_noop("Mise en service (T0)"),
    gettext_noop("6 mois"),
    gettext_noop("1 an"),
    gettext_noop("3 ans"),
    gettext_noop("5 ans"),
)
