"""The medical content of a record (REC-1, REC-2): kinds of entry and their validation.

Every entry is a versioned payload (see `cabinet.services.records`): this module says what
each kind holds and checks it before anything is written. "No known allergy" is an explicit
negative entry, distinct from a record where allergies were never entered.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cabinet.domain import fields
from cabinet.domain.fields import MAX_SHORT_TEXT, code_field
from cabinet.domain.fields import choice_field as _choice
from cabinet.domain.fields import date_field as _date
from cabinet.domain.fields import text_field as _text
from cabinet.domain.prescribing import check_line, is_structured

MAX_TEXT_LENGTH = fields.MAX_TEXT_LENGTH
RecordError = fields.RecordError
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class EntryKind(StrEnum):
    """The kinds of entry a record holds."""

    HISTORY = "history"
    ALLERGY = "allergy"
    RISK_FACTOR = "risk_factor"
    TREATMENT = "treatment"
    ENCOUNTER = "encounter"
    PRESCRIPTION = "prescription"
    DOCUMENT = "document"
    ADVANCE_DIRECTIVE = "advance_directive"
    PRIVATE_NOTE = "private_note"
    CONSENT = "consent"


@dataclass(frozen=True)
class VitalSign:
    """A typed measurement: what it is, its unit, and the plausible range for a human."""

    label: str
    unit: str
    low: float
    high: float


VITAL_SIGNS: Mapping[str, VitalSign] = {
    "weight": VitalSign("Poids", "kg", 0.3, 400),
    "height": VitalSign("Taille", "cm", 20, 250),
    "systolic": VitalSign("Pression systolique", "mmHg", 40, 300),
    "diastolic": VitalSign("Pression diastolique", "mmHg", 20, 200),
    "heart_rate": VitalSign("Fréquence cardiaque", "/min", 20, 250),
    "temperature": VitalSign("Température", "°C", 30, 45),
    "spo2": VitalSign("Saturation en oxygène", "%", 50, 100),
    "glycemia": VitalSign("Glycémie capillaire", "g/L", 0.2, 10),
}

BMI_RANGE = (5.0, 150.0)  # kg/m²: outside, a weight or a height was mistyped
HISTORY_CATEGORIES = {"medical": "médical", "surgical": "chirurgical", "family": "familial"}
DOCUMENT_TYPES = {
    "letter_received": "Courrier reçu",
    "letter_sent": "Courrier envoyé",
    "prescription": "Ordonnance",
    "summary": "Synthèse du dossier",
    "report": "Compte rendu",
    "result": "Résultat",
    "certificate": "Certificat",
    "scan": "Document numérisé",
}
CONSENT_TOPICS = {
    "replacement_access": "Consultation du dossier par le médecin remplaçant",
    "sharing": "Partage et transmission à d'autres professionnels",
    "hosting": "Hébergement des données par un tiers",
}
CONSENT_CHOICES = {"objects": "Le patient s'y oppose", "agrees": "Le patient y consent"}
PRIVATE_NOTE_CATEGORIES = {
    "personal": "Note personnelle du médecin",
    "third_party": "Information d'un tiers non intervenant",
}


def _history(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "category": _choice(p, "category", "La catégorie d'antécédent", HISTORY_CATEGORIES),
        "text": _text(p, "text", "L'antécédent", required=True, limit=MAX_SHORT_TEXT),
        "date": _date(p, "date", "La date de l'antécédent", required=False),
        "relative": _text(p, "relative", "Le lien de parenté", limit=MAX_SHORT_TEXT),
    }


def _allergy(p: Mapping[str, Any]) -> dict[str, Any]:
    if p.get("status") == "none_known":
        return {"status": "none_known"}
    allergy = {
        "status": "present",
        "substance": _text(p, "substance", "La substance", required=True, limit=MAX_SHORT_TEXT),
        "reaction": _text(p, "reaction", "La réaction", limit=MAX_SHORT_TEXT),
        "intolerance": bool(p.get("intolerance", False)),
    }
    # Recorded against the drug base's substance or a named class: kept only when given, so
    # an allergy typed as text reads exactly as it always did.
    if p.get("substance_code"):
        allergy["substance_code"] = code_field(p, "substance_code", "Le code de la substance",
                                               10, exact=False)
    if p.get("allergy_class"):
        allergy["allergy_class"] = _text(p, "allergy_class", "La classe de médicaments",
                                         limit=MAX_SHORT_TEXT)
    return allergy


def _risk_factor(p: Mapping[str, Any]) -> dict[str, Any]:
    return {"text": _text(p, "text", "Le facteur de risque", required=True, limit=MAX_SHORT_TEXT)}


def _treatment(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "drug": _text(p, "drug", "Le médicament", required=True, limit=MAX_SHORT_TEXT),
        "dosage": _text(p, "dosage", "La posologie", limit=MAX_SHORT_TEXT),
        "since": _date(p, "since", "La date de début", required=False),
        "stopped": _date(p, "stopped", "La date d'arrêt", required=False),
        # a stop names the prescribed line it ends by its code in the drug base
        **({"cis": code_field(p, "cis", "Le code CIS", 8)} if p.get("cis") else {}),
    }


def check_vitals(raw: Any) -> list[dict[str, Any]]:
    """The measures of an encounter, each with its unit; every mistake named at once."""
    if not isinstance(raw, list):
        raise RecordError("Les constantes doivent être une liste de mesures.")
    measures, problems = [], []
    for item in raw:
        code = item.get("code") if isinstance(item, Mapping) else None
        sign = VITAL_SIGNS.get(str(code))
        if sign is None:
            problems.append("Une constante n'est pas d'un type connu.")
            continue
        try:
            value = float(item["value"])
        except (KeyError, TypeError, ValueError):
            problems.append(f"{sign.label} : la valeur n'est pas un nombre.")
            continue
        if not sign.low <= value <= sign.high:
            problems.append(f"{sign.label} : la valeur saisie est hors des valeurs possibles "
                            f"({french_number(sign.low)} à {french_number(sign.high)} "
                            f"{sign.unit}).")
            continue
        measures.append({"code": str(code), "value": value, "unit": sign.unit})
    problems += _inconsistencies(measures)
    if problems:
        raise RecordError("\n".join(problems))
    return measures


def _inconsistencies(measures: Sequence[Mapping[str, Any]]) -> list[str]:
    """Measures each possible but impossible together."""
    values = {m["code"]: m["value"] for m in measures}
    found = []
    if "systolic" in values and "diastolic" in values and values["systolic"] <= values["diastolic"]:
        found.append("La pression systolique doit être supérieure à la pression diastolique.")
    bmi = body_mass_index(measures)
    if bmi is not None and not plausible_bmi(bmi):
        found.append(f"L'IMC de {french_number(bmi)} kg/m² est invraisemblable : vérifiez le "
                     "poids et la taille.")
    return found


def french_number(number: float) -> str:
    """A number the French way: decimal comma, spaced thousands, never an exponent."""
    text = f"{number:,.3f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",")


def body_mass_index(vitals: Sequence[Mapping[str, Any]]) -> float | None:
    """BMI from the weight (kg) and height (cm) of one encounter, rounded to 0.1."""
    values = {v["code"]: float(v["value"]) for v in vitals}
    if "weight" not in values or values.get("height", 0) <= 0:
        return None
    metres = values["height"] / 100
    return round(values["weight"] / (metres * metres), 1)


def latest_vital(encounters: Sequence[Mapping[str, Any]], code: str,
                 on_or_before: str) -> float | None:
    """The last value of one measure among encounters (payloads) up to an ISO date."""
    dated = [(str(e["date"]), float(v["value"])) for e in encounters
             if str(e["date"]) <= on_or_before for v in e.get("vitals", []) if v["code"] == code]
    return max(dated, key=lambda d: d[0])[1] if dated else None


def plausible_bmi(bmi: float) -> bool:
    """Whether a BMI can be a person's (a premature newborn's to the heaviest recorded)."""
    return BMI_RANGE[0] <= bmi <= BMI_RANGE[1]


def _encounter(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "date": _date(p, "date", "La date de la consultation"),
        "reason": _text(p, "reason", "Le motif", required=True, limit=MAX_SHORT_TEXT),
        "history": _text(p, "history", "L'histoire de la maladie"),
        "examination": _text(p, "examination", "L'examen clinique"),
        "vitals": check_vitals(p.get("vitals", [])),
        "conclusion": _text(p, "conclusion", "La conclusion"),
        "plan": _text(p, "plan", "La conduite à tenir"),
    }


def _prescription(p: Mapping[str, Any]) -> dict[str, Any]:
    lines = p.get("lines")
    if not isinstance(lines, list) or not lines:
        raise RecordError("Une ordonnance doit comporter au moins une ligne.")
    checked = [
        check_line(line, number) if is_structured(line) else _free_text_line(line)
        for number, line in enumerate((x if isinstance(x, Mapping) else {} for x in lines),
                                      start=1)
    ]
    return {"date": _date(p, "date", "La date de l'ordonnance"), "lines": checked}


def _free_text_line(line: Mapping[str, Any]) -> dict[str, Any]:
    """A line typed as text, as every line was before the drug base: kept as it is."""
    return {
        "drug": _text(line, "drug", "Le médicament", required=True, limit=MAX_SHORT_TEXT),
        "dosage": _text(line, "dosage", "La posologie", required=True, limit=MAX_SHORT_TEXT),
        "duration": _text(line, "duration", "La durée", required=True, limit=MAX_SHORT_TEXT),
        "ald": bool(line.get("ald", False)),
    }


def _document(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "doc_type": _choice(p, "doc_type", "Le type de document", DOCUMENT_TYPES),
        "title": _text(p, "title", "Le titre", required=True, limit=MAX_SHORT_TEXT),
        "origin": _text(p, "origin", "L'origine", limit=MAX_SHORT_TEXT),
        "date": _date(p, "date", "La date du document"),
        "filename": _text(p, "filename", "Le nom du fichier", required=True, limit=255),
        "media_type": _text(p, "media_type", "Le type de fichier", required=True, limit=100),
        "sha256": _text(p, "sha256", "L'empreinte du fichier", required=True, limit=64),
        "size": _size(p.get("size")),
    }


def _size(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise RecordError("La taille du fichier est invalide.")
    return value


def _advance_directive(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "date": _date(p, "date", "La date des directives"),
        "text": _text(p, "text", "Les directives anticipées", required=True),
        "holder": _text(p, "holder", "La personne de confiance", limit=MAX_SHORT_TEXT),
    }


def _private_note(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "category": _choice(p, "category", "La catégorie de note", PRIVATE_NOTE_CATEGORIES),
        "text": _text(p, "text", "La note", required=True),
    }


def _consent(p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "topic": _choice(p, "topic", "L'objet du consentement", CONSENT_TOPICS),
        "choice": _choice(p, "choice", "La décision du patient", CONSENT_CHOICES),
        "date": _date(p, "date", "La date de la décision"),
        "note": _text(p, "note", "La précision", limit=MAX_SHORT_TEXT),
    }


def objects_to(entries_payloads: Sequence[Mapping[str, Any]], topic: str) -> bool:
    """RIGHTS-2: whether the patient's latest decision on `topic` is an objection.

    When two decisions share a date, an objection wins: the safer reading.
    """
    decisions = [(p.get("date", ""), p.get("choice") == "objects") for p in entries_payloads
                 if p.get("topic") == topic]
    return bool(decisions) and max(decisions)[1]


_VALIDATORS: Mapping[EntryKind, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    EntryKind.HISTORY: _history,
    EntryKind.ALLERGY: _allergy,
    EntryKind.RISK_FACTOR: _risk_factor,
    EntryKind.TREATMENT: _treatment,
    EntryKind.ENCOUNTER: _encounter,
    EntryKind.PRESCRIPTION: _prescription,
    EntryKind.DOCUMENT: _document,
    EntryKind.ADVANCE_DIRECTIVE: _advance_directive,
    EntryKind.PRIVATE_NOTE: _private_note,
    EntryKind.CONSENT: _consent,
}


def validate_entry(kind: EntryKind, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return the canonical payload of an entry, or raise `RecordError` in French."""
    if not isinstance(payload, Mapping):
        raise RecordError("Le contenu de l'entrée est mal formé.")
    return _VALIDATORS[kind](payload)


def is_non_communicable(kind: EntryKind) -> bool:
    """REC-2: private notes never leave the cabinet in a patient copy."""
    return kind is EntryKind.PRIVATE_NOTE


_NOT_TEXT = frozenset({"status", "category", "doc_type", "date", "since", "stopped", "topic",
                       "choice", "filename", "media_type", "sha256", "size", "vitals", "ald",
                       "cis", "cip13", "release", "non_substitutable", "substance_code"})


def searchable_text(payload: Mapping[str, Any]) -> str:
    """The free text of an entry that full-text search indexes (never codes or dates)."""
    parts: list[str] = []
    for key, value in payload.items():
        if key in _NOT_TEXT:
            continue
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(v for line in value if isinstance(line, Mapping)
                         for k, v in line.items() if k not in _NOT_TEXT and isinstance(v, str))
    return "\n".join(p for p in parts if p)
