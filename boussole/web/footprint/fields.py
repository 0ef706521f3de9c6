"""The fields and base form of the footprint pages (criteria 5 and 7), on Django's forms.

Numbers are read the way people type them (``1 250,5``); a percentage is typed from 0 to 100 and
is a share in the document. Every field is rendered by ``footprint/_field.html`` with the page's
accessible markup (:class:`FootprintBoundField`): ``h-<id>`` names its hint, ``e-<id>`` its
error, and the grid question it answers shows its number, read from the case's grid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boussole.core.errors import Problem, format_path
from boussole.core.footprint.places import PERIODS, PlaceUnknown, parse_place, per_year, place_label
from boussole.core.grid import Grid
from boussole.web.footprint.inputs import format_number, humanise, parse_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

JSON = dict[str, Any]
DocPath = tuple[str | int, ...]
Choices = tuple[tuple[str, Promise | str], ...]

PROVIDER_CHOICES: Choices = (
    ("", _("— non précisé —")),
    ("local", _("Serveurs de la collectivité ou infrastructure inconnue")),
    ("ovhcloud", "OVHcloud"),
    ("aws", "AWS"),
    ("gcp", "Google Cloud (GCP)"),
    ("azure", "Microsoft Azure"),
    ("oracle", "Oracle Cloud"),
    ("other", _("Autre")),
)
LOCATIONS, CPUS, GPUS = "dl-locations", "dl-cpus", "dl-gpus"  # the page's datalists


def empty(value: Any) -> bool:
    return value is None or value == ""


# --- Fields ----------------------------------------------------------------------------------

class NumberField(forms.Field):
    """A number typed with a decimal comma or point, and spaces between thousands."""

    widget = forms.TextInput

    def __init__(self, label: StrOrPromise, *, unit: StrOrPromise = "",
                 required: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": _("Valeur obligatoire.")})
        super().__init__(label=label, required=required, **kwargs)
        self.unit = unit

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value: Any) -> float | int | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_number(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value)
        return value


class PercentField(NumberField):
    """A percentage typed from 0 to 100, a share from 0 to 1 in the document."""

    def to_python(self, value: Any) -> float | int | None:
        number = super().to_python(value)
        if number is None:
            return None
        if not 0 <= number <= 100:
            raise ValidationError(
                gettext("Un pourcentage entre 0 et 100 est attendu (valeur reçue : %(value)s).")
                % {"value": str(value).strip()}, code="percent")
        return number / 100

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value * 100)
        return value


class TextField(forms.CharField):
    """A short text, with the page's list of suggestions (``datalist``) when there is one."""

    def __init__(self, label: StrOrPromise, *, datalist: str = "", **kwargs: Any) -> None:
        self.unit = ""
        self.datalist = datalist  # read by widget_attrs() in Field.__init__
        super().__init__(label=label, required=False, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        if self.datalist:
            attrs.update({"list": self.datalist, "autocomplete": "off"})
        return attrs


class LocationField(TextField):
    """A place as people type it ("France", "fr", "Allemagne", "DE"…), the calculator's code
    in the document (:func:`boussole.core.footprint.places.parse_place`)."""

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value) or "").strip()
        if not text:
            return ""
        try:
            return parse_place(text)
        except PlaceUnknown as exc:
            raise ValidationError(str(exc), code="place") from exc


class ChoiceField(forms.ChoiceField):
    def __init__(self, label: StrOrPromise, choices: Choices, *, required: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(label=label, choices=choices, required=required, error_messages={
            "invalid_choice": _("Choix inconnu : « %(value)s »."),
            "required": _("Valeur obligatoire.")}, **kwargs)
        self.unit = ""


PERIOD_CHOICES: Choices = (("year", _("par an")), ("month", _("par mois")))


class PeriodField(ChoiceField):
    """The period a volume is typed in, shown next to its number (a select): the number is
    stored per year (:attr:`FootprintForm.periods`)."""

    is_period = True

    def __init__(self, *, initial: str = "year") -> None:
        super().__init__(_("Période"), PERIOD_CHOICES, initial=initial)


class FootprintBoundField(forms.BoundField):
    """A field with the page's accessible markup: ``h-<id>`` for its hint, ``e-<id>`` for its
    error, the grid question it answers, its unit and its value for a read-only page."""

    @property
    def aria_describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"h-{self.auto_id}")
        if self.errors:
            ids.append(f"e-{self.auto_id}")
        return " ".join(ids)

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> dict[str, Any]:
        built: dict[str, Any] = super().build_widget_attrs(attrs, widget)
        if widget is not None and widget.is_hidden:  # a closed group's value: nothing to describe
            built.pop("aria-describedby", None)
            built.pop("aria-invalid", None)
        invalid = built.pop("aria-invalid", None)
        if self.auto_id and "id" not in built:  # the id first, as the page always wrote it
            built = {"id": self.auto_id, **built}
        if invalid:
            built["aria-invalid"] = invalid
        return built

    @property
    def unit(self) -> str:
        return str(getattr(self.field, "unit", ""))

    @property
    def question_number(self) -> int | None:
        """The number, in the case's grid, of the question this input answers."""
        question_id = getattr(self.form, "questions", {}).get(self.name)
        grid: Grid | None = getattr(self.form, "grid", None)
        if question_id and grid is not None and grid.has_question(question_id):
            return grid.question(question_id).number
        return None

    @property
    def is_period(self) -> bool:
        """A period select, rendered next to its number (not on its own)."""
        return bool(getattr(self.field, "is_period", False))

    @property
    def period(self) -> forms.BoundField | None:
        """The period select of this number, if it is typed per month or per year."""
        name = getattr(self.form, "periods", {}).get(self.name)
        return self.form[name] if name else None

    @property
    def error_text(self) -> str:
        return " ".join(str(message) for message in self.errors)

    @property
    def shown_value(self) -> str:
        """The value for a read-only page: the choice's label, or the figure with its unit."""
        value = self.value()
        if empty(value) or self.is_period:  # a period is shown with its number
            return ""
        if isinstance(self.field, forms.ChoiceField):
            return str(dict(self.field.choices).get(value, value))  # type: ignore[arg-type]
        if isinstance(self.field, LocationField):
            return f"{place_label(str(value))} ({value})"
        if self.period is not None:
            period = str(dict(PERIOD_CHOICES).get(self.period.value(), ""))
            return f"{value} {period}".strip()
        return f"{value} {self.unit}".strip()


# --- Forms -----------------------------------------------------------------------------------

class FootprintForm(forms.Form):
    """A group of inputs; ``block()`` is what it gives to the document."""

    bound_field_class = FootprintBoundField
    use_required_attribute = False
    #: Field name → identifier of the grid question it answers.
    questions: ClassVar[dict[str, str]] = {}
    #: Number field → its period select (:class:`PeriodField`): the number is stored per year.
    periods: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, grid: Grid | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        self.grid = grid

    def _typed_fields(self) -> list[str]:
        """The fields that describe something (a period select alone describes nothing)."""
        return [name for name in self.fields if name not in self.periods.values()]

    def filled(self) -> bool:
        """Was anything typed (or stored) in this group, valid or not?"""
        if self.is_bound:
            return any(str(self[name].data or "").strip() for name in self._typed_fields())
        return any(not empty(self[name].value()) for name in self._typed_fields())

    def clean(self) -> dict[str, Any]:
        """A number typed per month or per year becomes a number per year."""
        cleaned: dict[str, Any] = super().clean() or {}
        for name, period in self.periods.items():
            value = cleaned.get(name)
            if isinstance(value, int | float) and cleaned.get(period) in PERIODS:
                cleaned[name] = per_year(value, cleaned[period])
        return cleaned

    def block(self) -> JSON:
        """The valid values typed, as the document's keys (call after ``is_valid()``)."""
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items()
                if not empty(value) and name not in self.periods.values()}

    def error_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.errors]


def place_problems(problems: Iterable[Problem], forms_: Iterable[FootprintForm],
                   locate: Callable[[DocPath], tuple[FootprintForm, str] | None]) -> list[str]:
    """The core's problems (paths in the document), each added to the field ``locate`` finds
    for it unless the form already refused that field (its own message comes first); the
    others returned as general messages."""
    refused = {(id(form), field.name) for form in forms_ for field in form.error_fields()}
    general = []
    for problem in problems:
        message = humanise(problem.message)
        target = locate(problem.path)
        if target is None:
            general.append(f"{format_path(problem.path)} : {message}" if problem.path
                           else message)
        elif (id(target[0]), target[1]) not in refused:
            target[0].add_error(target[1], message)
    return general
