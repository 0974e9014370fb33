"""What each document says: prescription (bizone for ALD), certificate, letter, record, history.

Builders turn record data into a `Document`; they never decide what may be shown. Which
entries go in (non-communicable notes withheld from a patient copy, selected parts for a
colleague) is the exporting service's decision.
"""

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Spacer, Table, TableStyle

from cabinet.documents import fonts
from cabinet.documents.layout import BODY, HEADING, SMALL, Document, Letterhead, style, text
from cabinet.documents.typography import date_and_time, long_date
from cabinet.domain.agreement import ADULT_YEARS, FEMALE, MALE, born_on, life_stage
from cabinet.domain.identity import INS_OIDS, Identity, age_on
from cabinet.domain.prescribing import is_structured, printed_lines
from cabinet.domain.record import EntryKind, french_number
from cabinet.domain.rights import Seizure
from cabinet.domain.wording import (
    age_text,
    detail_text,
    french_datetime,
    mode_label,
    summary_line,
    target_text,
    vitals_text,
)
from cabinet.exchange.staging import WrittenFile
from cabinet.services.ports import StoredVersion

ZONE = style("zone", 9, bold=True, textColor=colors.HexColor("#1f4e79"), spaceBefore=6,
             spaceAfter=4)
LINE = style("line", 10.5, leftIndent=4 * mm, spaceAfter=5)
SECTION_TITLES: Mapping[EntryKind, str] = {
    EntryKind.ALLERGY: "Allergies et intolérances",
    EntryKind.HISTORY: "Antécédents",
    EntryKind.RISK_FACTOR: "Facteurs de risque",
    EntryKind.TREATMENT: "Traitements au long cours",
    EntryKind.ADVANCE_DIRECTIVE: "Directives anticipées",
    EntryKind.CONSENT: "Consentements et oppositions",
    EntryKind.ENCOUNTER: "Consultations",
    EntryKind.PRESCRIPTION: "Ordonnances",
    EntryKind.DOCUMENT: "Documents",
    EntryKind.PRIVATE_NOTE: "Notes personnelles du médecin",
}
SHARED_SECTIONS = frozenset(SECTION_TITLES) - {EntryKind.PRIVATE_NOTE}
NOT_ENTERED = "Non renseigné."
_FIELD_TITLES = {"history": "Histoire de la maladie", "examination": "Examen clinique",
                 "conclusion": "Conclusion", "plan": "Conduite à tenir", "text": "",
                 "holder": "Personne de confiance", "note": "Précision",
                 "origin": "Origine", "relative": "Lien de parenté"}


def patient_line(identity: Identity) -> str:
    """Who the document is about, printed on every page."""
    line = f"Patient : {identity.display_name()}, {_born(identity)}"
    if identity.used_name and identity.used_name != identity.birth_name:
        line += f" (nom de naissance {identity.birth_name.upper()})"
    return line


def _place_and_date(letterhead: Letterhead, day: dt.date) -> Flowable:
    city = letterhead.address.rsplit(" ", 1)[-1] if letterhead.address else ""
    prefix = f"À {city}, le" if city else "Le"
    return text(f"{prefix} {long_date(day)}", style("date", 10, alignment=2))


def _lines(lines: Sequence[Mapping[str, Any]]) -> list[Flowable]:
    """Lines from the drug base as a pharmacist reads them; free-text ones as typed."""
    return [text("\n".join(printed_lines(line)) if is_structured(line) else
                 f"{line['drug']}\n{line['dosage']} — pendant {line['duration']}", LINE)
            for line in lines]


def prescribed_to(identity: Identity, day: dt.date, weight: float | None = None,
                  height: float | None = None) -> str:
    """« Mme Émilie LEFÈVRE, 65 ans »; a minor's stage of life, weight and height instead.

    Under 18 (the paediatric age), weight and height, when measured, go with the age: doses
    for a child follow them.
    """
    name = f"{identity.first_names} {(identity.used_name or identity.birth_name).upper()}"
    sex, age = identity.sex.value, age_text(identity.birth_date.isoformat(), day)
    if age_on(identity.birth_date, day) >= ADULT_YEARS:
        civility = {FEMALE: "Mme ", MALE: "M. "}.get(sex, "")
        return f"{civility}{name}, {age}"
    measures = [f"{label} {french_number(value)} {unit}" for label, value, unit in
                (("poids", weight, "kg"), ("taille", height, "cm")) if value is not None]
    said = f"{name}, {life_stage(sex, identity.birth_date, day)}, {age}"
    return f"{said} — {', '.join(measures)}" if measures else said


def prescription(letterhead: Letterhead, identity: Identity, entry: StoredVersion, *,
                 weight: float | None = None, height: float | None = None) -> Document:
    """An ordonnance; the bizone layout (ALD lines above the rule) when any line is ALD.

    `weight` (kg) and `height` (cm) are the patient's last measures, printed for a child.
    """
    payload = entry.payload
    day = dt.date.fromisoformat(payload["date"])
    body: list[Flowable] = [_place_and_date(letterhead, day),
                            text(prescribed_to(identity, day, weight, height), HEADING)]
    ald = [line for line in payload["lines"] if line.get("ald")]
    other = [line for line in payload["lines"] if not line.get("ald")]
    if ald:
        body += [text("Prescriptions relatives au traitement de l'affection de longue durée "
                      "reconnue (liste ou hors liste) — AFFECTION EXONÉRANTE", ZONE), *_lines(ald),
                 HRFlowable(width="100%", thickness=1.2, color=colors.black, spaceBefore=8,
                            spaceAfter=4),
                 text("Prescriptions SANS RAPPORT avec l'affection de longue durée — MALADIES "
                      "INTERCURRENTES", ZONE)]
    body += _lines(other)
    title = "Ordonnance bizone" if ald else "Ordonnance"
    return Document(title, letterhead, patient_line(identity), body,
                    subject=f"{title} du {day:%d/%m/%Y}")


def _born(identity: Identity) -> str:
    return born_on(identity.sex.value, identity.birth_date)


def certificate(letterhead: Letterhead, identity: Identity, statement: str,
                day: dt.date) -> Document:
    """A medical certificate: the physician's text as typed, nothing added to it.

    The customary formulas are offered in the form (`cabinet.documents.formulas`).
    """
    body = [_place_and_date(letterhead, day), Spacer(1, 3 * mm), text(statement)]
    return Document("Certificat médical", letterhead, patient_line(identity), body)


def letter(letterhead: Letterhead, identity: Identity, recipient: str, message: str,
           day: dt.date) -> Document:
    """A letter to a colleague about the patient: recipient, subject, the text as typed."""
    body = [_place_and_date(letterhead, day), text(f"À l'attention de {recipient}", HEADING),
            text(f"Objet : {identity.display_name()}, {_born(identity)}"),
            Spacer(1, 3 * mm), text(message)]
    return Document("Courrier", letterhead, patient_line(identity), body)


def identity_rows(identity: Identity) -> list[tuple[str, str]]:
    """The identity as (label, value) lines, empty values left out."""
    rows = [("Nom de naissance", identity.birth_name.upper()),
            ("Nom utilisé", identity.used_name.upper()), ("Prénoms", identity.first_names),
            ("Date de naissance", f"{identity.birth_date:%d/%m/%Y}"),
            ("Sexe", {"F": "féminin", "M": "masculin"}.get(identity.sex.value, "indéterminé")),
            ("NIR", identity.nir),
            ("INS", f"{identity.ins_number} ({INS_OIDS.get(identity.ins_oid, identity.ins_oid)})"
             if identity.ins_number else ""),
            ("Statut de l'identité", identity.identity_status.value),
            ("Adresse", " ".join(p for p in (identity.address, identity.postal_code,
                                             identity.city) if p)),
            ("Téléphone", ", ".join(identity.phones)), ("Courriel", identity.email)]
    return [(label, value) for label, value in rows if value]


def _identity_table(identity: Identity) -> Flowable:
    return _table(identity_rows(identity), widths=(45 * mm, None))


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float | None],
           header: bool = False) -> Flowable:
    cell_style = SMALL if header else BODY
    cells = [[text(cell, cell_style) for cell in row] for row in rows]
    table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]
    if header:
        commands.append(("FONTNAME", (0, 0), (-1, 0), fonts.BOLD))
    table.setStyle(TableStyle(commands))
    return table


@dataclass(frozen=True)
class EntryText:
    """What an entry says, however it is drawn: a title, lines, prescribed lines, who wrote it."""

    title: str
    lines: list[str]
    prescribed: list[str]
    written_by: str


def _prescribed(line: Mapping[str, Any]) -> str:
    """One line of a prescription in the record: as printed, and any allergy passed over."""
    ald = "[ALD] " if line["ald"] else ""
    if not is_structured(line):
        return f"{ald}{line['drug']} — {line['dosage']}, {line['duration']}"
    said = ald + " — ".join(printed_lines(line))
    if line["allergy_alerts"]:
        said += (f" (prescrit malgré l'alerte : {' '.join(line['allergy_alerts'])} Motif : "
                 f"{line['allergy_override']})")
    return said


def entry_text(entry: StoredVersion) -> EntryText:
    """The text of one entry version."""
    payload = entry.payload
    lines = []
    for key, title in _FIELD_TITLES.items():
        value = payload.get(key)
        if isinstance(value, str) and value and not (key == "text" and entry.kind in
                                                    ("history", "risk_factor")):
            lines.append(f"{title} : {value}" if title else value)
    if payload.get("vitals"):
        lines.append(f"Constantes : {vitals_text(payload['vitals'])}")
    prescribed = [_prescribed(line) for line in payload["lines"]] \
        if entry.kind == EntryKind.PRESCRIPTION.value else []
    version = f", version {entry.version} (motif : {entry.reason})" if entry.version > 1 else ""
    return EntryText(summary_line(entry), lines, prescribed,
                     f"Saisi par {entry.author} le {french_datetime(entry.created_at)}{version}")


def _entry(entry: StoredVersion) -> Flowable:
    said = entry_text(entry)
    parts: list[Flowable] = [text(said.title, style("entry", 10, bold=True)),
                             *(text(line) for line in said.lines),
                             *(text(line, LINE) for line in said.prescribed),
                             text(said.written_by, SMALL), Spacer(1, 2 * mm)]
    return KeepTogether(parts)


def record_sections(entries: Sequence[StoredVersion], sections: Collection[EntryKind]
                    ) -> list[tuple[str, list[StoredVersion]]]:
    """The record's sections in order, each with its entries.

    Allergies never entered come as an empty section ("non renseigné"), unlike a section
    merely left out of the document.
    """
    found = []
    for kind, section in SECTION_TITLES.items():
        chosen = [e for e in entries if e.kind == kind.value]
        if kind in sections and (chosen or kind is EntryKind.ALLERGY):
            found.append((section, chosen))
    return found


def record(letterhead: Letterhead, identity: Identity, entries: Sequence[StoredVersion],
           withheld: Mapping[str, int], *, sections: Collection[EntryKind] = SHARED_SECTIONS,
           title: str = "Dossier médical") -> Document:
    """The record's `sections`: identity, then each; withheld notes counted by category only.

    An absent allergy section says "non renseigné" only when allergies are among `sections`:
    a part of the record must never read as a record without allergies.
    """
    body: list[Flowable] = [text("Identité", HEADING), _identity_table(identity)]
    for section, chosen in record_sections(entries, sections):
        body += [text(section, HEADING), *(_entry(e) for e in chosen)]
        if not chosen:
            body.append(text(NOT_ENTERED))
    if withheld:
        body += [text("Éléments non communiqués", HEADING),
                 text("Conformément à l'article L. 1111-7 du code de la santé publique, les "
                      "éléments suivants ne sont pas communiqués (catégorie et nombre, sans "
                      "leur contenu) :"),
                 *(text(f"• {category} : {count}") for category, count in withheld.items())]
    return Document(title, letterhead, patient_line(identity), body)


def access_history(letterhead: Letterhead, identity: Identity,
                   rows: Sequence[Mapping[str, Any]]) -> Document:
    """The record's access history (TRACE-4): who, when, how, what."""
    table_rows = [["Date", "Personne", "Accès", "Action", "Objet"]]
    table_rows += [[french_datetime(r["at"]), r["actor"], mode_label(r["mode"]), r["action"],
                    f"{target_text(r['target'])} {detail_text(r['detail'], r['action'])}".strip()]
                   for r in rows]
    body = [text("Chaque consultation et chaque modification du dossier, du plus récent au plus "
                 "ancien, telles qu'enregistrées par le journal des accès."),
            Spacer(1, 3 * mm),
            _table(table_rows, widths=(30 * mm, 40 * mm, 30 * mm, 22 * mm, None), header=True)]
    return Document("Historique des accès au dossier", letterhead, patient_line(identity), body)



def seizure_report(letterhead: Letterhead, identity: Identity, seizure: Seizure,
                   files: Sequence[WrittenFile], now: dt.datetime) -> Document:
    """The procès-verbal of a judicial seizure, to print and sign on paper as well."""
    present = [f"Le magistrat : {seizure.magistrate}",
               f"Le représentant du conseil de l'Ordre : {seizure.order_representative}",
               f"Le médecin détenteur du dossier : {letterhead.physician}"]
    if seizure.others_present:
        present.append(f"Autres personnes présentes : {seizure.others_present}")
    body: list[Flowable] = [
        text(f"Le {date_and_time(now)}" + (f", à {seizure.place}" if seizure.place else "") +
             f", en exécution de la décision {seizure.decision_reference}, il a été procédé à "
             "la saisie du seul dossier médical désigné ci-dessous, en présence de :"),
        *(text(f"• {line}") for line in present),
        text("Dossier saisi", HEADING),
        text(f"{identity.display_name()}, {_born(identity)}"
             + (f", NIR {identity.nir}" if identity.nir else "")),
        text("Fichiers remis", HEADING),
        text("Chaque fichier est identifié par son empreinte SHA-256, qui permet d'en vérifier "
             "l'intégrité (commande « sha256sum -c INVENTAIRE.txt »). Les documents PDF sont "
             "signés électroniquement par le médecin."),
        _table([["Fichier", "Taille (octets)", "SHA-256"]] +
               [[f.name, str(f.size), f.sha256] for f in files],
               widths=(55 * mm, 22 * mm, None), header=True),
        Spacer(1, 8 * mm),
        _table([["Le médecin", "Le magistrat", "Le représentant de l'Ordre"], ["\n\n\n", "", ""]],
               widths=(58 * mm, 58 * mm, None), header=True),
    ]
    return Document("Procès-verbal de saisie du dossier médical", letterhead,
                    patient_line(identity), body)
