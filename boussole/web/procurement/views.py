"""Consultation pages of a case, for the case's group: consultations and bidders (links,
completeness, annex and dossier imports), one bidder's answers with their maturity, the
comparison of the bids and its export, the award and the provisional answers to confirm."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boussole.core.errors import InvalidDocument, Refusal
from boussole.core.grid import AnswerInvalid
from boussole.web.accounts.models import User
from boussole.web.cases import selectors as case_selectors
from boussole.web.cases.models import Case
from boussole.web.cases.page_helpers import _user
from boussole.web.grids import grid_for
from boussole.web.procurement import forms, selectors, services
from boussole.web.procurement.models import Bidder, BidderAnswer, Consultation


def _vendor_comparison() -> ModuleType:
    # Imported on first use: odfdo and openpyxl weigh about 25 MB in every server process, and
    # only the spreadsheet and document downloads need them.
    from boussole.reports import vendor_comparison

    return vendor_comparison


def _case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    """The case (404 outside the user's organisation), for its group only (403 otherwise)."""
    user = _user(request)
    case = case_selectors.case_get(user, pk)
    if not services.may_view(user, case):
        raise PermissionDenied(_("Les consultations sont réservées au groupe du dossier."))
    return user, case


def _consultation(request: HttpRequest, pk: int, cid: int
                  ) -> tuple[User, Case, Consultation]:
    user, case = _case(request, pk)
    consultation = selectors.consultation_get(case, cid)
    if consultation is None:
        raise Http404
    return user, case, consultation


def _bidder(consultation: Consultation, bid: int) -> Bidder:
    bidder = selectors.bidder_get(consultation, bid)
    if bidder is None:
        raise Http404
    return bidder


def _refused(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, InvalidDocument):
        messages.error(request, error.report())
    elif isinstance(error, Refusal):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


def _pack_url(case: Case) -> str:
    """The tender annex's page (pack_views.py), if routed."""
    try:
        return reverse("procurement:pack", args=[case.pk])
    except NoReverseMatch:
        return ""


def _page(request: HttpRequest, case: Case, user: User, status: int = 200,
          **forms_given: Any) -> HttpResponse:
    now = timezone.now()
    consultations = selectors.consultations_of(case)
    grid = grid_for(case.grid_id, case.grid_version)
    ids = list(services.vendor_map(grid))  # the number of vendor questions
    views = [{
        "consultation": c,
        "bidders": [{"bidder": b, "link": selectors.link_status(b, now),
                     "completeness": selectors.completeness(grid, list(b.answers.all()))}
                    for b in c.bidders.all()],
    } for c in consultations]
    context = {
        "case": case, "grid": grid, "section": "procurement", "views": views,
        "may_run": services.may_run(user, case), "question_count": len(ids),
        "provisional": len(selectors.provisional_answers(case)),
        "consultation_form": forms.ConsultationForm(), "bidder_form": forms.BidderForm(),
        "annex_form": forms.AnnexImportForm(), "dossier_form": forms.DossierImportForm(),
        "days_form": forms.DaysForm(), "pack_url": _pack_url(case),
    }
    context.update(forms_given)
    return render(request, "procurement/case.html", context, status=status)


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    return _page(request, case, user)


@login_required
@require_POST
def consultation_create(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    form = forms.ConsultationForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_create(case=case, user=user, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None,
                           " ".join(refusal.messages))
        else:
            messages.success(request, _("Consultation créée : ajoutez les soumissionnaires."))
            return redirect("procurement:case", pk=case.pk)
    return _page(request, case, user, status=400, consultation_form=form)


@login_required
@require_POST
def consultation_close(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    try:
        services.consultation_close(consultation=consultation, user=user)
    except Refusal as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Consultation close : les liens ne permettent plus de "
                                    "modifier les réponses."))
    return redirect("procurement:case", pk=case.pk)


@login_required
@require_POST
def bidder_add(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    form = forms.BidderForm(request.POST)
    if form.is_valid():
        try:
            services.bidder_add(consultation=consultation, user=user, **form.cleaned_data)
        except Refusal as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None,
                           " ".join(refusal.messages))
        else:
            messages.success(request, _("Soumissionnaire ajouté : émettez son lien personnel "
                                        "ou importez son annexe."))
            return redirect("procurement:case", pk=case.pk)
    return _page(request, case, user, status=400, bidder_form=form, form_consultation=cid)


@login_required
@require_POST
@never_cache
def link_issue(request: HttpRequest, pk: int, cid: int, bid: int) -> HttpResponse:
    """Issue the bidder's link and show it once (it is not stored: only its hash is)."""
    user, case, consultation = _consultation(request, pk, cid)
    bidder = _bidder(consultation, bid)
    form = forms.DaysForm(request.POST)
    if not form.is_valid():
        return _page(request, case, user, status=400, days_form=form)
    try:
        token = services.link_issue(bidder=bidder, user=user, days=form.cleaned_data["days"])
    except Refusal as refusal:
        _refused(request, refusal)
        return redirect("procurement:case", pk=case.pk)
    link = request.build_absolute_uri(f"/offre/{token}/")
    return render(request, "procurement/link.html", {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "section": "procurement", "consultation": consultation, "bidder": bidder,
        "link": link})


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, cid: int, bid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    try:
        services.link_revoke(bidder=_bidder(consultation, bid), user=user)
    except Refusal as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Lien révoqué : il ne donne plus accès aux réponses."))
    return redirect("procurement:case", pk=case.pk)


@login_required
@require_POST
def link_extend(request: HttpRequest, pk: int, cid: int, bid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    form = forms.DaysForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["days"]:
        messages.error(request, _("Indiquez une durée de 1 à 180 jours."))
        return redirect("procurement:case", pk=case.pk)
    try:
        services.link_extend(bidder=_bidder(consultation, bid), user=user,
                             days=form.cleaned_data["days"])
    except Refusal as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Lien prolongé."))
    return redirect("procurement:case", pk=case.pk)


@login_required
@require_POST
def annex_import(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    form = forms.AnnexImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            bidder = services.annex_import(
                consultation=consultation, user=user, bidder_name=form.cleaned_data["bidder"],
                data=upload.read(), filename=str(upload.name))
        except (InvalidDocument, Refusal, AnswerInvalid) as error:
            message = error.report() if isinstance(error, InvalidDocument) else str(error)
            form.add_error("file", message)
        else:
            messages.success(request, _("Annexe importée : les réponses de %(name)s sont "
                                        "enregistrées.") % {"name": bidder.name})
            return redirect("procurement:case", pk=case.pk)
    return _page(request, case, user, status=400, annex_form=form, form_consultation=cid)


ALL_CRITERIA = "tous"


def _criteria_shown(request: HttpRequest, numbers: list[int]) -> dict[str, Any]:
    """One criterion's questions at a time (``?critere=N``, the first by default;
    ``?critere=tous`` for all): the lists of answers stay light pages."""
    asked = request.GET.get("critere", "")
    chosen: int | None = numbers[0] if numbers else None
    if asked == ALL_CRITERIA:
        chosen = None
    elif asked.isdigit() and int(asked) in numbers:
        chosen = int(asked)
    return {"criteria_numbers": numbers, "chosen_criterion": chosen,
            "all_criteria": ALL_CRITERIA}


@login_required
def bidder_page(request: HttpRequest, pk: int, cid: int, bid: int) -> HttpResponse:
    """A bidder's answers, one criterion at a time; the maturity override form of the answer
    asked for with ``?maturite=<answer>`` (a link on each answer)."""
    user, case, consultation = _consultation(request, pk, cid)
    bidder = _bidder(consultation, bid)
    rows = selectors.bidder_answers(bidder)
    shown = _criteria_shown(request, sorted({q.criterion for q, _a, _v in rows}))
    chosen = shown["chosen_criterion"]
    return render(request, "procurement/bidder.html", {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "section": "procurement", "consultation": consultation, "bidder": bidder,
        "rows": [row for row in rows if chosen is None or row[0].criterion == chosen],
        **shown, "editing": request.GET.get("maturite", ""),
        "may_assess": services.may_assess(user, case),
        "override_form": forms.OverrideForm()})


@login_required
@require_POST
def maturity_override(request: HttpRequest, pk: int, cid: int, bid: int,
                      answer_pk: int) -> HttpResponse:
    user, _c, consultation = _consultation(request, pk, cid)
    bidder = _bidder(consultation, bid)
    answer = BidderAnswer.objects.filter(bidder=bidder, pk=answer_pk).first()
    if answer is None:
        raise Http404
    form = forms.OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.maturity_override(answer=answer, user=user, **form.cleaned_data)
        except Refusal as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("Maturité modifiée."))
    else:
        messages.error(request, _("Choisissez un niveau et indiquez le motif."))
    question = services.vendor_map(services.case_grid(consultation.case)).get(
        answer.question_id)
    shown = f"?critere={question.criterion}" if question is not None else ""
    return redirect(f"{request.path.rsplit('/maturite/', 1)[0]}/{shown}#r-{answer.question_id}")


@login_required
def comparison(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    table = selectors.comparison(consultation)
    shown = _criteria_shown(request, sorted({row.question.criterion for row in table.rows}))
    chosen = shown["chosen_criterion"]
    return render(request, "procurement/comparison.html", {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "section": "procurement", "consultation": consultation, "table": table,
        "question_rows": [row for row in table.rows
                          if chosen is None or row.question.criterion == chosen],
        **shown, "may_run": services.may_run(user, case)})


@login_required
def award(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    bidders = list(consultation.bidders.all())
    form = forms.AwardForm(request.POST or None, bidders=bidders)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                copied, kept = services.award(consultation=consultation, user=user,
                                              bidder=_bidder(consultation,
                                                             form.cleaned_data["bidder"]))
            except Refusal as refusal:
                form.add_error(None, " ".join(refusal.messages))
            else:
                messages.success(request, _(
                    "Consultation attribuée : %(copied)s réponses reportées dans le dossier, à "
                    "confirmer ; %(kept)s réponses déjà données par le groupe conservées.")
                    % {"copied": copied, "kept": kept})
                return redirect("procurement:provisional", pk=case.pk)
        status = 400
    return render(request, "procurement/award.html", {
        "case": case, "grid": grid_for(case.grid_id, case.grid_version),
        "section": "procurement", "consultation": consultation, "form": form,
        "may_run": services.may_run(user, case)}, status=status)


@login_required
def provisional(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk)
    if request.method == "POST":
        try:
            services.provisional_confirm(case=case, user=user,
                                         item_id=request.POST.get("item", ""))
        except Refusal as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("Réponse confirmée."))
        return redirect("procurement:provisional", pk=case.pk)
    grid = grid_for(case.grid_id, case.grid_version)
    rows = [{"answer": a, "label": grid.item_label(a.item_id),
             "value": grid.value_label(grid.item(a.item_id), a.value)}
            for a in selectors.provisional_answers(case) if grid.has_item(a.item_id)]
    return render(request, "procurement/provisional.html", {
        "case": case, "grid": grid, "section": "procurement", "rows": rows})


@login_required
def dossier_export(request: HttpRequest, pk: int, cid: int, bid: int) -> HttpResponse:
    user, _c, consultation = _consultation(request, pk, cid)
    bidder = _bidder(consultation, bid)
    document = services.dossier_export(bidder=bidder, user=user)
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dossier-fournisseur-{bidder.pk}.json"')
    return response


@login_required
@require_POST
def dossier_import(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    user, case, consultation = _consultation(request, pk, cid)
    form = forms.DossierImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            bidder, diff = services.dossier_import(
                consultation=consultation, user=user, bidder_name=form.cleaned_data["bidder"],
                data=upload.read(), filename=str(upload.name))
        except (InvalidDocument, Refusal, AnswerInvalid) as error:
            form.add_error("file", error.report() if isinstance(error, InvalidDocument)
                           else str(error))
        else:
            grid = grid_for(case.grid_id, case.grid_version)

            def labels(ids: list[str]) -> list[str]:
                return [grid.item_label(i) if grid.has_item(i) else i for i in ids]

            return render(request, "procurement/dossier_imported.html", {
                "case": case, "grid": grid, "section": "procurement",
                "consultation": consultation, "bidder": bidder, "diff": diff,
                "kept": labels(diff.kept), "changed": labels(diff.changed),
                "removed": diff.removed,
                "invalid": [(grid.item_label(i) if grid.has_item(i) else i, message)
                            for i, message in diff.invalid.items()]})
    return _page(request, case, user, status=400, dossier_form=form, form_consultation=cid)



@login_required
def comparison_export(request: HttpRequest, pk: int, cid: int, fmt: str) -> HttpResponse:
    _u, _c, consultation = _consultation(request, pk, cid)
    if fmt not in _vendor_comparison().FORMATS:
        raise Http404
    data = _vendor_comparison().render(selectors.comparison_table(consultation), fmt)
    response = HttpResponse(data, content_type=_vendor_comparison().CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="comparaison-offres-{cid}.{fmt}"'
    return response


@login_required
def document_download(request: HttpRequest, pk: int, cid: int, bid: int,
                      answer_pk: int) -> HttpResponseBase:
    """A document a bidder attached to one answer, for the case's group."""
    from django.conf import settings

    _u, _c, consultation = _consultation(request, pk, cid)
    answer = BidderAnswer.objects.filter(bidder=_bidder(consultation, bid),
                                         pk=answer_pk).first()
    if answer is None or not answer.document:
        raise Http404
    try:
        handle = answer.document.open("rb")
    except OSError:
        raise Http404 from None
    extension = "." + answer.document.name.rsplit(".", 1)[-1].lower()
    content_type = settings.BOUSSOLE_EVIDENCE_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(handle, as_attachment=True, filename=answer.document_name,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
