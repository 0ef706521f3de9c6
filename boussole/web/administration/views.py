"""The administration pages of an organisation (its administrators only), the invitation link
and the password reset pages.

When password login is closed (``BOUSSOLE_PASSWORD_LOGIN`` off, single sign-on only), the
invitation link asks for no password: the account is activated at the person's first sign-in
with the provider (:func:`boussole.web.accounts.oidc.match_user`); the password reset pages only
say that passwords are not used here."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View as BaseView
from django.views.decorators.http import require_POST

from boussole.web.accounts import oidc
from boussole.web.accounts.models import Organisation, User
from boussole.web.administration import selectors, services
from boussole.web.administration.forms import (
    AcceptForm,
    AssignmentForm,
    InviteForm,
    ResetForm,
    SettingsForm,
)
from boussole.web.administration.services import AdminRefused
from boussole.web.pagination import CappedPaginator

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """Logged in, role ``admin`` of an organisation; anyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if getattr(user, "role", None) != "admin" or getattr(user, "organisation", None) is None:
            raise PermissionDenied(_("Cette page est réservée aux administrateurs et "
                                     "administratrices de l'organisation."))
        return view(request, *args, **kwargs)

    return wrapped


def _admin(request: HttpRequest) -> tuple[User, Organisation]:
    user = request.user
    if not isinstance(user, User) or user.organisation is None:  # admin_required checked it
        raise PermissionDenied
    return user, user.organisation


def _base_url(request: HttpRequest) -> str:
    from django.conf import settings

    return str(settings.BOUSSOLE_SITE_URL or request.build_absolute_uri("/").rstrip("/"))


def _add_problems(form: Any, refused: AdminRefused) -> None:
    for field, message in refused.problems:
        form.add_error(field if field in form.fields else None, message)


@admin_required
def people(request: HttpRequest) -> HttpResponse:
    _user, organisation = _admin(request)
    persons = list(selectors.people(organisation))
    rows = [{"person": p, "pending": services.is_pending(p),
             "invitation": next(iter(p.invitations.all()), None)} for p in persons]
    return render(request, "administration/people.html",
                  {"rows": rows, "organisation": organisation})


@admin_required
def invite(request: HttpRequest) -> HttpResponse:
    user, organisation = _admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_invite(
                organisation=organisation, actor=user, email=data["email"], role=data["role"],
                domain=data["domain"], delegation=data["delegation"],
                first_name=data["first_name"], last_name=data["last_name"],
                base_url=_base_url(request))
        except AdminRefused as refused:
            _add_problems(form, refused)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s : le lien vaut "
                                        "%(days)s jours et ne sert qu'une fois.")
                             % {"email": data["email"], "days": services.INVITATION_DAYS})
            return redirect("administration:people")
    return render(request, "administration/invite.html", {"form": form})


@admin_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    user, organisation = _admin(request)
    target = selectors.person_get(organisation, pk)
    initial = {"role": target.role, "domain": target.domain, "delegation": target.delegation}
    form = AssignmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_change(actor=user, target=target, role=data["role"],
                                 domain=data["domain"], delegation=data["delegation"])
        except AdminRefused as refused:
            _add_problems(form, refused)
        else:
            messages.success(request, _("Rôle de %(person)s enregistré.") % {"person": target})
            return redirect("administration:person", target.pk)
    invitations = list(target.invitations.all())
    return render(request, "administration/person.html", {
        "target": target, "form": form, "pending": services.is_pending(target),
        "invitations": [(i, _(selectors.INVITATION_STATES[i.state()])) for i in invitations],
        "is_self": target.pk == user.pk,
    })


@require_POST
@admin_required
def person_active(request: HttpRequest, pk: int) -> HttpResponse:
    user, organisation = _admin(request)
    target = selectors.person_get(organisation, pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=user, target=target, active=active)
    except AdminRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, (_("%(person)s est réactivé·e.") if active else
                                   _("%(person)s est désactivé·e : son historique est "
                                     "conservé.")) % {"person": target})
    return redirect("administration:person", target.pk)


@require_POST
@admin_required
def person_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    user, organisation = _admin(request)
    target = selectors.person_get(organisation, pk)
    try:
        services.invitation_resend(actor=user, user=target, base_url=_base_url(request))
    except AdminRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Nouvelle invitation envoyée ; les liens précédents ne "
                                    "valent plus."))
    return redirect("administration:person", target.pk)


@require_POST
@admin_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user, organisation = _admin(request)
    invitation = selectors.invitation_get(organisation, pk)
    try:
        services.invitation_revoke(actor=user, invitation=invitation)
    except AdminRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invitation révoquée : le lien ne vaut plus."))
    return redirect("administration:person", invitation.user_id)


@admin_required
def organisation_settings(request: HttpRequest) -> HttpResponse:
    user, organisation = _admin(request)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(organisation))
    if request.method == "POST" and form.is_valid():
        services.settings_update(actor=user, organisation=organisation,
                                 values=form.cleaned_data)
        messages.success(request, _("Paramètres de l'organisation enregistrés."))
        return redirect("administration:settings")
    return render(request, "administration/settings.html", {"form": form})


@admin_required
def journal(request: HttpRequest) -> HttpResponse:
    _user, organisation = _admin(request)
    asked = request.GET.get("page")
    page = CappedPaginator(selectors.events(organisation), 50, asked).get_page(asked)
    rows = [(event, selectors.changes(event)) for event in page.object_list]
    return render(request, "administration/journal.html", {"page": page, "rows": rows})


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link: choose a password, the account is activated. Any link that is not
    open (unknown, used, revoked, expired) gets the same 404 page.

    With password login closed, the page asks for no password: it says the account is activated
    at the first sign-in with the provider, and links to it. A POST is then refused (403, the
    same page, no password set, the invitation stays open for that sign-in)."""
    found = services.invitation_open(token)
    if found is None:
        return render(request, "administration/invitation_invalid.html", status=404)
    if not oidc.password_login():
        return render(request, "administration/invitation.html",
                      {"invitation": found, "password_login": False,
                       "provider": oidc.provider_name()},
                      status=403 if request.method == "POST" else 200)
    form = AcceptForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["new_password1"])
        except AdminRefused:
            return render(request, "administration/invitation_invalid.html", status=404)
        messages.success(request, _("Votre compte est activé : connectez-vous avec votre "
                                    "identifiant et votre nouveau mot de passe."))
        return redirect("accounts:login")
    return render(request, "administration/invitation.html",
                  {"form": form, "invitation": found, "password_login": True})


# --- Password reset: the same answer whether the address has an account or not ----------

class _WithPasswordLogin(BaseView):
    """A password page: with password login closed it only says so and links to the provider's
    sign-in (GET 200, any other method 403): no form is read, no e-mail is sent, no password is
    set."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not oidc.password_login():
            return render(request, "administration/password_login_closed.html",
                          {"provider": oidc.provider_name()},
                          status=200 if request.method in ("GET", "HEAD") else 403)
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(_WithPasswordLogin, auth_views.PasswordResetView):
    template_name = "administration/password_reset_form.html"
    form_class = ResetForm
    email_template_name = "administration/password_reset_email.txt"
    subject_template_name = "administration/password_reset_subject.txt"
    success_url = reverse_lazy("administration:password_reset_done")
    title = gettext_lazy("Mot de passe oublié")


class PasswordResetDoneView(_WithPasswordLogin, auth_views.PasswordResetDoneView):
    template_name = "administration/password_reset_done.html"
    title = gettext_lazy("Courriel envoyé")


class PasswordResetConfirmView(_WithPasswordLogin, auth_views.PasswordResetConfirmView):
    template_name = "administration/password_reset_confirm.html"
    form_class = AcceptForm
    success_url = reverse_lazy("administration:password_reset_complete")
    title = gettext_lazy("Nouveau mot de passe")


class PasswordResetCompleteView(_WithPasswordLogin, auth_views.PasswordResetCompleteView):
    template_name = "administration/password_reset_complete.html"
    title = gettext_lazy("Mot de passe modifié")
