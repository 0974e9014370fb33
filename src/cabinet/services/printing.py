"""Printing a document kept in the record: the stored bytes go to the printer, journaled.

What is printed is read from the vault at the moment it is printed, so the paper is always
the signed PDF the record keeps (never a copy the window held). Each print is one journal
event « Impression »: the document, the print system's job (named after its printer), the
copies and the printed bytes' SHA-256.
"""

import hashlib

from cabinet.domain.audit import Action, with_digest
from cabinet.exchange.printing import PrintRequest, send
from cabinet.services.auditing import audited
from cabinet.services.issuing import PracticeService


class PrintService(PracticeService):
    """Hands the record's documents to the operating system's print system."""

    @audited
    def print_document(self, lineage: int, request: PrintRequest) -> str:
        """Queue the stored document `lineage` as it is kept; the print system's job id.

        Raises `KnownError` in French when it cannot be printed (no print system, refused).
        """
        pdf = self._records.read_document(lineage)
        job = send(pdf, request)
        patient_id = self._store.entry_versions(lineage)[-1].patient_id
        self._trail.record(Action.PRINT, patient_id=patient_id, target=f"entry:{lineage}",
                           detail=with_digest(f"travail {job}, {request.copies} exemplaire(s)",
                                              hashlib.sha256(pdf).hexdigest()))
        return job
