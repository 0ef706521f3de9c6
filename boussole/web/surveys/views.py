"""Survey pages: the public questionnaire (no account), a case's surveys, the cross-case view
and its exports. The inputs are read by :mod:`.forms`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boussole.core import surveys
from boussole.core.errors import Refusal
from boussole.web.accounts.models import User
from boussole.web.cases import selectors as case_selectors
from boussole.web.cases.access import require_internal
from boussole.web.cases.models import Case
from boussole.web.cases.page_helpers import _user
from boussole.web.grids import grid_for
from boussole.web.surveys import exports, selectors, services
from boussole.web.surveys.forms import AnswerForm, RoundOpenForm
from boussole.web.surveys.models import SurveyRound

# --- Public questionnaire (no login: the link is the only key) -------------------------------


def _round(token: str) -> SurveyRound:
    survey_round = SurveyRound.objects.select_related("case").filter(token=token).first()
    if survey_round is None:
        raise Http404
    return survey_round


@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire, for anyone with the link. Nothing identifying is stored: no account,
    no session, no IP address, only the day of the answer."""
    survey_round = _round(token)
    if not survey_round.is_open:
        return render(request, "surveys/closed.html", {"survey_round": survey_round})
    form = surveys.questionnaire(survey_round.questionnaire_id,
                                 survey_round.questionnaire_version)
    errors: dict[str, str] = {}
    general: list[str] = []
    values: dict[str, str] = {}
    if request.method == "POST":
        answers = AnswerForm(request.POST, questionnaire=form)
        answers.full_clean()
        _response, problems = services.response_record(survey_round=survey_round,
                                                        raw=answers.cleaned_data)
        if not problems:
            return redirect("surveys:thanks", token=token)
        answers.add_core_problems(problems)
        values = answers.values()
        errors = answers.first_errors()
        general = [str(message) for message in answers.non_field_errors()]
        errors.pop("", None)
    summary = [{"field": f"q-{qid}-1" if form.question(qid).kind == surveys.SCALE
                else f"q-{qid}", "label": form.question(qid).text, "message": message}
               for qid, message in errors.items()]
    summary += [{"field": "", "label": "", "message": message} for message in general]
    return render(request, "surveys/answer.html", {
        "survey_round": survey_round, "questionnaire": form, "errors": errors, "summary": summary,
        "values": values, "scale": list(enumerate(form.scale, start=1)),
        "min_group": surveys.MIN_GROUP}, status=400 if summary else 200)


@never_cache
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    return render(request, "surveys/thanks.html", {"survey_round": _round(token)})


# --- A case's surveys ------------------------------------------------------------------------


@login_required
def case_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = case_selectors.case_get(user, pk)
    abilities = require_internal(user, case)
    with_texts = surveys.may_read_free_text(user.role, user.domain)
    rounds = selectors.case_round_views(case, with_texts=with_texts)
    return render(request, "surveys/case.html", {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "abilities": abilities, "rounds": rounds, "with_texts": with_texts,
        "may_manage": surveys.may_manage(user.role, user.domain),
        "may_overview": surveys.may_see_overview(user.role, user.domain),
        "in_service": case.state == "en_service",
        "stages": [(code, gettext(surveys.stage_label(code))) for code in surveys.STAGES],
        "scale": list(enumerate(surveys.questionnaire("conditions-travail").scale, start=1)),
        "min_group": surveys.MIN_GROUP,
        "link_base": request.build_absolute_uri("/enquete/"),
    })


def _case_round(request: HttpRequest, pk: int, round_pk: int) -> tuple[Case, SurveyRound]:
    user = _user(request)
    case = case_selectors.case_get(user, pk)
    require_internal(user, case)
    return case, get_object_or_404(SurveyRound, pk=round_pk, case=case)


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = case_selectors.case_get(user, pk)
    require_internal(user, case)
    form = RoundOpenForm(request.POST)
    form.full_clean()
    try:
        services.round_open(case=case, user=user, stage=form.cleaned_data["stage"],
                            direction=form.cleaned_data["direction"])
    except Refusal as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Enquête ouverte : partagez son lien avec les agents "
                                    "concernés."))
    return redirect("surveys:case", pk=case.pk)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    case, survey_round = _case_round(request, pk, round_pk)
    services.round_close(survey_round=survey_round, user=_user(request))
    messages.success(request, _("Enquête close : son lien ne permet plus de répondre."))
    return redirect("surveys:case", pk=case.pk)


# --- Cross-case view -------------------------------------------------------------------------


def _overview_user(request: HttpRequest) -> User:
    user = _user(request)
    if not surveys.may_see_overview(user.role, user.domain):
        raise PermissionDenied(_("Cette vue est réservée au groupe qualité de vie au travail, "
                                 "aux représentants du personnel et à l'administrateur."))
    return user


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = _overview_user(request)
    form, groups = selectors.overview(user)
    sections = [
        ("etape", _("Par étape du suivi")), ("direction", _("Par direction")),
        ("etape_direction", _("Par étape et par direction"))]
    return render(request, "surveys/overview.html", {
        "questionnaire": form, "min_group": surveys.MIN_GROUP,
        "scale": list(enumerate(form.scale, start=1)),
        "sections": [(code, title, [g for g in groups if g.by == code])
                     for code, title in sections]})


@login_required
def overview_csv(request: HttpRequest) -> HttpResponse:
    _form, groups = selectors.overview(_overview_user(request))
    response = HttpResponse(exports.to_csv(groups), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enquetes.csv"'
    return response


@login_required
def overview_ods(request: HttpRequest) -> HttpResponse:
    _form, groups = selectors.overview(_overview_user(request))
    response = HttpResponse(exports.to_ods(groups),
                            content_type="application/vnd.oasis.opendocument.spreadsheet")
    response["Content-Disposition"] = 'attachment; filename="enquetes.ods"'
    return response
