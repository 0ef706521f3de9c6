from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boussole.web.api.models import Scope
from boussole.web.api.tokens import NAME_MAX_LENGTH


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"), max_length=NAME_MAX_LENGTH,
        help_text=_("Pour vous y retrouver : l'outil ou le script qui l'utilisera."))
    scope = forms.ChoiceField(
        label=_("Portée"), choices=Scope.choices, initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("Un jeton en lecture seule ne peut rien modifier."))
