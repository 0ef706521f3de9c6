"""Rendering of answers: the input that fits each answer type, and an answer as text."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from boussole.core.grid import Fact, Question
from boussole.core.grid.model import DOMAINS

register = template.Library()


@register.filter
def domain_label(code: str) -> str:
    """The French (translated) name of a referent domain code."""
    return _(DOMAINS.get(code, code))

YES_NO = (("oui", "Oui"), ("non", "Non"))


def _options(item: Question | Fact) -> list[tuple[str, str]]:
    if item.type == "yes_no":
        return [(value, _(label)) for value, label in YES_NO]
    if item.type == "scale" and isinstance(item, Fact):
        return [(str(n), str(n)) for n in range(item.min or 1, (item.max or 4) + 1)]
    return [(o.id, o.label) for o in item.options]


@register.simple_tag
def answer_text(item: Question | Fact, value: Any) -> str:
    """A stored value as readable French text."""
    if value is None:
        return ""
    if value == "nsp":
        return _("Je ne sais pas")
    labels = dict(_options(item))
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if item.type in ("yes_no", "single_choice", "scale"):
        return labels.get(str(value), str(value))
    if item.type == "number":
        text = f"{value:,}".replace(",", "\u202f").replace(".", ",") if isinstance(
            value, int | float) else str(value)
        unit = getattr(item, "unit", None)
        return f"{text} {unit}" if unit else text
    return str(value)


def _described(view: Any) -> SafeString:
    if view.error:
        return format_html(' aria-invalid="true" aria-describedby="e-{}"', view.item.id)
    return mark_safe("")


def _choice_list(view: Any, kind: str, options: list[tuple[str, str]], chosen: set[str],
                 prefix: str = "") -> SafeString:
    item_id = view.item.id
    return format_html_join(
        "", '<label class="choice"><input type="{}" name="{}value" value="{}" id="v-{}-{}"{}{}> '
            '{}</label>',
        ((kind, prefix, value, item_id, index, mark_safe(" checked") if value in chosen else "",
          _described(view), label) for index, (value, label) in enumerate(options)))


@register.simple_tag
def answer_input(view: Any, prefix: str = "", autofocus: bool = False) -> SafeString:
    """The inputs of one answer. ``prefix`` is put before every field name, so that one form
    holds several answers (the steps of the profile: ``<fact id>-value``). ``autofocus``: on
    the first field (the form asked for by « Modifier », swapped in by htmx)."""
    item = view.item
    value = view.value
    # A refused answer is shown as posted, "je ne sais pas" and the other choices alike.
    nsp = value == "nsp" or (isinstance(value, list) and "nsp" in value)
    legend = format_html('{} <span class="visually-hidden">— {}</span>', _("Réponse"), view.label)
    parts: list[SafeString] = []
    if item.type in ("yes_no", "single_choice", "scale"):
        chosen = ({str(v) for v in value} if isinstance(value, list)
                  else {str(value)} if value is not None else set())
        options = [*_options(item), ("nsp", _("Je ne sais pas"))]
        parts.append(format_html('<fieldset class="choices"><legend>{}</legend>{}</fieldset>',
                                 legend, _choice_list(view, "radio", options, chosen, prefix)))
    elif item.type == "multiple_choice":
        chosen = set(value) if isinstance(value, list) else set()
        parts.append(format_html(
            '<fieldset class="choices"><legend>{} ({})</legend>{}</fieldset>', legend,
            _("plusieurs choix possibles"),
            _choice_list(view, "checkbox", _options(item), chosen, prefix)))
    else:
        if isinstance(value, list):  # refused: "je ne sais pas" together with a value
            value = next((v for v in value if v != "nsp"), None)
        shown = "" if value is None or value == "nsp" else value
        if isinstance(shown, float | int) and not isinstance(shown, bool):
            shown = str(shown).replace(".", ",")
        label = _("Réponse")
        unit = getattr(item, "unit", None)
        if item.type == "number" and unit:
            label = f"{label} ({unit})"
        if item.type == "text":
            field = format_html('<textarea id="v-{}" name="{}value" rows="4"{}>{}</textarea>',
                                item.id, prefix, _described(view), shown)
        else:
            kind = "date" if item.type == "date" else "text"
            mode = mark_safe(' inputmode="decimal"') if item.type == "number" else ""
            field = format_html('<input type="{}" id="v-{}" name="{}value" value="{}"{}{}>',
                                kind, item.id, prefix, shown, mode, _described(view))
        parts.append(format_html(
            '<div class="field"><label for="v-{}">{} <span class="visually-hidden">— {}'
            '</span></label>{}</div>', item.id, label, view.label, field))
    if item.type in ("multiple_choice", "text", "number", "date"):
        parts.append(format_html(
            '<label class="choice nsp"><input type="checkbox" name="{}nsp" value="1"{}> {}'
            '</label>', prefix, mark_safe(" checked") if nsp else "", _("Je ne sais pas")))
    justification_label = (_("Justification, source ou précision")
                           if view.kind == "question" else _("Source ou précision (facultatif)"))
    parts.append(format_html(
        '<div class="field"><label for="j-{}">{} <span class="visually-hidden">— {}</span>'
        '</label><textarea id="j-{}" name="{}justification" rows="2">{}</textarea></div>',
        item.id, justification_label, view.label, item.id, prefix, view.justification))
    html = "".join(parts)
    if autofocus:
        first = min(i for i in (html.find("<input "), html.find("<textarea ")) if i >= 0)
        tag = html[first:].split(" ", 1)[0]
        html = f"{html[:first]}{tag} autofocus{html[first + len(tag):]}"
    return mark_safe(html)  # noqa: S308 — every part is escaped by format_html


@register.simple_tag(takes_context=True)
def item_links(context: Any, view: Any, sep: str = "") -> SafeString:
    """The links of an item's meta line (cases/_item.html): its discussion page when it has no
    comment nor evidence yet (a thread is shown in place), its history for internal people.
    ``sep``: the text before the first link. Written here rather than as an included template:
    a criterion page shows it for each of its dozens of items."""
    case, abilities = context["case"], context.get("abilities")
    internal = bool(abilities is not None and abilities.internal)
    error = context.get("discussion_error") or {}
    links: list[SafeString] = []
    if (view.kind == "question" and not view.comments and not view.evidence
            and not context.get("full") and error.get("key") != view.item.id):
        url = reverse("cases:discussion", args=[case.pk, view.item.id])
        discuss = _("Commenter ou joindre une pièce")
        links.append(format_html(
            '<a href="{}" hx-get="{}?bloc=1" hx-target="closest section.item" '
            'hx-swap="outerHTML" aria-label="{} — {}">{}</a>',
            url, url, discuss, view.label, discuss))
    if internal:
        history = _("Historique")
        links.append(format_html('<a href="{}?item={}" aria-label="{} — {}">{}</a>',
                                 reverse("cases:audit", args=[case.pk]), view.item.id,
                                 history, view.label, history))
    if not links:
        return mark_safe("")
    return format_html("{}{}", sep, format_html_join(" · ", "{}", ((link,) for link in links)))
