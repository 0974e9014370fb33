"""The patient's right of access (RIGHTS-4): the request register and the copy itself.

A request names who asks, in what capacity, how their identity and standing were checked,
and when it arrived; the legal dates follow from it and stay shown until the copy is given.
The copy is the signed PDF of the record without the non-communicable notes (withheld and
listed by category only), the stored documents, optionally the access history (TRACE-4),
and an inventory of hashes, written to the chosen folder or medium.
"""

import dataclasses
import datetime as dt
from dataclasses import dataclass

from cabinet.documents import content
from cabinet.domain.audit import Action
from cabinet.domain.record import EntryKind
from cabinet.domain.rights import (
    REQUESTERS,
    CopyRequest,
    LegalDates,
    RightsError,
    legal_dates,
    validate_request,
)
from cabinet.errors import InvalidInput, KnownError
from cabinet.exchange.staging import staged_folder
from cabinet.services.auditing import audited
from cabinet.services.exports import original_name, withheld_categories
from cabinet.services.issuing import ExportResult, Output, PracticeService, inventory
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import CopyRequestRow


@dataclass(frozen=True)
class RegisteredRequest:
    """A register line with its legal dates."""

    row: CopyRequestRow
    dates: LegalDates

    @property
    def delivered(self) -> bool:
        """Whether the copy was given."""
        return self.row.delivered_at is not None


class CopyService(PracticeService):
    """Register requests for a copy of the record and deliver the copy."""

    def _dates(self, row: CopyRequestRow) -> LegalDates:
        entries = self._store.current_entries(row.patient_id)
        latest = max((e.effective_date for e in entries if e.effective_date), default="")
        return legal_dates(dt.date.fromisoformat(row.received_on),
                           dt.date.fromisoformat(latest[:10]) if latest else None)

    @audited
    def register(self, patient_id: int, request: CopyRequest) -> int:
        """Write a request into the register; return its number."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        try:
            request = validate_request(request, self._issuer.today())
        except RightsError as error:
            raise InvalidInput(str(error)) from None
        stored = dataclasses.asdict(request)
        stored["received_on"] = request.received_on.isoformat()
        stored["identity_checks"] = list(request.identity_checks)
        request_id = self._store.add_copy_request(patient_id, stored, stored["received_on"],
                                                  self._trail.actor.name, self._trail.now())
        self._trail.record(Action.CREATE, patient_id=patient_id,
                           target=f"copy request:{request_id}", detail=request.requester)
        return request_id

    @audited
    def requests(self, patient_id: int | None = None) -> list[RegisteredRequest]:
        """One patient's requests, or (no patient) every request not yet answered."""
        rows = self._store.copy_requests(patient_id)
        self._trail.record(Action.READ, patient_id=patient_id, target="copy requests")
        return [RegisteredRequest(row, self._dates(row)) for row in rows]

    @audited
    def deliver(self, request_id: int, out: Output, *, with_history: bool) -> ExportResult:
        """Write the copy for a registered request, then mark the request answered."""
        row = next((r for r in self._store.copy_requests(None) if r.request_id == request_id),
                   None)
        if row is None:
            raise KnownError("Cette demande n'existe pas ou a déjà reçu sa copie.")
        dates = self._dates(row)
        if self._issuer.today() < dates.earliest:
            raise KnownError("Le délai de réflexion de 48 heures n'est pas écoulé : la copie "
                             f"peut être remise à partir du {dates.earliest:%d/%m/%Y}.")
        record = self._records.open_record(row.patient_id)
        identity = self._issuer.identity(row.patient_id)
        letterhead = self._issuer.letterhead()
        shared = [e for e in record.entries if e.kind != EntryKind.PRIVATE_NOTE.value]
        name = f"copie-dossier-{self._issuer.stamp()}-demande-{request_id}"
        with staged_folder(out.destination, name, out.cancel) as stage:
            stage.add("dossier-medical.pdf", self._issuer.sign(content.record(
                letterhead, identity, shared, withheld_categories(record.entries),
                title="Copie du dossier médical"), out.signer))
            if with_history:
                history = self._journal.access_history(row.patient_id)
                stage.add("historique-des-acces.pdf", self._issuer.sign(
                    content.access_history(letterhead, identity, history), out.signer))
            for entry in (e for e in shared if e.kind == EntryKind.DOCUMENT.value):
                stage.add(f"documents/{original_name(entry)}",
                          self._store.get_blob(entry.payload["sha256"]))
            stage.add("INVENTAIRE.txt", inventory(stage.files))
            files = tuple(stage.files)
            self._store.mark_copy_delivered(request_id, self._trail.now(), {
                "folder": name, "files": [f.name for f in files], "with_history": with_history})
            self._issuer.journal_export("patient_copy", row.patient_id,
                                        REQUESTERS[row.request["requester"]],
                                        files, target=f"copy request:{request_id}")
        return ExportResult(str(out.destination / name), files)
