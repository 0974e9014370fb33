"""Document templates: plain text with `{{champ}}` fields filled from the record.

Filling is plain substitution of known names by text: a template is never evaluated, formatted
or rendered by an engine, so nothing typed in one can reach an attribute, a file or code.
An unknown field is refused when the template is saved, and `[…]` marks what the physician
must still write before a filled document can be signed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

FIELD = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
TO_COMPLETE = "[…]"
CERTIFICATE, LETTER = "certificate", "letter"
MAX_TEMPLATE_LENGTH = 20_000

FIELDS: Mapping[str, str] = {
    "patient.civilite": "Civilité du patient (Madame, Monsieur)",
    "patient.designation": "Civilité, nom et prénoms du patient",
    "patient.nom": "Nom et prénoms du patient",
    "patient.nom_naissance": "Nom de naissance du patient",
    "patient.ne_le": "« née le … » ou « né le … »",
    "patient.date_naissance": "Date de naissance du patient",
    "patient.age": "Âge du patient",
    "patient.interesse": "« l'intéressée » ou « l'intéressé »",
    "patient.adresse": "Adresse du patient",
    "dossier.allergies": "Allergies et intolérances",
    "dossier.traitements": "Traitements en cours",
    "dossier.antecedents": "Antécédents",
    "dossier.constantes": "Dernières constantes mesurées",
    "dossier.conclusion": "Conclusion de la dernière consultation",
    "medecin.soussigne": "« Je soussignée, Dr … » ou « Je soussigné, Dr … »",
    "medecin.nom": "Nom du médecin",
    "medecin.specialite": "Spécialité du médecin",
    "medecin.rpps": "Numéro RPPS du médecin",
    "medecin.adresse": "Adresse du cabinet",
    "medecin.telephone": "Téléphone du cabinet",
    "destinataire.nom": "Nom du destinataire du courrier",
    "date.jour": "Date du jour",
}


class TemplateError(ValueError):
    """A template cannot be kept as written; the message is French."""


@dataclass(frozen=True)
class Template:
    """A certificate or letter template, as shipped or as the physician edited it."""

    key: str
    kind: str  # CERTIFICATE or LETTER
    title: str
    text: str
    edited: bool = False


def fields_in(text: str) -> list[str]:
    """The field names a text uses, in order, as typed between the braces."""
    return [match.group(1).strip() for match in FIELD.finditer(text)]


def check(text: str) -> str:
    """The template text if every field is known, else `TemplateError` naming the unknown ones."""
    if not text.strip():
        raise TemplateError("Le modèle est vide.")
    if len(text) > MAX_TEMPLATE_LENGTH:
        raise TemplateError(f"Le modèle dépasse {MAX_TEMPLATE_LENGTH} caractères.")
    unknown = sorted({name for name in fields_in(text) if name not in FIELDS})
    if unknown:
        names = ", ".join(f"{{{{{name}}}}}" for name in unknown)
        raise TemplateError(f"Champ inconnu dans le modèle : {names}. Choisissez les champs "
                            "dans la liste des champs à insérer.")
    return text


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known field replaced by its value (plain substitution, one pass).

    A value is inserted as text and never read again, so a value holding `{{…}}` stays as it
    is; an unknown field (a template saved before a field was withdrawn) is left visible.
    """
    return FIELD.sub(lambda m: values.get(m.group(1).strip(), m.group(0)), text)


def incomplete(text: str) -> bool:
    """Whether the physician has left a `[…]` to complete."""
    return TO_COMPLETE in text
