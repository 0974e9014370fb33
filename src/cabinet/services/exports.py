"""Signed documents and record exports: prescription, certificate, letter, transmission, seizure.

Each export writes into a staging folder beside its destination and appears under its final
name only when whole (`cabinet.exchange.staging`); each is journaled with its contents and
their hashes. A seizure exports exactly one record, chosen by the physician (RIGHTS-5); a
transmission first records the patient's consent (CONT-1).
"""

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cabinet.documents import content, formulas
from cabinet.documents.layout import Document
from cabinet.domain.record import (
    DOCUMENT_TYPES,
    PRIVATE_NOTE_CATEGORIES,
    EntryKind,
    latest_vital,
)
from cabinet.domain.rights import RightsError, Seizure
from cabinet.errors import InvalidInput
from cabinet.exchange import envelope, xdm
from cabinet.exchange.staging import CancelToken, Stage, staged_folder, write_file
from cabinet.services.archive_gate import record_hold
from cabinet.services.auditing import audited, not_audited
from cabinet.services.issuing import ExportResult, Output, PracticeService, inventory
from cabinet.services.ports import StoredVersion

if TYPE_CHECKING:
    from cabinet.documents.signing import DocumentSigner

SEIZURE_PARTS: tuple[tuple[str, str, frozenset[EntryKind]], ...] = (
    ("01-synthese", "Identité et synthèse", frozenset({
        EntryKind.ALLERGY, EntryKind.HISTORY, EntryKind.RISK_FACTOR, EntryKind.TREATMENT,
        EntryKind.ADVANCE_DIRECTIVE, EntryKind.CONSENT})),
    ("02-consultations", "Consultations", frozenset({EntryKind.ENCOUNTER})),
    ("03-ordonnances", "Ordonnances", frozenset({EntryKind.PRESCRIPTION})),
    ("04-documents", "Liste des documents", frozenset({EntryKind.DOCUMENT})),
    ("05-notes-personnelles", "Notes personnelles du médecin",
     frozenset({EntryKind.PRIVATE_NOTE})),
)
STRUCTURED_SCHEMA = "cabinet.record/1"
_SHOWN_ONLY = ("lays out in memory the text the physician typed under the administrative "
               "identity of the record already open (its opening is journaled); nothing is "
               "written or signed, the signature that follows is journaled")


@dataclass(frozen=True)
class Prepared:
    """A certificate or a letter as laid out for the physician to read before « Signer ».

    `sign_prepared` signs this very `document`; `preview` is its unsigned PDF/A and `text`
    that PDF's whole text, the way a text extractor reads it.
    """

    patient_id: int
    purpose: str  # "certificate" or "letter"
    recipient: str
    document: Document
    preview: bytes = b""
    text: str = ""


@dataclass(frozen=True)
class Transmission:
    """What goes to a colleague (CONT-1), and the patient's consent or request."""

    parts: frozenset[EntryKind]
    recipient: str
    consent: str
    recipient_certificate: bytes | None = None


def withheld_categories(entries: Iterable[StoredVersion]) -> dict[str, int]:
    """Non-communicable notes counted by category, never quoted (REC-2)."""
    counts: dict[str, int] = {}
    for entry in entries:
        if entry.kind == EntryKind.PRIVATE_NOTE.value:
            label = PRIVATE_NOTE_CATEGORIES[entry.payload["category"]]
            counts[label] = counts.get(label, 0) + 1
    return counts


def original_name(entry: StoredVersion) -> str:
    """A stored document's file name inside an export: its number and a safe extension."""
    suffix = Path(entry.payload["filename"]).suffix.lower()
    safe = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ".bin"
    return f"document-{entry.lineage:06d}{safe}"


def structured_copy(patient_id: int, identity: dict[str, Any],
                    entries: Sequence[StoredVersion]) -> bytes:
    """The record as documented JSON (schema `cabinet.record/1`, described in the file)."""
    return json.dumps({
        "schema": STRUCTURED_SCHEMA,
        "description": "Copie structurée d'un dossier Cabinet : identité, puis chaque entrée "
                       "(type, date, auteur, version, contenu). Les dates sont au format ISO "
                       "8601 ; les documents joints sont désignés par leur empreinte SHA-256.",
        "patient": {"id": patient_id, **identity},
        "entries": [{"kind": e.kind, "lineage": e.lineage, "version": e.version,
                     "date": e.effective_date, "author": e.author, "created_at": e.created_at,
                     "reason": e.reason, "content": e.payload} for e in entries],
    }, ensure_ascii=False, indent=2).encode()


class ExportService(PracticeService):
    """Issue signed documents and export records, one journaled event each."""

    @audited
    def prescription(self, lineage: int, out: Output) -> ExportResult:
        """The signed ordonnance of a stored prescription, written to `destination`."""
        entry, pdf = self._signed_prescription(lineage, out.signer)
        written = write_file(out.destination,
                             f"ordonnance-{self._issuer.stamp()}-{lineage}.pdf", pdf, out.cancel)
        self._issuer.journal_export("prescription", entry.patient_id, "patient", [written],
                                    target=f"entry:{lineage}")
        return ExportResult(str(out.destination / written.name), (written,))

    @audited
    def keep_prescription(self, lineage: int, signer: "DocumentSigner",
                          cancel: CancelToken) -> int:
        """Sign the ordonnance of a stored prescription and keep it in the record, to print.

        The signed PDF kept in the vault is the reference: what is printed is read from
        there. Returns the kept document's lineage; nothing is kept once `cancel` is set.
        """
        entry, pdf = self._signed_prescription(lineage, signer)
        cancel.check()
        return self._keep(entry.patient_id, "prescription", entry.payload["date"],
                          f"ordonnance-{self._issuer.stamp()}-{lineage}.pdf", pdf)

    @audited
    def keep_summary(self, patient_id: int, signer: "DocumentSigner",
                     cancel: CancelToken) -> int:
        """Sign the record's summary and keep it in the record, to print; its lineage.

        The summary is the seizure's first part: identity, allergies, history, risk factors,
        treatments, advance directives and consents, never the private notes.
        """
        entries = self._records.open_record(patient_id).entries
        pdf = self._issuer.sign(content.record(
            self._issuer.letterhead(), self._issuer.identity(patient_id), entries, {},
            sections=SEIZURE_PARTS[0][2], title=DOCUMENT_TYPES["summary"]), signer)
        cancel.check()
        return self._keep(patient_id, "summary", self._issuer.today().isoformat(),
                          f"synthese-{self._issuer.stamp()}.pdf", pdf)

    def _keep(self, patient_id: int, doc_type: str, day: str, filename: str,
              pdf: bytes) -> int:
        """A signed PDF of this practice kept in the record as a document; its lineage."""
        return self._records.add_document(patient_id, {
            "doc_type": doc_type, "title": f"{DOCUMENT_TYPES[doc_type]} (signé)",
            "origin": self._trail.actor.name, "date": day, "filename": filename,
            "media_type": "application/pdf"}, pdf)

    def _signed_prescription(self, lineage: int,
                             signer: "DocumentSigner") -> tuple[StoredVersion, bytes]:
        entry = self._records.entry_history(lineage)[-1]
        if entry.kind != EntryKind.PRESCRIPTION.value:
            raise InvalidInput("Cette entrée n'est pas une ordonnance.")
        encounters = [e.payload for e in self._store.current_entries(entry.patient_id)
                      if e.kind == EntryKind.ENCOUNTER.value]
        day = entry.payload["date"]
        document = content.prescription(
            self._issuer.letterhead(), self._issuer.identity(entry.patient_id), entry,
            weight=latest_vital(encounters, "weight", day),
            height=latest_vital(encounters, "height", day))
        return entry, self._issuer.sign(document, signer)

    @not_audited("reads the physician's settings and the administrative identity of the "
                 "record already open, to offer the customary formula")
    def certificate_formula(self, patient_id: int) -> formulas.Formula:
        """« Je soussignée, Dr …, certifie avoir examiné ce jour … » and the usual closing.

        Refused (French) while the settings name no prescriber: nothing could be signed.
        """
        self._issuer.require_prescriber()
        letterhead = self._issuer.letterhead()
        return formulas.certificate(letterhead.physician, letterhead.sex,
                                    self._issuer.identity(patient_id))

    @not_audited("the same greeting and closing for every letter; reads the settings only")
    def letter_formula(self) -> formulas.Formula:
        """« Cher confrère, chère consœur, » and the usual closing (refused without prescriber)."""
        self._issuer.require_prescriber()
        return formulas.letter()

    @not_audited(_SHOWN_ONLY)
    def prepare_certificate(self, patient_id: int, statement: str) -> Prepared:
        """The certificate laid out as it will be signed, for the physician to read first."""
        return self._shown(self._certificate(patient_id, statement))

    @not_audited(_SHOWN_ONLY)
    def prepare_letter(self, patient_id: int, recipient: str, message: str) -> Prepared:
        """The letter laid out as it will be signed, for the physician to read first."""
        return self._shown(self._letter(patient_id, recipient, message))

    @audited
    def sign_prepared(self, prepared: Prepared, out: Output) -> ExportResult:
        """Sign the document the physician read, write it, keep it in the record."""
        return self._issue_and_keep(prepared, out)

    @audited
    def certificate(self, patient_id: int, statement: str, out: Output) -> ExportResult:
        """A signed medical certificate, also kept in the record: the text as typed."""
        return self._issue_and_keep(self._certificate(patient_id, statement), out)

    @audited
    def letter(self, patient_id: int, recipient: str, message: str,
               out: Output) -> ExportResult:
        """A signed letter to a colleague, also kept in the record."""
        return self._issue_and_keep(self._letter(patient_id, recipient, message), out)

    def _certificate(self, patient_id: int, statement: str) -> Prepared:
        if not statement.strip():
            raise InvalidInput("Le texte du certificat est vide.")
        self._issuer.require_prescriber()
        document = content.certificate(self._issuer.letterhead(),
                                       self._issuer.identity(patient_id), statement,
                                       self._issuer.today())
        return Prepared(patient_id, "certificate", "patient", document)

    def _letter(self, patient_id: int, recipient: str, message: str) -> Prepared:
        if not recipient.strip() or not message.strip():
            raise InvalidInput("Indiquez le destinataire et le texte du courrier.")
        self._issuer.require_prescriber()
        document = content.letter(self._issuer.letterhead(), self._issuer.identity(patient_id),
                                  recipient, message, self._issuer.today())
        return Prepared(patient_id, "letter", recipient, document)

    def _shown(self, prepared: Prepared) -> Prepared:
        from cabinet.documents.issue import text_of

        pdf = self._issuer.preview(prepared.document)
        return dataclasses.replace(prepared, preview=pdf, text=text_of(pdf))

    def _issue_and_keep(self, prepared: Prepared, out: Output) -> ExportResult:
        patient_id, purpose = prepared.patient_id, prepared.purpose
        pdf = self._issuer.sign(prepared.document, out.signer)
        name = f"{'certificat' if purpose == 'certificate' else 'courrier'}-{self._issuer.stamp()}"
        written = write_file(out.destination, f"{name}.pdf", pdf, out.cancel)
        doc_type = "certificate" if purpose == "certificate" else "letter_sent"
        self._records.add_document(patient_id, {
            "doc_type": doc_type, "title": f"{DOCUMENT_TYPES[doc_type]} signé",
            "origin": self._trail.actor.name, "date": self._issuer.today().isoformat(),
            "filename": written.name, "media_type": "application/pdf"}, pdf)
        self._issuer.journal_export(purpose, patient_id, prepared.recipient, [written])
        return ExportResult(str(out.destination / written.name), (written,))

    @audited
    def transmit(self, patient_id: int, request: Transmission, out: Output) -> ExportResult:
        """Chosen parts as signed PDF + JSON in an XDM zip, encrypted when a certificate is given.

        The patient's consent (or request) is written into the record first.
        """
        recipient, consent = request.recipient.strip(), request.consent.strip()
        if not recipient or not consent:
            raise InvalidInput("Indiquez le destinataire et le consentement (ou la demande) du "
                               "patient.")
        parts = request.parts - {EntryKind.PRIVATE_NOTE}
        if not parts:
            raise InvalidInput("Choisissez au moins une partie du dossier à transmettre.")
        certificate = (envelope.recipient_certificate(request.recipient_certificate)
                       if request.recipient_certificate else None)
        self._records.add_entry(patient_id, EntryKind.CONSENT, {
            "topic": "sharing", "choice": "agrees", "date": self._issuer.today().isoformat(),
            "note": f"Transmission à {recipient} : {consent}"[:500]})
        record = self._records.open_record(patient_id)
        chosen = [e for e in record.entries if EntryKind(e.kind) in parts]
        identity = self._issuer.identity(patient_id)
        letterhead = self._issuer.letterhead()
        pdf = self._issuer.sign(content.record(letterhead, identity, chosen, {}, sections=parts,
                                               title="Dossier transmis"), out.signer)
        identity_data = self._store.identity_versions(patient_id)[-1].payload
        packed = [xdm.PackedDocument("DOSSIER.PDF", "Dossier transmis (PDF signé)",
                                     "application/pdf", pdf),
                  xdm.PackedDocument("DOSSIER.JSON", "Copie structurée du dossier",
                                     "application/json",
                                     structured_copy(patient_id, identity_data, chosen))]
        for entry in (e for e in chosen if e.kind == EntryKind.DOCUMENT.value):
            out.cancel.check()
            packed.append(xdm.PackedDocument(original_name(entry).upper(), entry.payload["title"],
                                             entry.payload["media_type"],
                                             self._store.get_blob(entry.payload["sha256"])))
        created = self._trail.clock.now().astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
        package = xdm.package(packed, patient_id=identity.ins_number or str(patient_id),
                              author=letterhead.physician or self._trail.actor.name,
                              created=created)
        name = f"transmission-{self._issuer.stamp()}.zip"
        if certificate is not None:
            package, name = envelope.encrypt_for(package, certificate), name + ".p7m"
        written = write_file(out.destination, name, package, out.cancel)
        self._issuer.journal_export("transmission", patient_id, recipient, [written])
        return ExportResult(str(out.destination / written.name), (written,))

    @audited
    def seize(self, patient_id: int, seizure: Seizure, out: Output) -> ExportResult:
        """Export one record for a judicial seizure: signed parts, report, inventory.

        The seized record is put under legal hold (RET-1): never proposed for destruction
        until the physician lifts the hold, with its reason.
        """
        try:
            seizure = seizure.validated()
        except RightsError as error:
            raise InvalidInput(str(error)) from None
        record = self._records.open_record(patient_id)
        history = self._journal.access_history(patient_id)
        identity = self._issuer.identity(patient_id)
        letterhead = self._issuer.letterhead()
        name = f"saisie-judiciaire-{self._issuer.stamp()}"
        signer = out.signer
        with staged_folder(out.destination, name, out.cancel) as stage:
            for prefix, title, kinds in SEIZURE_PARTS:
                chosen = [e for e in record.entries if EntryKind(e.kind) in kinds]
                document = content.record(letterhead, identity, chosen, {}, sections=kinds,
                                          title=title)
                stage.add(f"{prefix}.pdf", self._issuer.sign(document, signer))
            self._add_originals(stage, record.of_kind(EntryKind.DOCUMENT), "04-documents")
            stage.add("06-historique-des-acces.pdf", self._issuer.sign(
                content.access_history(letterhead, identity, history), signer))
            report = content.seizure_report(letterhead, identity, seizure, stage.files,
                                            self._trail.clock.now())
            stage.add("00-proces-verbal.pdf", self._issuer.sign(report, signer))
            stage.add("INVENTAIRE.txt", inventory(stage.files))
            files = tuple(stage.files)
            self._issuer.journal_export("seizure", patient_id, seizure.magistrate, files,
                                        target=f"seizure:{seizure.decision_reference}")
            record_hold(self._retention, self._trail, patient_id, placed=True,
                        reason=f"Saisie judiciaire (décision {seizure.decision_reference})",
                        since=self._issuer.today().isoformat())
        return ExportResult(str(out.destination / name), files)

    def _add_originals(self, stage: Stage, documents: Sequence[StoredVersion],
                       folder: str) -> None:
        for entry in documents:
            stage.add(f"{folder}/{original_name(entry)}",
                      self._store.get_blob(entry.payload["sha256"]))
