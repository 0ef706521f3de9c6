"""Case pages. Views stay thin: selectors read, services write, ``access`` decides.

Every form works without JavaScript (POST, then redirect); with htmx, the answer, comment and
evidence forms swap only their question's fragment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boussole.core.access import Abilities, may_create_case, may_retain_legal_level
from boussole.core.errors import Refusal
from boussole.core.grid import AnswerInvalid, Fact, Question
from boussole.core.limits import LIMITS
from boussole.web.accounts.models import User
from boussole.web.cases import audit_labels, legal, profile_views, selectors, services
from boussole.web.cases.access import (
    case_abilities,
    require,
    require_assignment,
    require_internal,
)
from boussole.web.cases.audit import audit_verify
from boussole.web.cases.exchange import evidence_problems
from boussole.web.cases.models import Assignment, Comment, Evidence, Verdict
from boussole.web.cases.next_action import case_card
from boussole.web.cases.page_helpers import (
    _can_answer,
    _is_htmx,
    _legal_context,
    _posted_value,
    _user,
)
from boussole.web.grids import grid_for
from boussole.web.posted import STALE_FORM, posted_id, posted_revision

# --- Case creation and description ---------------------------------------------------------

class CaseForm(forms.Form):
    title = forms.CharField(label=_("Titre du cas d'usage"), max_length=LIMITS["title"])
    service = forms.CharField(label=_("Service métier"), max_length=LIMITS["service"])
    purpose = forms.CharField(label=_("Finalité : à quoi servira l'IA ?"),
                              max_length=LIMITS["purpose"],
                              widget=forms.Textarea(attrs={"rows": 5}))
    vendor = forms.CharField(label=_("Prestataire pressenti (si connu)"),
                             max_length=LIMITS["vendor"], required=False)
    lead = forms.ModelChoiceField(label=_("Chef·fe de projet"), queryset=User.objects.none(),
                                  required=False, empty_label=_("Moi-même"))

    def __init__(self, *args: Any, organisation_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            organisation_id=organisation_id or 0, is_active=True,
        ).order_by("last_name", "first_name")




@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may_create_case(user.role) or user.organisation is None:
        raise PermissionDenied(_("Votre rôle ne permet pas de créer un cas d'usage."))
    form = CaseForm(request.POST or None, organisation_id=user.organisation_id)
    if request.method == "POST" and form.is_valid():
        case = services.case_create(
            organisation=user.organisation, user=user, title=form.cleaned_data["title"],
            service=form.cleaned_data["service"], purpose=form.cleaned_data["purpose"],
            vendor=form.cleaned_data["vendor"], lead=form.cleaned_data["lead"])
        messages.success(request, _("Cas d'usage créé. Répondez maintenant au profil "
                                    "d'identification : les règles s'appliquent dès la "
                                    "première réponse."))
        return redirect("cases:profile", case.pk)
    return render(request, "cases/form.html", {"form": form, "title": _("Nouveau cas d'usage")})


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    require(case_abilities(user, case), "edit_description",
            _("Vous ne pouvez pas modifier la description de ce dossier."))
    initial = {"title": case.title, "service": case.service, "purpose": case.purpose,
               "vendor": case.vendor, "lead": case.lead}
    form = CaseForm(request.POST or None, initial=initial, organisation_id=case.organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.case_update(case=case, user=user, title=data["title"],
                             service=data["service"], purpose=data["purpose"],
                             vendor=data["vendor"])
        messages.success(request, _("Description enregistrée."))
        return redirect("cases:detail", case.pk)
    return render(request, "cases/form.html", {"form": form, "case": case,
                                               "title": _("Modifier la description")})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    # The referents named, the answers: read once for the abilities and the whole page.
    people = selectors.assignments(case)
    abilities = case_abilities(user, case, assigned=frozenset(
        criterion for criterion, named in people.items()
        if any(a.user_id == user.pk for a in named)))
    if not abilities.internal:
        return vendor_page(request, case)
    grid = grid_for(case.grid_id, case.grid_version)
    values = selectors.case_values(case)
    profile, progress = selectors.case_progress(case, values)
    given = selectors.opinions(case)
    waiting = selectors.waiting_for(case, values=values, people=people, given=given)
    return render(request, "cases/detail.html", {
        "case": case, "grid": grid, "profile": profile, "abilities": abilities,
        "criteria": [(c, progress[c.number]) for c in grid.criteria],
        "waiting": waiting, "people": selectors.progress_by_person(waiting),
        "next_action": case_card(user, case, read=(
            {n: o.verdict for n, o in given.items()}, people)),
    })


# --- Answers -----------------------------------------------------------------------------

def _vendor_item(item: Question | Fact | None) -> bool:
    return isinstance(item, Question) and item.vendor


def _item_context(request: HttpRequest, case: Any, item_id: str) -> dict[str, Any]:
    user = _user(request)
    grid = grid_for(case.grid_id, case.grid_version)
    if grid.has_question(item_id):
        item: Question | Fact = grid.question(item_id)
    elif grid.has_fact(item_id):
        item = grid.fact(item_id)
    else:
        raise Http404
    abilities = case_abilities(user, case)
    if not abilities.sees_item(vendor_item=_vendor_item(item)):
        raise PermissionDenied(_("Cette question n'est pas ouverte au prestataire."))
    answers = selectors.answers_by_item(case)
    facts = {k: a.value for k, a in answers.items() if a.kind == "fact"}
    views = selectors.item_views(case, [item],
                                 can_answer=_can_answer(user, case, abilities, answers),
                                 facts=facts, answers_by_id=answers)
    if not views:  # the item does not apply (any more): show it anyway for this response
        views = [selectors.ItemView(item=item, kind="fact" if isinstance(item, Fact)
                                    else "question", answer=answers.get(item_id))]
    views = selectors.restrict_views(views, user, abilities)
    views[0].editing = request.GET.get("modifier") == item_id
    return {"case": case, "grid": grid, "view": views[0], "abilities": abilities,
            "item": item}


def _back_to(case: Any, item: Question | Fact, internal: bool = True) -> str:
    if not internal:  # the vendor's questionnaire
        return reverse("cases:detail", args=[case.pk]) + f"#q-{item.id}"
    if isinstance(item, Fact):
        return reverse("cases:profile", args=[case.pk]) + f"?fait={item.id}#q-{item.id}"
    return reverse("cases:criterion", args=[case.pk, item.criterion]) + f"#q-{item.id}"


def _answerable(request: HttpRequest, pk: int, item_id: str) -> tuple[Any, dict[str, Any]]:
    """The case and the item's page context, for someone who may answer the item (else 403)."""
    case = selectors.case_get(_user(request), pk)
    ctx = _item_context(request, case, item_id)
    if not ctx["view"].can_answer:
        raise PermissionDenied(_("Vous ne pouvez pas répondre à cette question."))
    return case, ctx


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int, item_id: str) -> HttpResponse:
    user = _user(request)
    case, ctx = _answerable(request, pk, item_id)
    view, item = ctx["view"], ctx["item"]
    value = _posted_value(item, request.POST)
    justification = request.POST.get("justification", "")
    posted = {"value": value, "justification": justification}
    expected = posted_revision(request)
    try:
        if expected is None:
            raise AnswerInvalid(str(STALE_FORM))
        view.answer = services.answer_record(
            case=case, user=user, item_id=item.id, value=value, justification=justification,
            expected_revision=expected)
        view.saved = True
    except AnswerInvalid as exc:
        view.error = str(exc)
        view.posted = posted
    except services.AnswerConflict as exc:
        view.conflict = exc.current
        view.answer = exc.current
        view.posted = posted
    if _is_htmx(request):
        response = render(request, "cases/_item.html", ctx)
        if isinstance(item, Fact) and view.saved:
            response["HX-Trigger"] = "facts-changed"
        return response
    if view.error or view.conflict is not None:
        return _render_item_page(request, case, item, view)
    messages.success(request, _("Réponse enregistrée."))
    return redirect(_back_to(case, item, ctx["abilities"].internal))


@login_required
def answer_form(request: HttpRequest, pk: int, item_id: str) -> HttpResponse:
    """« Modifier » an answer given: with htmx, the item's fragment with its form (its first
    field focused); without it, the item's page with this item as a form."""
    case, ctx = _answerable(request, pk, item_id)
    view, item = ctx["view"], ctx["item"]
    if not _is_htmx(request):
        back = _back_to(case, item, ctx["abilities"].internal)
        path, _sep, anchor = back.partition("#")
        return redirect(f"{path}?modifier={item.id}#{anchor}")
    view.editing = True
    return render(request, "cases/_item.html", {**ctx, "focus": True})


def _render_item_page(request: HttpRequest, case: Any, item: Question | Fact,
                      failed: selectors.ItemView) -> HttpResponse:
    """The full page of the item, with the failed item's error or conflict shown in place."""
    if not case_abilities(_user(request), case).internal:
        response = vendor_page(request, case, replace=failed)
    elif isinstance(item, Fact):
        response = profile_views.profile(request, case.pk, replace=failed)
    else:
        response = criterion(request, case.pk, item.criterion, replace=failed)
    response.status_code = 409 if failed.conflict is not None else 400
    return response


def _page_items(request: HttpRequest, case: Any, items: list[Question | Fact],
                replace: selectors.ItemView | None, *, abilities: Abilities | None = None,
                answers: dict[str, Any] | None = None,
                loaded: selectors.Discussions | None = None,
                ) -> tuple[list[selectors.ItemView], Any]:
    """The views of a page's items; ``abilities``, ``answers`` and ``loaded`` (comments and
    evidence) when the page has already read them. The item named by ``?modifier=`` (the
    « Modifier » link without JavaScript) is shown as a form."""
    user = _user(request)
    if abilities is None:
        abilities = case_abilities(user, case)
    if answers is None:
        answers = selectors.answers_by_item(case)
    facts = {k: a.value for k, a in answers.items() if a.kind == "fact"}
    views = selectors.item_views(case, items,
                                 can_answer=_can_answer(user, case, abilities, answers),
                                 facts=facts, answers_by_id=answers, loaded=loaded)
    views = selectors.restrict_views(views, user, abilities)
    editing = request.GET.get("modifier")
    for view in views:
        view.editing = view.id == editing
    if replace is not None:
        views = [replace if v.id == replace.id else v for v in views]
    return views, abilities


#: Beyond this many questions still to answer by the viewer, spread over several sections, a
#: criterion page shows one of those sections at a time (a form costs many elements).
DISCLOSE_AFTER = 6


def _disclose_sections(blocks: list[dict[str, Any]], requested: str, shown_item: str) -> None:
    """Progressive disclosure of a criterion's sections: when the viewer still has more than
    :data:`DISCLOSE_AFTER` questions to answer in several sections, only one of those is
    shown whole — the one holding ``shown_item`` (refused, or asked for by « Modifier »), else
    the ``requested`` one (``?section=``), else the first; the others show their title, their
    progress and a link opening them (``closed``). Sections with nothing to answer stay shown.
    Sets ``pending``, ``answered``, ``closed`` and ``focus`` on each block."""
    for block in blocks:
        block["pending"] = sum(1 for v in block["items"] if v.shows_form)
        block["answered"] = sum(1 for v in block["items"] if v.answer is not None)
        block["closed"] = block["focus"] = False
    pending = [b for b in blocks if b["pending"] and b["section"] is not None]
    if len(pending) < 2 or sum(b["pending"] for b in pending) <= DISCLOSE_AFTER:
        return
    opened = next((b for b in pending if any(v.id == shown_item for v in b["items"])), None)
    if opened is None:
        opened = next((b for b in pending if b["section"].id == requested), None)
        if opened is not None:
            opened["focus"] = True  # opened on request: its first field gets the focus
    if opened is None:
        opened = pending[0]
    for block in pending:
        block["closed"] = block is not opened


@login_required
def criterion(request: HttpRequest, pk: int, number: int,
              replace: selectors.ItemView | None = None,
              opinion_form: dict[str, str] | None = None) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    if user.organisation_id == case.organisation_id:
        user.organisation = case.organisation  # read with the case: not again by the header
    grid = grid_for(case.grid_id, case.grid_version)
    try:
        current = grid.criterion(number)
    except KeyError:
        raise Http404 from None
    # Every row the page needs, each table read once (≤ 10 queries in all, tested).
    all_assignments = selectors.assignments(case)
    abilities = case_abilities(user, case, assigned=frozenset(
        a.criterion for rows in all_assignments.values() for a in rows if a.user_id == user.pk))
    if not abilities.internal:
        raise PermissionDenied(_("Cette page est réservée aux personnes de l'organisation."))
    answers = selectors.answers_by_item(case)
    questions: list[Question | Fact] = list(current.questions)
    loaded = selectors.discussions(case, [q.id for q in questions], criterion=number)
    views, abilities = _page_items(request, case, questions, replace, abilities=abilities,
                                   answers=answers, loaded=loaded)
    by_section: dict[str | None, list[selectors.ItemView]] = {}
    for view in views:
        by_section.setdefault(view.item.section, []).append(view)  # type: ignore[union-attr]
    blocks: list[dict[str, Any]] = []
    if None in by_section:
        blocks.append({"section": None, "depth": 0, "items": by_section[None]})
    for section in current.sections:
        depth = 1 if section.parent is None else 2
        blocks.append({"section": section, "depth": depth,
                       "items": by_section.get(section.id, [])})
    _disclose_sections(blocks, request.GET.get("section", ""),
                       replace.id if replace is not None else request.GET.get("modifier", ""))
    assignments = all_assignments.get(number, [])
    opinion = selectors.opinions(case).get(number)
    return render(request, "cases/criterion.html", {
        "case": case, "grid": grid, "criterion": current, "blocks": blocks,
        "abilities": abilities, "assignments": assignments, "opinion": opinion,
        "verdicts": Verdict.choices,
        "people": selectors.assignable_people(case) if abilities.can("assign") else [],
        "can_assign_self": (abilities.can("assign_self") and not abilities.can("assign")
                            and number in abilities.self_assign_criteria
                            and not any(a.user_id == user.pk for a in assignments)),
        "criterion_comments": [c for c in loaded[0].get("", []) if c.parent_id is None],
        "criterion_evidence": loaded[1].get("", []),
        "progress": selectors.progress_of_answers(case, answers)[number],
        "can_opinion": abilities.can("give_opinion") and abilities.can_give_opinion(number),
        "opinion_form": opinion_form,
    })


def vendor_page(request: HttpRequest, case: Any, replace: selectors.ItemView | None = None
                ) -> HttpResponse:
    """The vendor's view of a case: the vendor-facing questions, its own answers, evidence and
    the comment threads addressed to it — nothing internal."""
    grid = grid_for(case.grid_id, case.grid_version)
    views, abilities = _page_items(request, case, [q for q in grid.questions if q.vendor],
                                   replace)
    by_criterion: dict[int, list[selectors.ItemView]] = {}
    for view in views:
        by_criterion.setdefault(view.item.criterion, []).append(view)  # type: ignore[union-attr]
    return render(request, "cases/vendor.html", {
        "case": case, "grid": grid, "abilities": abilities,
        "blocks": [(c, by_criterion[c.number]) for c in grid.criteria
                   if c.number in by_criterion]})


# --- Comments and evidence ---------------------------------------------------------------

def _target(case: Any, data: Any) -> tuple[str, int | None, Question | Fact | None]:
    grid = grid_for(case.grid_id, case.grid_version)
    item_id = data.get("item_id", "")
    if item_id:
        if grid.has_question(item_id):
            return item_id, grid.question(item_id).criterion, grid.question(item_id)
        if grid.has_fact(item_id):
            return item_id, None, grid.fact(item_id)
        raise Http404
    try:
        number = int(data.get("criterion", ""))
        grid.criterion(number)
    except (ValueError, KeyError):
        raise Http404 from None
    return "", number, None


def _require_discussable(abilities: Abilities, user: User, item: Question | Fact | None,
                         parent: Comment | None = None) -> None:
    """403 unless the user may discuss this item (and see the thread it replies to): the
    vendor only on vendor-facing questions, in the threads addressed to it."""
    if abilities.internal:
        return
    if not abilities.sees_item(vendor_item=_vendor_item(item)):
        raise PermissionDenied(_("Cette question n'est pas ouverte au prestataire."))
    if parent is not None:
        thread = parent.parent or parent
        if not abilities.sees_thread(vendor_item=True, started_by_viewer=(
                thread.author_id == user.pk)):
            raise PermissionDenied(_("Ce fil de discussion ne vous est pas adressé."))


def _after_item_change(request: HttpRequest, case: Any, item_id: str, criterion_number: Any,
                       item: Question | Fact | None, error: str = "", field: str = ""
                       ) -> HttpResponse:
    if error and item is not None:
        # Refused: the item's discussion again, open, with the text typed kept, the message at
        # its field and in the form's summary (the fragment with htmx, the item's discussion
        # page without it).
        ctx = _item_context(request, case, item_id)
        ctx.update({"full": True, "discussion_error": {
            "key": item.id, "message": error, "field": field,
            "body": request.POST.get("body", ""), "parent": request.POST.get("parent", "")}})
        if _is_htmx(request):
            return render(request, "cases/_item.html", ctx)
        view = ctx["view"]
        ctx.update({"target_item": item.id, "dom_key": item.id,
                    "crit": getattr(item, "criterion", None), "comments": view.threads,
                    "evidence": view.evidence, "label": view.label})
        return render(request, "cases/discussion.html", ctx, status=400)
    if error:
        messages.error(request, error)
    if _is_htmx(request) and item is not None:
        return render(request, "cases/_item.html", _item_context(request, case, item_id))
    if item is not None:
        return redirect(_back_to(case, item, case_abilities(_user(request), case).internal))
    return redirect(reverse("cases:criterion", args=[case.pk, criterion_number]) + "#critere")


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = case_abilities(user, case)
    require(abilities, "comment", _("Vous ne pouvez pas commenter ce dossier."))
    item_id, number, item = _target(case, request.POST)
    parent = None
    if request.POST.get("parent"):
        parent = get_object_or_404(Comment, case=case, pk=posted_id(request.POST["parent"]))
    _require_discussable(abilities, user, item, parent)
    error = ""
    try:
        services.comment_add(case=case, user=user, body=request.POST.get("body", ""),
                             item_id=item_id, criterion=number, parent=parent)
    except ValueError as exc:
        error = str(exc)
    field = f"r-{parent.pk}" if parent is not None else f"c-{item_id or number}"
    return _after_item_change(request, case, item_id, number, item, error, field)


@login_required
@require_POST
def comment_resolve(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = case_abilities(user, case)
    require(abilities, "comment", _("Vous ne pouvez pas commenter ce dossier."))
    comment = get_object_or_404(Comment, case=case, pk=comment_id)
    _require_discussable(abilities, user, _target(case, {
        "item_id": comment.item_id, "criterion": comment.criterion or 1})[2], comment)
    services.comment_resolve(case=case, user=user, comment=comment,
                             resolved=request.POST.get("resolved", "1") == "1")
    _item_id, _number, item = _target(case, {"item_id": comment.item_id,
                                             "criterion": comment.criterion or 1})
    return _after_item_change(request, case, comment.item_id, comment.criterion, item)


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = case_abilities(user, case)
    require(abilities, "attach", _("Vous ne pouvez pas joindre de pièce à ce dossier."))
    item_id, number, item = _target(case, request.POST)
    _require_discussable(abilities, user, item)
    upload = request.FILES.get("file")
    error = ""
    if upload is None:
        error = _("Choisissez un fichier à joindre.")
    else:
        try:
            services.evidence_add(case=case, user=user, upload=upload, item_id=item_id,
                                  criterion=number)
        except services.EvidenceRejected as exc:
            error = str(exc)
    return _after_item_change(request, case, item_id, number, item, error,
                              f"f-{item_id or number}")


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponseBase:
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = case_abilities(user, case)
    require(abilities, "view", _("Accès refusé."))
    piece = get_object_or_404(Evidence, case=case, pk=evidence_id)
    if not abilities.sees_evidence(uploaded_by_viewer=piece.uploaded_by_id == user.pk):
        raise PermissionDenied(_("Accès refusé."))
    try:
        handle = piece.file.open("rb")
    except OSError:
        return render(request, "cases/evidence_missing.html", {"case": case, "piece": piece},
                      status=404)
    response = FileResponse(handle, as_attachment=True,
                            filename=piece.original_name, content_type=piece.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Opinions and assignments ------------------------------------------------------------

@login_required
@require_POST
def opinion_save(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = case_abilities(user, case)
    if not (abilities.can("give_opinion") and abilities.can_give_opinion(number)):
        raise PermissionDenied(_("Vous ne pouvez pas donner d'avis sur ce critère."))
    verdict = request.POST.get("verdict", "")
    recommendations = request.POST.get("recommendations", "")
    expected = posted_revision(request)
    status = 400
    try:
        if expected is None:
            raise Refusal(str(STALE_FORM))
        services.opinion_give(case=case, user=user, criterion=number, verdict=verdict,
                              recommendations=recommendations, expected_revision=expected)
    except services.OpinionConflict as exc:
        status, error = 409, _("Cet avis a été modifié entre-temps par %(name)s : relisez-le "
                               "avant de l'enregistrer de nouveau.") % {"name": exc.current.author}
    except Refusal as exc:
        error = str(exc)
    else:
        messages.success(request, _("Avis enregistré."))
        return redirect(reverse("cases:criterion", args=[case.pk, number]) + "#avis")
    # Refused: the same page, with what the person chose and wrote kept, the error beside it.
    field = "verdict" if verdict not in Verdict.values else "recommendations"
    response = criterion(request, pk, number, opinion_form={
        "verdict": verdict, "recommendations": recommendations, "error": error, "field": field})
    response.status_code = status
    return response


@login_required
@require_POST
def assignment_add(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    abilities = case_abilities(user, case)
    if not (abilities.can("assign") or abilities.can("assign_self")):
        raise PermissionDenied(_("Vous ne pouvez pas désigner de référents sur ce dossier."))
    try:
        wanted = int(request.POST.get("user", ""))
    except ValueError:
        wanted = 0
    referent = User.objects.filter(organisation_id=case.organisation_id, is_active=True,
                                   pk=wanted).first()
    if referent is not None:  # the core's rule: who may name whom, on which criterion
        require_assignment(user, case, number, referent)
    if referent is None:
        messages.error(request, _("Choisissez une personne de votre organisation."))
    else:
        try:
            services.assignment_add(case=case, user=user, criterion=number, referent=referent)
            messages.success(request, _("%(name)s est désigné·e pour ce critère.")
                             % {"name": referent})
        except ValueError as exc:
            messages.error(request, str(exc))
    return redirect(reverse("cases:criterion", args=[case.pk, number]) + "#referents")


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    assignment = get_object_or_404(Assignment, case=case, pk=assignment_id)
    require_assignment(user, case, assignment.criterion, assignment.user)  # same right as adding
    number = assignment.criterion
    services.assignment_remove(case=case, user=user, assignment=assignment)
    return redirect(reverse("cases:criterion", args=[case.pk, number]) + "#referents")


# --- Audit trail, my questions -----------------------------------------------------------

@login_required
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    from django.core.paginator import Paginator

    user = _user(request)
    case = selectors.case_get(user, pk)
    require_internal(user, case)
    item_id = request.GET.get("item", "")
    page = Paginator(selectors.audit_trail(case, item_id), 20).get_page(request.GET.get("page"))
    grid = grid_for(case.grid_id, case.grid_version)
    return render(request, "cases/audit.html", {
        "case": case, "page": page, "item_id": item_id,
        "item_label": audit_labels.item_label(grid, item_id, short=False),
        "rows": audit_labels.journal_rows(grid, page.object_list),
        "intact": audit_verify(case), "evidence_problems": evidence_problems(case)})


@login_required
def my_questions(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/my_questions.html",
                  {"rows": selectors.my_questions(_user(request))})


# --- Legal rules: flags, retained level ----------------------------------------------------

@login_required
def legal_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The flags panel of the profile page (refreshed by htmx after each step saved)."""
    case = selectors.case_get(_user(request), pk)
    require_internal(_user(request), case)
    return render(request, "cases/_flags.html",
                  {"case": case, **_legal_context(case, profile_page=True)})


@login_required
def legal_group(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The flags of one group of the legal panel, loaded when the group is opened (htmx);
    without htmx, the legal page with that group shown whole."""
    case = selectors.case_get(_user(request), pk)
    require_internal(_user(request), case)
    if key not in legal.GROUP_KEYS:
        raise Http404(_("Groupe de points d'attention inconnu."))
    if not _is_htmx(request):
        return redirect(reverse("cases:legal", args=[case.pk]) + f"?groupe={key}#g-{key}")
    context = _legal_context(case)
    group = next((g for g in context["legal"]["groups"] if g["key"] == key), None)
    if group is None:
        raise Http404(_("Groupe de points d'attention inconnu."))
    return render(request, "cases/_flag_group.html", {"case": case, "group": group})


@login_required
def legal_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = selectors.case_get(user, pk)
    grid = grid_for(case.grid_id, case.grid_version)
    abilities = require_internal(user, case)
    can_retain = (may_retain_legal_level(user.role, user.domain)
                  and abilities.can("answer_profile"))
    error = ""
    error_field = "retained_level"
    if request.method == "POST":
        if not can_retain:
            raise PermissionDenied(_("Seuls les juristes du groupe retiennent le niveau de "
                                     "risque juridique, pendant l'instruction."))
        review = None
        if request.POST.get("review_date"):
            try:
                review = dt.date.fromisoformat(request.POST["review_date"])
            except ValueError:
                error, error_field = _("Date de revue invalide (AAAA-MM-JJ)."), "review_date"
        if not error:
            try:
                legal.legal_retain(case=case, user=user,
                                   retained_level=request.POST.get("retained_level", ""),
                                   rationale=request.POST.get("rationale", ""),
                                   measures=request.POST.get("measures", ""),
                                   owner=request.POST.get("owner", ""), review_date=review)
                messages.success(request, _("Niveau retenu enregistré."))
                return redirect("cases:legal", case.pk)
            except ValueError as exc:  # Refusal, with the field it names when there is one
                error, error_field = str(exc), getattr(exc, "field", None) or error_field
    # Refused: the form again, every value kept, the error at its field and in the summary.
    labels = {"retained_level": _("Niveau retenu"),
              "rationale": _("Motivation (obligatoire si le niveau diffère de la proposition)"),
              "measures": _("Mesures décidées"), "owner": _("Responsable des mesures"),
              "review_date": _("Date de revue")}
    context = {"case": case, "grid": grid, "can_retain": can_retain, "error": error,
               "error_field": error_field, "error_label": labels.get(error_field, ""),
               "levels": [(level.name, level.label_fr) for level in legal.RETAINABLE],
               "posted": request.POST,
               **_legal_context(case, open_group=request.GET.get("groupe", ""))}
    return render(request, "cases/legal.html", context, status=400 if error else 200)


@login_required
def discussion(request: HttpRequest, pk: int, item_id: str) -> HttpResponse:
    """The comments and evidence of one item: a fragment for htmx, a full page without it."""
    case = selectors.case_get(_user(request), pk)
    ctx = _item_context(request, case, item_id)
    view = ctx["view"]
    item = ctx["item"]
    ctx.update({"target_item": item.id, "dom_key": item.id,
                "crit": getattr(item, "criterion", None), "comments": view.threads,
                "evidence": view.evidence, "label": view.label, "full": True})
    if _is_htmx(request) and request.GET.get("bloc"):
        # The « Commenter ou joindre une pièce » link of a question: its whole item again,
        # with its discussion open and focused.
        return render(request, "cases/_item.html", {**ctx, "focus_discussion": True})
    if _is_htmx(request):
        return render(request, "cases/_discussion_body.html", ctx)
    return render(request, "cases/discussion.html", ctx)
