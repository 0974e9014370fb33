"""Import a checked portability archive into the successor's vault, all or nothing (CONT-3).

`prepare` has the opened archive check itself whole (`ArchiveSource`, implemented by
`cabinet.archive.reader`) without holding the vault, then finds the patients who
may already be here (same NIR, or same birth name and birth date): the physician decides for
each one, never the software. `run` then writes, in one transaction with its audit events,
every chosen patient with every version of every entry under its original author and time,
each file, the provenance of every row, and the predecessor's journal, kept apart and
read-only. A failure anywhere rolls everything back.

Whoever can make a certificate can put the predecessor's name in it: the signer must chain to
the practice's trust anchors, or the successor types the certificate's fingerprint as the
predecessor read it to them by another channel (journaled). A demo vault's certificate proves
nothing and never enters a real vault.
"""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509

from cabinet.domain.audit import Action, ChainReport, ChainWalker
from cabinet.domain.identity import identity_from_dict
from cabinet.domain.portability import EXPORT_TYPES
from cabinet.domain.record import searchable_text
from cabinet.domain.text import fold
from cabinet.domain.wording import french_datetime
from cabinet.errors import KnownError
from cabinet.services.agenda import AgendaService
from cabinet.services.auditing import audited, audited_in_step, not_audited
from cabinet.services.issuing import Practice, PracticeService
from cabinet.services.patients import index_patient
from cabinet.services.portability.ports import ArchiveSource, CheckedView, PatientView, Progress
from cabinet.services.ports import ImportedArchive, NewEntry


class ImportRefused(KnownError):
    """The archive cannot be imported here; the message says why, nothing was written."""


UNVOUCHED = ("Le certificat qui a signé l'archive n'est reconnu par aucune autorité de "
             "confiance du cabinet : n'importe qui peut fabriquer un certificat à ce nom. "
             "Demandez au médecin qui a exporté l'archive de vous lire l'empreinte SHA-256 de "
             "son certificat par un autre moyen (téléphone, en personne) et tapez-la. Import "
             "refusé.")
_NOT_HEX = re.compile(r"[\s:]")


@dataclass(frozen=True)
class Duplicate:
    """An incoming patient who may already be in this vault."""

    archive: str
    incoming: str
    existing: tuple[int, ...]
    reason: str


@dataclass
class Prepared:
    """A checked archive, what it holds, and what needs the physician's decision."""

    checked: CheckedView
    duplicates: list[Duplicate] = field(default_factory=list)
    demo_vault: bool = False
    typed_fingerprint: str = ""  # the signer's, as typed by the successor and found equal

    @property
    def needs_fingerprint(self) -> bool:
        """Whether no anchor vouches for the signer (a demo certificate does in a demo vault)."""
        signer = self.checked.signer
        return not signer.trusted and not (signer.demo and self.demo_vault)

    def summary(self) -> list[str]:
        """French lines for the confirmation dialog and the command line."""
        m = self.checked.manifest
        signer = self.checked.signer
        lines = [
            f"Exportée par : {signer.name} (RPPS {signer.rpps or '—'}), signature vérifiée",
            f"Certificat du signataire : {'reconnu' if signer.trusted else 'NON reconnu'} par "
            f"les autorités de confiance du cabinet ; empreinte SHA-256 "
            f"{signer.certificate_sha256}",
            f"Date de l'export : {french_datetime(m.extract_time)}",
            f"Type : {m.export_type} ({EXPORT_TYPES[m.export_type]}), statut "
            f"{m.status}",
            f"Patients : {self.checked.patients} ; entrées (toutes versions) : "
            f"{self.checked.entries} ; documents : {self.checked.documents}",
            f"Taille : {self.checked.size / 1e6:.1f} Mo".replace(".", ","),
        ]
        if self.checked.journal is not None:
            lines.append(f"Journal du prédécesseur : {self.checked.journal.summary()}")
        lines += [f"Attention : {u}" for u in self.checked.unusual]
        if self.duplicates:
            lines.append(f"Doublons possibles : {len(self.duplicates)} patient(s) déjà "
                         "présent(s), à décider un par un")
        return lines


class ArchiveImporter(PracticeService):
    """Checks then imports archives; the successor's own journal records the import."""

    def __init__(self, practice: Practice, agenda: AgendaService | None = None, *,
                 demo_vault: bool = False) -> None:
        super().__init__(practice)
        self._agenda = agenda  # where an archive's AGENDA.ICS goes
        self._demo_vault = demo_vault

    @audited_in_step
    def prepare(self, reader: ArchiveSource, progress: Progress | None = None,
                anchors: Sequence[x509.Certificate] = ()) -> Prepared:
        """Check the whole archive and list possible duplicates; nothing is written.

        `anchors` are the practice's trust roots: a signer they do not vouch for needs
        `confirm_signer` before `run`. The check reads the
        archive only, without holding the vault; the vault is read, and the reads journaled,
        in one short transaction after it.
        """
        incoming: list[tuple[str, dict[str, Any]]] = []

        def note_identity(patient: PatientView) -> None:
            incoming.append((patient.archive, patient.record["identity_versions"][-1]["data"]))

        return self._judge(reader.check(progress, note_identity, anchors), incoming)

    @audited
    def _judge(self, checked: CheckedView,
               incoming: list[tuple[str, dict[str, Any]]]) -> Prepared:
        """Refuse an archive already imported, find the possible duplicates, journal the reads."""
        if checked.signer.demo and not self._demo_vault:
            raise ImportRefused("Cette archive est signée par le certificat de démonstration "
                                "(sans valeur) : elle ne peut pas entrer dans le coffre du "
                                "cabinet. Import refusé.")
        for earlier in self._same_number(checked):
            checked.unusual.append(
                f"une autre archive portant le même numéro d'export, signée par {earlier.exporter} "
                f"(empreinte {earlier.certificate_sha256[:16]}…), a été importée le "
                f"{french_datetime(earlier.imported_at)} : vérifiez auprès du médecin sortant "
                "laquelle est la sienne")
        duplicates = [d for archive, identity in incoming
                      if (d := self._duplicate(archive, identity)) is not None]
        if checked.journal is not None and not checked.journal.intact:
            checked.unusual.append("le journal des accès du prédécesseur est altéré")
        if checked.signer.demo:
            checked.unusual.append("archive signée par le certificat de démonstration (sans "
                                   "valeur)")
        elif not checked.signer.trusted:
            checked.unusual.append("le certificat du signataire n'est reconnu par aucune "
                                   "autorité de confiance du cabinet : l'import demande son "
                                   "empreinte, lue par le médecin qui a exporté l'archive")
        if checked.manifest.status != "COMPLETE":
            checked.unusual.append(f"export de statut {checked.manifest.status}")
        for patient_id in sorted({p for d in duplicates for p in d.existing}):
            self._trail.record(Action.READ, patient_id=patient_id, target="possible duplicate",
                               detail=checked.manifest.export_id)
        self._trail.record(Action.READ, target="portability archive",
                           detail=f"{checked.manifest.export_id} vérifiée")
        return Prepared(checked, duplicates, self._demo_vault)

    @not_audited("compares a typed fingerprint with the checked signature's; `run` journals it")
    def confirm_signer(self, prepared: Prepared, typed: str) -> None:
        """Accept a signer no anchor vouches for, on the fingerprint the predecessor read out."""
        fingerprint = _NOT_HEX.sub("", typed).lower()
        if not fingerprint:
            raise ImportRefused(UNVOUCHED)
        if fingerprint != prepared.checked.signer.certificate_sha256:
            raise ImportRefused("L'empreinte tapée n'est pas celle du certificat qui a signé "
                                "l'archive : elle n'est pas celle que le médecin sortant vous a "
                                "donnée, ou l'archive n'est pas la sienne. Import refusé.")
        prepared.typed_fingerprint = fingerprint

    def _same_number(self, checked: CheckedView) -> list[ImportedArchive]:
        """Other archives imported under this export number; refuse this very one twice.

        Already imported means the same signed manifest from the same certificate: a forgery
        reusing a genuine export number must never block the genuine archive (CONT-3).
        """
        earlier = self._portability.archives_numbered(checked.manifest.export_id)
        if any(bytes(a.manifest) == checked.manifest_xml
               and a.certificate_sha256 == checked.signer.certificate_sha256 for a in earlier):
            raise ImportRefused("Cette archive a déjà été importée dans ce coffre.")
        return earlier

    def _duplicate(self, archive: str, identity: dict[str, Any]) -> Duplicate | None:
        nir, birth_date = identity.get("nir", ""), identity["birth_date"]
        same_nir, same_name = [], []
        for patient_id, here in self._portability.find_duplicates(nir, birth_date):
            if nir and here.get("nir") == nir:
                same_nir.append(patient_id)
            elif here["birth_date"] == birth_date and \
                    fold(here["birth_name"]) == fold(identity["birth_name"]):
                same_name.append(patient_id)
        if not same_nir and not same_name:
            return None
        reason = "même NIR" if same_nir else "même nom de naissance et date de naissance"
        return Duplicate(archive, identity_from_dict(identity).display_name(),
                         tuple(same_nir + same_name), reason)

    @audited
    def run(self, reader: ArchiveSource, prepared: Prepared, skip: Collection[str] = (),
            progress: Progress | None = None) -> dict[str, int]:
        """Import every patient but those in `skip` (archive names the physician set aside).

        Every possible duplicate must be decided: imported as a separate record, or skipped.
        """
        checked = prepared.checked
        if prepared.needs_fingerprint and not prepared.typed_fingerprint:
            raise ImportRefused(UNVOUCHED)
        self._same_number(checked)
        archive_ref = self._portability.add_archive(ImportedArchive(
            checked.manifest.export_id, checked.manifest_xml, checked.signature,
            checked.signer.name, checked.signer.rpps, checked.signer.certificate_sha256,
            checked.manifest.extract_time, self._trail.now(), self._trail.actor.name))
        imported = {"patients": 0, "entries": 0, "files": 0, "journal": 0, "appointments": 0}
        numbers: dict[int, int] = {}  # the predecessor's patient numbers, here
        patients = [a for a in checked.manifest.archives if a.kind == "Patient"]
        for number, entry in enumerate(patients, start=1):
            if entry.name.removesuffix(".ZIP") not in skip:
                counts = self._import_patient(reader.patient(entry), archive_ref,
                                              checked.manifest.export_id, numbers)
                imported["patients"] += 1
                imported["entries"] += counts[0]
                imported["files"] += counts[1]
            if progress is not None:
                progress(number, len(patients))
        for entry in checked.manifest.archives:
            if entry.kind == "Transverse":
                walker = ChainWalker()
                for page in reader.journal_pages(entry):
                    if walker.broken is None:
                        walker.feed(page)
                    self._portability.add_predecessor_events(archive_ref, page)
                    imported["journal"] += len(page)
                if walker.report() != checked.journal:
                    raise ImportRefused("Le journal du prédécesseur a changé entre la "
                                         "vérification et l'import : import annulé.")
                if (calendar := reader.agenda(entry)) is not None and self._agenda:
                    imported["appointments"] = self._agenda.import_calendar(calendar,
                                                                            numbers.get)
        if prepared.typed_fingerprint:
            self._trail.record(Action.CREATE, target="portability signer",
                               detail=f"{checked.manifest.export_id} certificat non reconnu, "
                                      f"empreinte tapée {prepared.typed_fingerprint}")
        self._trail.record(Action.CREATE, target="portability import",
                           detail=f"{checked.manifest.export_id} {imported}")
        return imported

    def _import_patient(self, patient: PatientView, archive_ref: int, export_id: str,
                        numbers: dict[int, int]) -> tuple[int, int]:
        record: dict[str, Any] = patient.record
        patient_id = self._portability.add_patient_as(record["created_at"],
                                                      record["created_by"])
        numbers[record["source_patient_id"]] = patient_id
        for version in record["identity_versions"]:
            self._store.add_identity_version(patient_id, version["data"], version["author"],
                                             version["created_at"], version["reason"])
        index_patient(self._store, patient_id,
                      identity_from_dict(record["identity_versions"][-1]["data"]))
        for sha256, blob in patient.blobs.items():
            self._store.put_blob(sha256, blob)
        lineages: dict[int, int] = {}
        pairs = []
        for entry in record["entries"]:
            local = self._store.add_entry(NewEntry(
                patient_id=patient_id, kind=entry["kind"],
                lineage=lineages.get(entry["lineage"]), version=entry["version"],
                effective_date=entry["effective_date"], payload=entry["payload"],
                non_communicable=entry["non_communicable"], author=entry["author"],
                created_at=entry["created_at"], reason=entry["reason"],
                text=searchable_text(entry["payload"])))
            lineages.setdefault(entry["lineage"], local)
            pairs.append((local, entry["id"]))
        self._portability.add_provenance(archive_ref, "patient",
                                         [(patient_id, record["source_patient_id"])])
        self._portability.add_provenance(archive_ref, "entry", pairs)
        self._trail.record(Action.CREATE, patient_id=patient_id, target="portability import",
                           detail=export_id)
        return len(pairs), len(patient.blobs)

    @audited
    def verify_predecessor_journal(self, archive_ref: int) -> ChainReport:
        """Check the chain of an imported predecessor journal, as kept here (it names patients)."""
        walker = ChainWalker()
        while page := self._portability.predecessor_events(archive_ref, walker.last_id, 5000):
            if not walker.feed(page):
                break
        self._trail.record(Action.READ, target="predecessor journal", detail=str(archive_ref))
        return walker.report()
