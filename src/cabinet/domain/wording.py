"""How entries and journal events read in French, for the screen and for printed documents.

Plain text only: the UI escapes it into HTML, the PDF layer into paragraphs. Below the
services and the documents, which both word the same things the same way; standard library
only, like the whole domain.
"""

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Protocol

from cabinet.domain.audit import (
    ACCESS_MODE_LABELS,
    ANCHOR_ACKNOWLEDGED,
    ANCHOR_ALERT,
    Action,
    split_digest,
)
from cabinet.domain.identity import age_on
from cabinet.domain.record import (
    CONSENT_CHOICES,
    CONSENT_TOPICS,
    DOCUMENT_TYPES,
    HISTORY_CATEGORIES,
    PRIVATE_NOTE_CATEGORIES,
    VITAL_SIGNS,
    EntryKind,
    body_mass_index,
    french_number,
    plausible_bmi,
)
from cabinet.domain.settings import SETTINGS_BY_KEY


class Entry(Protocol):
    """What a summary line reads of a stored entry's version (`services.ports.StoredVersion`)."""

    @property
    def kind(self) -> str:
        """The entry's kind (`EntryKind` value)."""

    @property
    def payload(self) -> Mapping[str, Any]:
        """The entry's fields as stored."""


def french_date(iso: str) -> str:
    """2026-03-12 → 12/03/2026 (empty stays empty)."""
    if not iso:
        return ""
    return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")


def french_datetime(iso: str) -> str:
    """An ISO timestamp in the workstation's local time, the French way."""
    moment = dt.datetime.fromisoformat(iso).astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


def age_text(birth_iso: str, today: dt.date) -> str:
    """'63 ans', months for babies, days in their first month."""
    birth = dt.date.fromisoformat(birth_iso)
    years = age_on(birth, today)
    if years >= 2:
        return f"{years} ans"
    months = (today.year - birth.year) * 12 + today.month - birth.month - (today.day < birth.day)
    if months >= 1:
        return f"{months} mois"
    days = max((today - birth).days, 0)
    return f"{days} jour{'s' if days > 1 else ''}"


def vital_text(vital: dict[str, Any]) -> str:
    """'Poids 72,5 kg'."""
    sign = VITAL_SIGNS[vital["code"]]
    return f"{sign.label} {french_number(vital['value'])} {sign.unit}"


def vitals_text(vitals: list[dict[str, Any]]) -> str:
    """Every measure of an encounter, and the BMI when weight and height give a possible one."""
    text = " · ".join(vital_text(v) for v in vitals)
    bmi = body_mass_index(vitals)
    if bmi is not None and plausible_bmi(bmi):
        text += f" · IMC {french_number(bmi)} kg/m²"
    return text


def summary_line(entry: Entry) -> str:
    """One line for lists."""
    p = entry.payload
    match entry.kind:
        case "encounter":
            return f"{french_date(p['date'])} — {p['reason']}"
        case "prescription":
            drugs = ", ".join(line["drug"] for line in p["lines"])
            return f"{french_date(p['date'])} — {drugs}"
        case "document":
            return (f"{french_date(p['date'])} — {DOCUMENT_TYPES[p['doc_type']]} : "
                    f"{p['title']}")
        case "history":
            return f"{p['text']} ({HISTORY_CATEGORIES[p['category']]})"
        case "allergy":
            if p["status"] == "none_known":
                return "Aucune allergie connue"
            kind = "Intolérance" if p.get("intolerance") else "Allergie"
            return f"{kind} : {p['substance']}" + (f" ({p['reaction']})" if p["reaction"] else "")
        case "treatment":
            return f"{p['drug']} — {p['dosage']}"
        case "private_note":
            return f"{PRIVATE_NOTE_CATEGORIES[p['category']]} : {p['text'][:80]}"
        case "consent":
            return f"{CONSENT_CHOICES[p['choice']]} : {CONSENT_TOPICS[p['topic']].lower()}"
        case "advance_directive":
            return f"Directives anticipées du {french_date(p['date'])}"
        case _:
            return str(p.get("text", ""))


TARGET_LABELS = {
    "record": "Dossier", "identity": "Identité", "identity history": "Historique de l'identité",
    "access history": "Historique des accès", "full text": "Recherche dans les notes",
    "journal": "Journal des accès", "settings": "Paramètres du cabinet",
    "break-glass": "Bris de glace", "break-glass review": "Revue des bris de glace",
    "export": "Export", "copy requests": "Registre des demandes de copie",
    ANCHOR_ALERT: "Alerte du journal", ANCHOR_ACKNOWLEDGED: "Alerte du journal levée",
    "agenda": "Agenda", "agenda setup": "Paramétrage de l'agenda",
    "appointments": "Rendez-vous du patient", "act table": "Table des actes et tarifs",
    "ledger": "Livre des recettes", "deposit slip": "Bordereau de remise de chèques",
    "tiers payant expected": "Tiers payant attendu",
    "portability signer": "Signataire de l'archive importée",
    "retention": "Conservation du dossier",
    "retention review": "Revue des durées de conservation",
    "results": "Résultats de biologie", "results to file": "Résultats à classer",
    "correspondents": "Carnet d'adresses des correspondants",
    "information": "Information du patient sur ses données",
    "rights": "Droits du patient (information, consentements, effacements)",
    "breach register": "Registre des violations de données",
}
NUMBERED_TARGETS = {"appointment:": "Rendez-vous", "fees:entry:": "Honoraires de l'entrée",
                    "fee:": "Honoraires", "correspondent:": "Correspondant",
                    "erasure:": "Effacement", "result file:": "Fichier de résultats reçu",
                    "destruction:": "Destruction"}
DATED_TARGETS = {"agenda:day ": "Agenda du", "agenda:week ": "Agenda de la semaine du",
                 "waiting room ": "Salle d'attente du"}
KIND_LABELS = {kind.value: label for kind, label in (
    (EntryKind.HISTORY, "antécédent"), (EntryKind.ALLERGY, "allergie"),
    (EntryKind.RISK_FACTOR, "facteur de risque"), (EntryKind.TREATMENT, "traitement"),
    (EntryKind.ENCOUNTER, "consultation"), (EntryKind.PRESCRIPTION, "ordonnance"),
    (EntryKind.DOCUMENT, "document"), (EntryKind.ADVANCE_DIRECTIVE, "directives anticipées"),
    (EntryKind.PRIVATE_NOTE, "note non communicable"), (EntryKind.CONSENT, "consentement"))}
# A read's detail says what was read; a write's names the kind written ("history" is both).
READ_LABELS = {"history": "historique des versions", "document content": "contenu du document"}
SETTINGS_CHANGED = "paramètres modifiés : "


def target_text(target: str) -> str:
    """What a journal event was about, in French ("entry:12" → "Entrée n° 12")."""
    if target.startswith("entry:"):
        return f"Entrée n° {target.split(':', 1)[1]}"
    if target.startswith("draft:"):
        kind = target.split(":")[1]
        return f"Brouillon ({KIND_LABELS.get(kind, kind)})"
    if target.startswith("pending:"):
        return "Tentative de connexion"
    if target.startswith("copy request:"):
        return f"Demande de copie n° {target.split(':', 1)[1]}"
    if target.startswith("seizure:"):
        return f"Saisie (décision {target.split(':', 1)[1]})"
    if target.startswith("template:"):
        return f"Modèle de document « {target.split(':', 1)[1]} »"
    for prefix, label in NUMBERED_TARGETS.items():
        if target.startswith(prefix):
            return f"{label} n° {target.removeprefix(prefix)}"
    for prefix, label in DATED_TARGETS.items():
        if target.startswith(prefix):
            return f"{label} {_iso_day(target.removeprefix(prefix))}"
    return TARGET_LABELS.get(target, target)


def _iso_day(text: str) -> str:
    try:
        return f"{dt.date.fromisoformat(text):%d/%m/%Y}"
    except ValueError:
        return text


EXPORT_PURPOSES = {
    "prescription": "ordonnance",
    "certificate": "certificat médical",
    "letter": "courrier",
    "patient_copy": "copie du dossier",
    "transmission": "transmission à un confrère",
    "seizure": "saisie judiciaire",
    "information_notice": "affiche d'information des patients",
    "processing_register": "registre des activités de traitement",
    "breach_register": "registre des violations de données",
    "breach_notification": "notification de violation à la CNIL",
}


def detail_text(detail: str, action: str = "") -> str:
    """A journal event's detail, with internal codes put in French (exports summarised).

    `action` tells a read's detail from a write's: "history" is the versions read or an
    antécédent written.
    """
    if detail.startswith('{"purpose"'):
        try:
            export = json.loads(detail)
            return (f"{EXPORT_PURPOSES.get(export['purpose'], export['purpose'])} pour "
                    f"{export['recipient']} : {len(export['files'])} fichier(s), empreinte "
                    f"{export['sha256'][:16]}…")
        except (ValueError, KeyError, TypeError):
            return detail
    if detail.startswith(SETTINGS_CHANGED):
        keys = detail.removeprefix(SETTINGS_CHANGED).split(", ")
        return SETTINGS_CHANGED + ", ".join(
            SETTINGS_BY_KEY[k].label if k in SETTINGS_BY_KEY else k for k in keys)
    detail, digest = split_digest(detail)
    labels = READ_LABELS if action == Action.READ.value else KIND_LABELS
    return labels.get(detail, detail) + (f", empreinte {digest[:16]}…" if digest else "")


def mode_label(mode: str) -> str:
    """How someone got in, in French; an unknown code is shown as it is."""
    labels = {m.value: text for m, text in ACCESS_MODE_LABELS.items()}
    return labels.get(mode, mode)
