"""The address book of correspondents, its import from the Annuaire Santé, and the patients' links.

The book holds colleagues' public professional data; every change to it is journaled, and so
is every link between a patient and a correspondent (the médecin traitant, usual ones), which
says something about the patient. An import is checked whole before anything is written and
runs in one transaction: a bad row leaves the book as it was.
"""

from dataclasses import replace

from cabinet.domain.audit import Action
from cabinet.domain.correspondents import Correspondent, CorrespondentError, checked, read_directory
from cabinet.errors import InvalidInput, KnownError
from cabinet.exchange import envelope
from cabinet.services.auditing import audited, not_audited
from cabinet.services.issuing import Practice, PracticeService
from cabinet.services.patients import UnknownPatient
from cabinet.services.writing_ports import CorrespondentStore

ROLES = {"treating": "médecin traitant", "usual": "correspondant habituel"}
BOOK = "correspondents"


class CorrespondentService(PracticeService):
    """Keep the address book and the patients' correspondents."""

    def __init__(self, practice: Practice, store: CorrespondentStore) -> None:
        super().__init__(practice)
        self._book = store

    @not_audited("the address book: colleagues' public professional data, no patient")
    def book(self) -> list[Correspondent]:
        """Every correspondent, by name."""
        return self._book.correspondents()

    def _known(self, correspondent_id: int) -> Correspondent:
        found = self._book.correspondent(correspondent_id)
        if found is None:
            raise InvalidInput("Ce correspondant n'est plus dans le carnet d'adresses.")
        return found

    def _patient(self, patient_id: int) -> None:
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient

    @audited
    def save(self, person: Correspondent) -> int:
        """Add or correct a correspondent; refused (French) when a field is wrong."""
        try:
            person = checked(person)
        except CorrespondentError as error:
            raise InvalidInput(str(error)) from None
        if person.id:
            self._known(person.id)
        if person.certificate:
            try:
                envelope.recipient_certificate(person.certificate)
            except KnownError as error:
                raise InvalidInput(f"Certificat du correspondant : {error.message}") from None
        holder = self._book.correspondent_by_rpps(person.rpps) if person.rpps else None
        if holder is not None and holder.id != person.id:
            raise InvalidInput(f"Ce numéro RPPS est déjà celui de {holder.name}.")
        number = self._book.put_correspondent(person, self._trail.now())
        self._trail.record(Action.ADMIN, target=f"correspondent:{number}",
                           detail="correspondant corrigé" if person.id else "correspondant ajouté")
        return number

    @audited
    def remove(self, correspondent_id: int) -> None:
        """Remove a correspondent from the book and from the records it was linked to."""
        self._known(correspondent_id)
        self._book.drop_correspondent(correspondent_id)
        self._trail.record(Action.ADMIN, target=f"correspondent:{correspondent_id}",
                           detail="correspondant supprimé")

    @audited
    def import_directory(self, data: bytes) -> tuple[int, int]:
        """Add or update the book from an Annuaire Santé extraction; (added, updated).

        A known RPPS number is updated in place, keeping a phone or MSSanté address the file
        leaves empty.
        """
        try:
            found = read_directory(data)
        except CorrespondentError as error:
            raise InvalidInput(str(error)) from None
        added = updated = 0
        now = self._trail.now()
        for row in found:
            known = self._book.correspondent_by_rpps(row.rpps)
            if known is None:
                added += 1
            else:
                updated += 1
                row = replace(row, address=row.address or known.address,  # noqa: PLW2901
                              phone=row.phone or known.phone,
                              mssante=row.mssante or known.mssante, id=known.id,
                              certificate=known.certificate)
            self._book.put_correspondent(row, now)
        self._trail.record(Action.ADMIN, target=BOOK, detail=(
            f"import de l'Annuaire Santé : {added} ajouté(s), {updated} mis à jour"))
        return added, updated

    @audited
    def of_patient(self, patient_id: int) -> list[tuple[Correspondent, str]]:
        """The patient's correspondents and their role, the médecin traitant first."""
        self._patient(patient_id)
        linked = self._book.linked(patient_id)
        self._trail.record(Action.READ, patient_id=patient_id, target=BOOK)
        return linked

    @audited
    def link(self, patient_id: int, correspondent_id: int, role: str) -> None:
        """Name a correspondent the patient's médecin traitant or a usual correspondent."""
        if role not in ROLES:
            raise InvalidInput("Rôle de correspondant inconnu.")
        self._patient(patient_id)
        self._known(correspondent_id)
        self._book.link(patient_id, correspondent_id, role)
        self._trail.record(Action.CREATE, patient_id=patient_id,
                           target=f"correspondent:{correspondent_id}", detail=ROLES[role])

    @audited
    def unlink(self, patient_id: int, correspondent_id: int) -> None:
        """Remove a correspondent from the patient's."""
        self._book.unlink(patient_id, correspondent_id)
        self._trail.record(Action.CORRECT, patient_id=patient_id,
                           target=f"correspondent:{correspondent_id}", detail="lien retiré")
