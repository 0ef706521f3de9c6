"""Places and rates as people type them, mapped to the calculator's codes and units.

The calculator knows the locations of Green Algorithms (``FR``, ``DE``, ``US-CA``, ``WORLD``…,
:func:`boussole.core.footprint.data.locations`). People type "France", "france", "FR",
"Allemagne", "DEU" or "Californie": :func:`parse_place` gives the code, or refuses with a French
message listing examples. A volume of requests is typed per month or per year and stored per
year (:func:`per_year`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from boussole.core.footprint import data

#: French names of the countries (and a few regions) of the calculator's locations.
FRENCH_NAMES: dict[str, str] = {
    "WORLD": "Moyenne mondiale", "TW": "Taïwan", "IL": "Israël", "ZA": "Afrique du Sud",
    "CN": "Chine", "CN-HK": "Hong Kong (HK Electric)", "CN-HK2": "Hong Kong (CLP)",
    "IN": "Inde", "ID": "Indonésie", "JP": "Japon", "KR": "Corée du Sud",
    "SA": "Arabie saoudite", "SG": "Singapour", "TH": "Thaïlande", "TR": "Turquie",
    "AE": "Émirats arabes unis", "AT": "Autriche", "BE": "Belgique", "BG": "Bulgarie",
    "HR": "Croatie", "CY": "Chypre", "CZ": "Tchéquie", "DK": "Danemark", "EE": "Estonie",
    "FI": "Finlande", "FR": "France", "DE": "Allemagne", "GR": "Grèce", "HU": "Hongrie",
    "IS": "Islande", "IE": "Irlande", "IT": "Italie", "LV": "Lettonie", "LT": "Lituanie",
    "LU": "Luxembourg", "MT": "Malte", "NL": "Pays-Bas", "NO": "Norvège", "PL": "Pologne",
    "PT": "Portugal", "RO": "Roumanie", "RU": "Russie", "RS": "Serbie", "SK": "Slovaquie",
    "SI": "Slovénie", "ES": "Espagne", "SE": "Suède", "CH": "Suisse", "GB": "Royaume-Uni",
    "CA": "Canada", "CA-QC": "Canada (Québec)", "CA-BC": "Canada (Colombie-Britannique)",
    "MX": "Mexique", "US": "États-Unis", "US-CA": "États-Unis (Californie)",
    "US-NY": "États-Unis (New York)", "US-TX": "États-Unis (Texas)",
    "US-VA": "États-Unis (Virginie)", "US-WA": "États-Unis (Washington)",
    "AU": "Australie", "NZ": "Nouvelle-Zélande", "AR": "Argentine", "BR": "Brésil",
}

#: Other ways people write some places (normalised by :func:`_key`).
ALIASES: dict[str, str] = {
    "monde": "WORLD", "mondial": "WORLD", "moyenne mondiale": "WORLD", "inconnu": "WORLD",
    "usa": "US", "etats unis d amerique": "US", "amerique": "US", "uk": "GB",
    "angleterre": "GB", "grande bretagne": "GB", "hollande": "NL", "coree": "KR",
    "republique tcheque": "CZ", "californie": "US-CA", "virginie": "US-VA", "quebec": "CA-QC",
    "france metropolitaine": "FR", "hexagone": "FR",
}

#: Groups of countries the calculator has no single figure for, and what to type instead.
GROUPS: dict[str, str] = {
    "union europeenne": "l'Union européenne", "ue": "l'Union européenne",
    "eu": "l'Union européenne", "europe": "l'Europe",
    "espace economique europeen": "l'Espace économique européen", "eee": "l'EEE",
}

EXAMPLES = "France ou FR, Allemagne ou DE, Irlande ou IE, Pays-Bas ou NL, États-Unis ou US"

#: Periods a volume is typed in, and how many of them make a year.
PERIODS: dict[str, int] = {"month": 12, "year": 1}


class PlaceUnknown(ValueError):
    """A place the calculator does not know; the message (French) lists examples."""


def _key(text: str) -> str:
    """Case, accents, hyphens, apostrophes and spacing do not matter."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", plain.lower()).strip()


@cache
def _names() -> dict[str, str]:
    """Normalised name → code: French names, the data's English names, aliases."""
    names: dict[str, str] = {}
    for code, location in data.locations().items():
        if location.region == "Any" and location.code != data.WORLD:
            names.setdefault(_key(location.country), code)
        elif location.code != data.WORLD:
            names.setdefault(_key(location.region), code)
            names.setdefault(_key(f"{location.country} {location.region}"), code)
    for code, name in FRENCH_NAMES.items():
        if code in data.locations():
            names[_key(name)] = code
    names.update({key: code for key, code in ALIASES.items() if code in data.locations()})
    return names


def parse_place(text: str) -> str:
    """The calculator's location code of a place as typed ("France", "fr", "Allemagne",
    "DEU", "Californie" → ``FR``, ``FR``, ``DE``, ``DE``, ``US-CA``). Raises
    :class:`PlaceUnknown` with a French message otherwise."""
    raw = text.strip()
    found = data.find_location(raw) if raw else None
    if found is not None:
        return found.code
    key = _key(raw)
    if key in _names():
        return _names()[key]
    if key in GROUPS:
        raise PlaceUnknown(
            f"Le calculateur n'a pas de chiffre unique pour {GROUPS[key]} : l'intensité "
            f"carbone de l'électricité varie d'un pays à l'autre. Indiquez le pays des "
            f"serveurs (exemples : {EXAMPLES}) ; s'il est inconnu, laissez vide (moyenne "
            f"mondiale).")
    raise PlaceUnknown(f"Lieu inconnu « {raw} » : indiquez un pays ou son code (exemples : "
                       f"{EXAMPLES}).")


def place_label(code: str) -> str:
    """A location code as people read it ("FR" → "France"); the code itself if unknown."""
    if code in FRENCH_NAMES:
        return FRENCH_NAMES[code]
    location = data.locations().get(code)
    return location.label if location is not None else code


def french_number(value: float, digits: int = 4) -> str:
    """A number written the French way: 60 000 ; 16,8 ; 416,7."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", "\u202f")
    if abs(value) >= 10 ** digits:
        return f"{value:,.0f}".replace(",", "\u202f")
    return f"{value:.{digits}g}".replace(".", ",")


def per_year(value: float, period: str) -> float:
    """A volume typed per ``period`` (``month`` or ``year``), per year."""
    if period not in PERIODS:
        raise ValueError(f"période inconnue « {period} » ; valeurs admises : "
                         f"{', '.join(PERIODS)}.")
    return value * PERIODS[period]
