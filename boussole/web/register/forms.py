"""Forms of the public register: the filters (GET), a message from the public, and the
moderation of a message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from boussole.core import public_questions as rules
from boussole.web.register.selectors import NO, YES, Filters

#: The signature of the message form's token (which notice, when it was displayed).
TOKEN_SALT = "boussole.register.question-form"  # noqa: S105 — a salt, not a secret


class FilterForm(forms.Form):
    """The register's filters; their choices are the values the notices in force have, so a
    value no notice has is refused (and ignored)."""

    direction = forms.ChoiceField(label=_("Direction ou service"), required=False)
    etat = forms.ChoiceField(label=_("Étape"), required=False)
    niveau = forms.ChoiceField(label=_("Niveau de risque juridique"), required=False)
    annee = forms.ChoiceField(label=_("Année"), required=False)
    decisions = forms.ChoiceField(label=_("Fonde des décisions individuelles"), required=False)

    def __init__(self, data: Any, options: Filters) -> None:
        super().__init__(data)
        every = ("", _("Toutes"))
        choices: dict[str, list[tuple[str, Any]]] = {
            "direction": [every, *((d, d) for d in options.directions)],
            "etat": [every, *options.states],
            "niveau": [("", _("Tous")), *options.levels],
            "annee": [every, *((str(y), str(y)) for y in options.years)],
            "decisions": [("", _("Peu importe")), (YES, _("Oui")), (NO, _("Non"))],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 — declared above
            field.choices = values

    def chosen(self) -> dict[str, str]:
        """The valid filters (an invalid one is dropped, not the others)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.chosen())


def question_token(publication_pk: int) -> str:
    """The hidden token of a notice's message form: signed and dated (no cookie needed)."""
    return signing.dumps({"p": publication_pk}, salt=TOKEN_SALT, compress=True)


def token_valid(token: str, publication_pk: int) -> bool:
    """Whether ``token`` was made by :func:`question_token` for this notice less than
    :data:`rules.FORM_MAX_AGE_SECONDS` ago."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=rules.FORM_MAX_AGE_SECONDS)
    except signing.BadSignature:  # also expired (SignatureExpired derives from it)
        return False
    return isinstance(data, dict) and data.get("p") == publication_pk


class QuestionForm(forms.Form):
    """A message from the public. ``site_web`` is a trap: hidden from people, bots fill it."""

    kind = forms.ChoiceField(label=_("Vous souhaitez"), widget=forms.RadioSelect,
                             choices=[(rules.QUESTION, _("poser une question")),
                                      (rules.ERROR, _("signaler une erreur"))],
                             initial=rules.QUESTION,
                             error_messages={"required": _("Choisissez : une question ou une "
                                                           "erreur à signaler."),
                                             "invalid_choice": _("Choisissez : une question "
                                                                 "ou une erreur à signaler.")})
    text = forms.CharField(label=_("Votre message"), widget=forms.Textarea,
                           max_length=rules.MAX_TEXT,
                           error_messages={"required": _("Écrivez votre question ou l'erreur "
                                                         "constatée."),
                                           "max_length": _("Votre message est trop long : "
                                                           "%(limit_value)d caractères au "
                                                           "plus.")})
    email = forms.EmailField(label=_("Votre adresse électronique (facultatif)"),
                             required=False, max_length=254,
                             error_messages={"invalid": _("Cette adresse électronique n'est "
                                                          "pas valide (exemple : "
                                                          "nom@exemple.fr).")})
    token = forms.CharField(required=False)
    site_web = forms.CharField(required=False)

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        problem = rules.text_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        return text.strip()

    @property
    def is_trap(self) -> bool:
        return bool((self.data.get("site_web") or "").strip())


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Réponse publiée sous la question"), widget=forms.Textarea,
                             max_length=rules.MAX_ANSWER,
                             error_messages={"required": _("Écrivez la réponse qui sera "
                                                           "publiée sous la question."),
                                             "max_length": _("La réponse est trop longue : "
                                                             "%(limit_value)d caractères au "
                                                             "plus.")})


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Motif du rejet (non publié)"), widget=forms.Textarea,
                             max_length=rules.MAX_REASON,
                             error_messages={"required": _("Indiquez le motif du rejet (il "
                                                           "n'est pas publié)."),
                                             "max_length": _("Le motif est trop long : "
                                                             "%(limit_value)d caractères au "
                                                             "plus.")})
