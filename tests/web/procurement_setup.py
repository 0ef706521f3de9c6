"""Shared set-up of the procurement tests: a case, its group, a consultation, bidders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boussole.web.cases import services as case_services
from boussole.web.procurement import services


@dataclass
class Setup:
    case: Any
    lead: Any
    pilot: Any
    lawyer: Any
    consultation: Any


def make_setup(organisation: Any, make_user: Any) -> Setup:
    lead = make_user("cheffe", organisation, "porteur")
    pilot = make_user("pilote", organisation, "referent", domain="numerique")
    lawyer = make_user("juriste", organisation, "referent")
    case = case_services.case_create(organisation=organisation, user=lead,
                                     title="Agent conversationnel", service="Relation usagers",
                                     purpose="Répondre aux questions des habitants.")
    consultation = services.consultation_create(case=case, user=pilot,
                                                title="Marché d'agent conversationnel",
                                                reference="2026-AC-01")
    return Setup(case, lead, pilot, lawyer, consultation)
