"""Field specifications of the simple entry kinds, shared by the entry dialog and rendering."""

from dataclasses import dataclass

from cabinet.domain.record import (
    CONSENT_CHOICES,
    CONSENT_TOPICS,
    HISTORY_CATEGORIES,
    PRIVATE_NOTE_CATEGORIES,
    EntryKind,
)


@dataclass(frozen=True)
class Field:
    """One field of a form: storage key, French label, and how it is typed."""

    key: str
    label: str
    widget: str = "line"  # line, text, date, choice, check
    choices: tuple[tuple[str, str], ...] = ()


FORMS: dict[EntryKind, tuple[str, tuple[Field, ...]]] = {
    EntryKind.HISTORY: ("Antécédent", (
        Field("category", "Catégorie", "choice", tuple(HISTORY_CATEGORIES.items())),
        Field("text", "Antécédent"),
        Field("date", "Date (facultative)", "date"),
        Field("relative", "Lien de parenté (antécédent familial)"),
    )),
    EntryKind.ALLERGY: ("Allergie ou intolérance", (
        Field("substance", "Substance"),
        Field("reaction", "Réaction"),
        Field("intolerance", "Intolérance (et non allergie)", "check"),
    )),
    EntryKind.RISK_FACTOR: ("Facteur de risque", (Field("text", "Facteur de risque"),)),
    EntryKind.TREATMENT: ("Traitement en cours", (
        Field("drug", "Médicament"),
        Field("dosage", "Posologie"),
        Field("since", "Depuis le", "date"),
    )),
    EntryKind.ADVANCE_DIRECTIVE: ("Directives anticipées", (
        Field("date", "Date", "date"),
        Field("text", "Directives", "text"),
        Field("holder", "Personne de confiance"),
    )),
    EntryKind.CONSENT: ("Consentement ou opposition", (
        Field("topic", "Objet", "choice", tuple(CONSENT_TOPICS.items())),
        Field("choice", "Décision du patient", "choice", tuple(CONSENT_CHOICES.items())),
        Field("date", "Date", "date"),
        Field("note", "Précision"),
    )),
    EntryKind.PRIVATE_NOTE: ("Note non communicable", (
        Field("category", "Nature", "choice", tuple(PRIVATE_NOTE_CATEGORIES.items())),
        Field("text", "Note", "text"),
    )),
}

DOCUMENT_LABELS = {"title": "Titre", "origin": "Origine", "filename": "Fichier",
                   "media_type": "Format"}


def field_labels(kind: EntryKind) -> dict[str, str]:
    """French labels of the fields of one kind of entry."""
    if kind is EntryKind.DOCUMENT:
        return DOCUMENT_LABELS
    return {f.key: f.label for f in FORMS[kind][1]} if kind in FORMS else {}
