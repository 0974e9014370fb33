"""The checks every stored field goes through, with French refusals that name the field.

Shared by the record's entries (`cabinet.domain.record`) and the structured prescription
lines (`cabinet.domain.prescribing`): a message names the field, never its content.
"""

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from cabinet.domain.text import has_forbidden_control

MAX_TEXT_LENGTH = 100_000
MAX_SHORT_TEXT = 500


class RecordError(ValueError):
    """An entry is invalid; the French message names the field, never its content."""


def text_field(payload: Mapping[str, Any], key: str, label: str, *, required: bool = False,
               limit: int = MAX_TEXT_LENGTH) -> str:
    """A text, checked for type, presence, length and control characters."""
    value = payload.get(key, "")
    if not isinstance(value, str):
        raise RecordError(f"{label} doit être un texte.")
    if required and not value.strip():
        raise RecordError(f"{label} est obligatoire.")
    if len(value) > limit:
        raise RecordError(f"{label} dépasse {limit:,} caractères.".replace(",", " "))
    if has_forbidden_control(value):
        raise RecordError(f"{label} contient des caractères de contrôle non admis.")
    return value


def date_field(payload: Mapping[str, Any], key: str, label: str, *,
               required: bool = True) -> str:
    """An ISO date, or "" when it may be left out."""
    value = payload.get(key, "")
    if not value and not required:
        return ""
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise RecordError(f"{label} n'est pas une date valide.") from None


def choice_field(payload: Mapping[str, Any], key: str, label: str,
                 choices: Mapping[str, str]) -> str:
    """One of the keys of `choices`; the refusal lists their French labels."""
    value = payload.get(key)
    if not isinstance(value, str) or value not in choices:
        raise RecordError(f"{label} doit être l'une des valeurs : {', '.join(choices.values())}.")
    return str(value)


def whole_number(payload: Mapping[str, Any], key: str, label: str, low: int, high: int,
                 *, required: bool = True) -> int | None:
    """A whole number between `low` and `high`, or None when it may be left out."""
    value = payload.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise RecordError(f"{label} doit être un nombre entier de {low} à {high}.")
    return value


def code_field(payload: Mapping[str, Any], key: str, label: str, digits: int, *,
               required: bool = False, exact: bool = True) -> str:
    """A code made of `digits` digits (at most that many when not `exact`), or ""."""
    value = text_field(payload, key, label, required=required, limit=digits)
    if value and not re.fullmatch(rf"\d{{{digits if exact else f'1,{digits}'}}}", value):
        raise RecordError(f"{label} doit comporter {digits} chiffres." if exact
                          else f"{label} doit être fait de chiffres.")
    return value
