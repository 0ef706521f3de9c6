"""The rows of the case lists (cases/_table.html), written here rather than in the template:
the home page shows up to fifty of them, and a row costs ten times less built in Python."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def case_rows(cases: Iterable[Any], internal: bool) -> SafeString:
    """One table row per case: reference, title (linked), service, stage (with « Irrecevable
    en l'état » for internal people when a red line is crossed), number of answers (internal
    people only), last update. Each cell carries its column's name for the stacked layout."""
    labels = {"reference": _("Référence"), "case": _("Cas d'usage"), "service": _("Service"),
              "state": _("Étape"), "answers": _("Réponses"), "updated": _("Mis à jour")}
    red_line = _("Irrecevable en l'état")
    rows = []
    for case in cases:
        updated = timezone.localtime(case.updated_at) if case.updated_at else None
        state = format_html('<span class="state state-{}">{}</span>', case.state,
                            case.get_state_display())
        if internal and case.red_line:
            state = format_html('{} <strong class="irrecevable">{}</strong>', state, red_line)
        answers = (format_html('<td role="cell" data-label="{}">{}</td>', labels["answers"],
                               case.answer_count) if internal else "")
        rows.append((
            labels["reference"], case.reference, labels["case"],
            reverse("cases:detail", args=[case.pk]), case.title, labels["service"],
            case.service, labels["state"], state, answers, labels["updated"],
            date_format(updated, "c") if updated else "",
            formats.date_format(updated, "SHORT_DATE_FORMAT") if updated else ""))
    return format_html_join(
        "\n", '    <tr role="row">\n'
        '      <td role="cell" data-label="{}">{}</td>\n'
        '      <td role="cell" data-label="{}"><a href="{}">{}</a></td>\n'
        '      <td role="cell" data-label="{}">{}</td>\n'
        '      <td role="cell" data-label="{}">{}</td>\n'
        '      {}<td role="cell" data-label="{}"><time datetime="{}">{}</time></td>\n'
        '    </tr>', rows)
