"""The bidder's pages (no account: the personal link is the only key). A bidder sees the
vendor questions of one consultation and its own answers, nothing else; an unknown, expired or
revoked link is a 404. No session is created and no internal page is linked."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boussole.core.errors import Refusal
from boussole.core.procurement.pack import VendorQuestion, vendor_questions
from boussole.web.grids import grid_for
from boussole.web.procurement import selectors, services
from boussole.web.procurement.models import Bidder


class _InvalidLink(Exception):
    """The token is unknown, expired, revoked or replaced (told apart to nobody)."""


def _bidder(token: str) -> Bidder:
    bidder = services.bidder_for_token(token)
    if bidder is None:
        raise _InvalidLink
    return bidder


def _link_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refused link is a 404 that tells the bidder, who has no account, what to do next
    (the same page whatever the reason, so that nothing is learnt from it)."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _InvalidLink:
            return render(request, "procurement/bid_invalid.html", status=404)
    return wrapped


def _questions(bidder: Bidder) -> list[VendorQuestion]:
    case = bidder.consultation.case
    return vendor_questions(grid_for(case.grid_id, case.grid_version))


def _context(bidder: Bidder, token: str) -> dict[str, object]:
    consultation = bidder.consultation
    return {"bidder": bidder, "consultation": consultation, "token": token,
            "organisation": consultation.case.organisation.name,
            "editable": services.bidder_may_edit(bidder)}


@never_cache
@_link_page
def overview(request: HttpRequest, token: str) -> HttpResponse:
    bidder = _bidder(token)
    questions = _questions(bidder)
    given = {a.question_id: a for a in bidder.answers.all()}
    criteria = []
    for number in sorted({q.criterion for q in questions}):
        of_criterion = [q for q in questions if q.criterion == number]
        criteria.append({"number": number, "title": of_criterion[0].criterion_title,
                         "count": len(of_criterion),
                         "answered": sum(1 for q in of_criterion if q.id in given)})
    rows = ([(q, given.get(q.id), selectors.value_label(q, given[q.id].value)
              if q.id in given else "") for q in questions]
            if not services.bidder_may_edit(bidder) else [])
    return render(request, "procurement/bid_overview.html", {
        **_context(bidder, token), "criteria": criteria, "rows": rows,
        "answered": len(given), "total": len(questions),
        "saved": request.GET.get("enregistre") == "1",
        "error": request.GET.get("erreur") == "1"})


def _raw(request: HttpRequest, question: VendorQuestion) -> services.RawAnswer:
    name = f"q-{question.id}"
    if question.type == "multiple_choice":
        chosen = request.POST.getlist(name)
        value: object = chosen if chosen else None
    else:
        value = request.POST.get(name, "").strip() or None
    return services.RawAnswer(value=value,
                              justification=request.POST.get(f"j-{question.id}", ""),
                              document=request.FILES.get(f"d-{question.id}"))


@never_cache
@_link_page
def criterion(request: HttpRequest, token: str, number: int) -> HttpResponse:
    bidder = _bidder(token)
    questions = [q for q in _questions(bidder) if q.criterion == number]
    if not questions:
        raise Http404
    if not services.bidder_may_edit(bidder):
        return redirect("procurement:bid", token=token)
    given = {a.question_id: a for a in bidder.answers.filter(
        question_id__in=[q.id for q in questions])}
    errors: dict[str, str] = {}
    posted: dict[str, services.RawAnswer] = {}
    if request.method == "POST":
        posted = {q.id: _raw(request, q) for q in questions}
        try:
            _saved, errors = services.answers_save(bidder=bidder, raw=posted)
        except Refusal:
            return redirect("procurement:bid", token=token)
        if not errors:
            return redirect(f"{request.path.rsplit('/critere/', 1)[0]}/?enregistre=1")
    items = []
    for q in questions:
        answer = given.get(q.id)
        if q.id in posted:
            value, justification = posted[q.id].value, posted[q.id].justification
        else:
            value = answer.value if answer else None
            justification = answer.justification if answer else ""
        chosen = (value if isinstance(value, list) else [value]) if value is not None else []
        shown = ("" if value is None or isinstance(value, list)
                 else selectors.french_number(value)
                 if isinstance(value, int | float) and not isinstance(value, bool)
                 else str(value))
        items.append({"q": q, "value": shown, "chosen": [str(v) for v in chosen],
                      "justification": justification, "answer": answer,
                      "error": errors.get(q.id, "")})
    summary = [{"field": f"q-{q.id}", "label": q.label, "message": errors[q.id]}
               for q in questions if q.id in errors]
    return render(request, "procurement/bid_criterion.html", {
        **_context(bidder, token), "number": number, "title": questions[0].criterion_title,
        "items": items, "summary": summary}, status=400 if summary else 200)


@never_cache
@_link_page
@require_POST
def submit(request: HttpRequest, token: str) -> HttpResponse:
    bidder = _bidder(token)
    try:
        services.bid_submit(bidder=bidder)
    except Refusal:
        return redirect(f"{request.path.rsplit('/envoyer/', 1)[0]}/?erreur=1")
    return redirect("procurement:bid", token=token)
