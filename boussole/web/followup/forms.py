"""Forms of the « Suivi » page, one per ``action`` it posts: move a review, add one, conclude
one, record an event. They read and type the inputs (dates); the rules (required reason,
dates in range, the last review's outcome, event kinds) stay in :mod:`boussole.core.followup`,
applied by :mod:`.services`, whose problems come back to their field
(:meth:`~boussole.web.cases.plan_forms.PageForm.add_problems`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from boussole.web.cases.plan_forms import PageForm, date_field, text_field


class MoveReviewForm(PageForm):
    """A new due date for a review, with the reason of the change."""

    due = date_field(_("Échéance"))
    reason = text_field(_("Motif"))


class AddReviewForm(PageForm):
    """One more review in the follow-up plan."""

    due = date_field(_("Échéance"))
    reason = text_field(_("Motif"))


class ConcludeReviewForm(PageForm):
    """The conclusion of a review (and, for the last one, the outcome of the follow-up)."""

    conclusion = text_field(_("Conclusion"))
    done_on = date_field(_("Date de la revue"))
    outcome = text_field(_("Issue du suivi"))


class EventForm(PageForm):
    """An event in the life of a system in service."""

    kind = text_field(_("Type"))
    occurred_on = date_field(_("Date"))
    description = text_field(_("Description"))


#: The form of each ``action`` the page posts.
FORMS: dict[str, type[PageForm]] = {"move": MoveReviewForm, "add": AddReviewForm,
                                    "conclude": ConcludeReviewForm, "event": EventForm}
