"""How entries read in French: one-line summaries and detailed HTML (always escaped)."""

import datetime as dt
from html import escape
from typing import Any

from cabinet.domain.audit import ACCESS_MODE_LABELS
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
)
from cabinet.services.ports import StoredVersion
from cabinet.ui.forms import field_labels

_CODED = {"category", "topic", "choice"}


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
    """'63 ans', or months for babies."""
    birth = dt.date.fromisoformat(birth_iso)
    years = age_on(birth, today)
    if years >= 2:
        return f"{years} ans"
    months = (today.year - birth.year) * 12 + today.month - birth.month - (today.day < birth.day)
    return f"{max(months, 0)} mois"


def vital_text(vital: dict[str, Any]) -> str:
    """'Poids 72,5 kg'."""
    sign = VITAL_SIGNS[vital["code"]]
    return f"{sign.label} {vital['value']:g} {sign.unit}".replace(".", ",")


def summary_line(entry: StoredVersion) -> str:
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


def _section(title: str, text: str) -> str:
    if not text:
        return ""
    body = escape(text).replace("\n", "<br>")
    return f"<p><b>{escape(title)}</b><br>{body}</p>"


def encounter_html(entry: StoredVersion) -> str:
    """The full text of an encounter."""
    p = entry.payload
    vitals = p.get("vitals", [])
    vitals_text = " · ".join(vital_text(v) for v in vitals)
    bmi = body_mass_index(vitals)
    if bmi is not None:
        vitals_text += f" · IMC {bmi:g} kg/m²".replace(".", ",")
    return "".join([
        f"<h3>{escape(french_date(p['date']))} — {escape(p['reason'])}</h3>",
        _section("Histoire de la maladie", p["history"]),
        _section("Examen clinique", p["examination"]),
        _section("Constantes", vitals_text),
        _section("Conclusion", p["conclusion"]),
        _section("Conduite à tenir", p["plan"]),
        authorship_html(entry),
    ])


def prescription_html(entry: StoredVersion) -> str:
    """An ordonnance's lines; ALD lines apart, as the bizone layout separates them."""
    p = entry.payload
    ald = [line for line in p["lines"] if line.get("ald")]
    other = [line for line in p["lines"] if not line.get("ald")]

    def lines_html(lines: list[dict[str, Any]]) -> str:
        return "".join(f"<li><b>{escape(x['drug'])}</b> — {escape(x['dosage'])}, "
                       f"{escape(x['duration'])}</li>" for x in lines)

    parts = [f"<h3>Ordonnance du {escape(french_date(p['date']))}</h3>"]
    if ald:
        parts.append("<p><i>Prescriptions relatives au traitement de l'affection de longue "
                     f"durée (ALD)</i></p><ul>{lines_html(ald)}</ul>")
        parts.append("<p><i>Prescriptions sans rapport avec l'ALD</i></p>")
    parts.append(f"<ul>{lines_html(other)}</ul>" if other else "")
    parts.append(authorship_html(entry))
    return "".join(parts)


def authorship_html(entry: StoredVersion) -> str:
    """Who wrote this version and when (REC-3)."""
    version = f", version {entry.version}" if entry.version > 1 else ""
    reason = f" — motif : {escape(entry.reason)}" if entry.reason else ""
    return (f"<p style='color:#555'><small>Saisi par {escape(entry.author)} le "
            f"{escape(french_datetime(entry.created_at))}{version}{reason}</small></p>")


def entry_html(entry: StoredVersion) -> str:
    """Detailed HTML of any entry."""
    if entry.kind == "encounter":
        return encounter_html(entry)
    if entry.kind == "prescription":
        return prescription_html(entry)
    labels = field_labels(EntryKind(entry.kind))
    fields = "".join(_section(labels[k], v) for k, v in entry.payload.items()
                     if k in labels and isinstance(v, str) and k not in _CODED)
    return f"<h3>{escape(summary_line(entry))}</h3>{fields}{authorship_html(entry)}"


TARGET_LABELS = {
    "record": "Dossier", "identity": "Identité", "identity history": "Historique de l'identité",
    "access history": "Historique des accès", "full text": "Recherche dans les notes",
    "journal": "Journal des accès", "settings": "Paramètres du cabinet",
    "break-glass": "Bris de glace", "break-glass review": "Revue des bris de glace",
}
DETAIL_LABELS = {
    "history": "historique des versions", "document content": "contenu du document",
    **{kind.value: label for kind, label in (
        (EntryKind.HISTORY, "antécédent"), (EntryKind.ALLERGY, "allergie"),
        (EntryKind.RISK_FACTOR, "facteur de risque"), (EntryKind.TREATMENT, "traitement"),
        (EntryKind.ENCOUNTER, "consultation"), (EntryKind.PRESCRIPTION, "ordonnance"),
        (EntryKind.DOCUMENT, "document"), (EntryKind.ADVANCE_DIRECTIVE, "directives anticipées"),
        (EntryKind.PRIVATE_NOTE, "note non communicable"))},
}


def target_text(target: str) -> str:
    """What a journal event was about, in French ("entry:12" → "Entrée n° 12")."""
    if target.startswith("entry:"):
        return f"Entrée n° {target.split(':', 1)[1]}"
    if target.startswith("draft:"):
        kind = target.split(":")[1]
        return f"Brouillon ({DETAIL_LABELS.get(kind, kind)})"
    if target.startswith("pending:"):
        return "Tentative de connexion"
    return TARGET_LABELS.get(target, target)


def detail_text(detail: str) -> str:
    """A journal event's detail, with internal codes put in French."""
    return DETAIL_LABELS.get(detail, detail)


def mode_label(mode: str) -> str:
    """How someone got in, in French; an unknown code is shown as it is."""
    labels = {m.value: text for m, text in ACCESS_MODE_LABELS.items()}
    return labels.get(mode, mode)
