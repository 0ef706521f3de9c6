"""Writes of a case's follow-up indicators (issue 13, item 3): each under the case's lock
(:func:`~boussole.web.cases.locking.case_write`), checked by the core
(:mod:`boussole.core.indicators`), allowed by :func:`boussole.core.access.may_edit_indicators`
and recorded in the case's audit trail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from boussole.core import indicators as rules
from boussole.core.access import may_edit_indicators
from boussole.core.errors import Forbidden, Refusal
from boussole.web.accounts.models import User
from boussole.web.cases.access import is_lead
from boussole.web.cases.audit import audit_record
from boussole.web.cases.locking import case_write
from boussole.web.cases.models import Case
from boussole.web.indicators.models import Indicator, Measurement


class IndicatorRefused(Refusal):
    """Input refused by the core's rules: every ``(field, message)`` problem, in French;
    nothing was written."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__([message for _field, message in self.problems],
                         field=self.problems[0][0] if self.problems else None)


def may_edit(user: User, case: Case) -> bool:
    return may_edit_indicators(role=user.role, domain=user.domain,
                               is_lead=is_lead(user, case),
                               same_organisation=user.organisation_id == case.organisation_id)


def _require(user: User, case: Case) -> None:
    if not may_edit(user, case):
        raise Forbidden("Seuls le porteur du projet, le pilote numérique et les "
                        "administrateurs modifient les indicateurs.")


def _payload(indicator: Indicator) -> dict[str, Any]:
    return {"label": indicator.label, "unit": indicator.unit, "kind": indicator.kind,
            "direction": indicator.direction, "baseline_value": indicator.baseline_value,
            "baseline_date": indicator.baseline_date.isoformat(),
            "target_value": indicator.target_value,
            "target_date": indicator.target_date.isoformat()}


def _apply(indicator: Indicator, clean: rules.CleanIndicator) -> None:
    indicator.kind = clean.kind
    indicator.label = clean.label
    indicator.unit = clean.unit
    indicator.direction = clean.direction
    indicator.baseline_value = clean.baseline_value
    indicator.baseline_date = clean.baseline_date
    indicator.target_value = clean.target_value
    indicator.target_date = clean.target_date


@case_write
def indicator_create(*, case: Case, user: User, values: Mapping[str, str],
                     source_key: str = "") -> Indicator:
    _require(user, case)
    clean, problems = rules.clean_indicator(values)
    if clean is None:
        raise IndicatorRefused(problems)
    indicator = Indicator(case=case, created_by=user, source_key=source_key[:80])
    _apply(indicator, clean)
    indicator.save()
    audit_record(case=case, user=user, action="indicator_created",
                 item_id=f"indicator:{indicator.pk}", after=_payload(indicator))
    return indicator


@case_write
def indicator_update(*, case: Case, user: User, indicator: Indicator,
                     values: Mapping[str, str]) -> Indicator:
    _require(user, case)
    if indicator.case_id != case.pk:
        raise Forbidden("Cet indicateur n'appartient pas à ce dossier.")
    clean, problems = rules.clean_indicator(values)
    if clean is None:
        raise IndicatorRefused(problems)
    before = _payload(indicator)
    _apply(indicator, clean)
    after = _payload(indicator)
    if before == after:
        return indicator
    indicator.save()
    audit_record(case=case, user=user, action="indicator_updated",
                 item_id=f"indicator:{indicator.pk}", before=before, after=after)
    return indicator


@case_write
def measurement_record(*, case: Case, user: User, indicator: Indicator,
                       values: Mapping[str, str]) -> Measurement:
    """Record (or replace) the value of ``indicator`` at a review stage."""
    _require(user, case)
    if indicator.case_id != case.pk:
        raise Forbidden("Cet indicateur n'appartient pas à ce dossier.")
    clean, problems = rules.clean_measure(values, baseline_date=indicator.baseline_date,
                                          today=timezone.localdate())
    if clean is None:
        raise IndicatorRefused(problems)
    existing = Measurement.objects.filter(indicator=indicator, stage=clean.stage).first()
    before = None if existing is None else {
        "stage": existing.stage, "value": existing.value,
        "measured_on": existing.measured_on.isoformat(), "source": existing.source}
    measurement = existing or Measurement(indicator=indicator, stage=clean.stage)
    measurement.value = clean.value
    measurement.measured_on = clean.measured_on
    measurement.source = clean.source
    measurement.recorded_by = user
    measurement.save()
    audit_record(case=case, user=user, action="indicator_value_recorded",
                 item_id=f"indicator:{indicator.pk}", before=before,
                 after={"label": indicator.label, "unit": indicator.unit,
                        "stage": clean.stage, "value": clean.value,
                        "measured_on": clean.measured_on.isoformat(),
                        "source": clean.source})
    return measurement
