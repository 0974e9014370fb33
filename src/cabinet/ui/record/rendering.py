"""How entries read on screen: detailed HTML, always escaped (the words: `domain.wording`)."""

from html import escape
from typing import Any

from cabinet.domain.record import EntryKind
from cabinet.domain.wording import french_date, french_datetime, summary_line, vitals_text
from cabinet.services.ports import StoredVersion
from cabinet.ui.record.forms import field_labels

_CODED = {"category", "topic", "choice"}


def _section(title: str, text: str) -> str:
    if not text:
        return ""
    body = escape(text).replace("\n", "<br>")
    return f"<p><b>{escape(title)}</b><br>{body}</p>"


def encounter_html(entry: StoredVersion) -> str:
    """The full text of an encounter."""
    p = entry.payload
    return "".join([
        f"<h3>{escape(french_date(p['date']))} — {escape(p['reason'])}</h3>",
        _section("Histoire de la maladie", p["history"]),
        _section("Examen clinique", p["examination"]),
        _section("Constantes", vitals_text(p.get("vitals", []))),
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


