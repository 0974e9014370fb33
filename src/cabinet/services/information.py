"""What a patient was told of their data, and what they decided (RIGHTS-1, RIGHTS-2, RIGHTS-3).

The date and the means of the information given sit beside the consents and objections the
record holds, and beside the mentions of its erasures: the patient's rights in one place.
"""

import datetime as dt
from dataclasses import dataclass

from cabinet.domain.audit import Action
from cabinet.domain.compliance import INFORMATION_MEANS, InformationGiven
from cabinet.domain.erasure import ErasureRow
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput
from cabinet.services.auditing import AuditTrail, audited
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import RecordStore, StoredVersion
from cabinet.services.rights_ports import ComplianceStore, ErasureStore


@dataclass(frozen=True)
class RightsSummary:
    """One record's information given, consents and objections, and erasures."""

    information: list[InformationGiven]
    consents: list[StoredVersion]
    erasures: list[ErasureRow]


class InformationService:
    """Record the information given to a patient; show it with their decisions."""

    def __init__(self, store: RecordStore, compliance: ComplianceStore, erasures: ErasureStore,
                 trail: AuditTrail) -> None:
        self._store = store
        self._compliance = compliance
        self._erasures = erasures
        self._trail = trail

    @audited
    def record_information(self, patient_id: int, given_on: dt.date | None,
                           means: str) -> None:
        """Note that the patient was informed, that day, by that means."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        if means not in INFORMATION_MEANS:
            raise InvalidInput("Choisissez comment le patient a été informé. Rien n'a été "
                               "enregistré.")
        if given_on is None or given_on > self._trail.clock.now().date():
            raise InvalidInput("Indiquez le jour où le patient a été informé (pas dans le "
                               "futur). Rien n'a été enregistré.")
        self._compliance.add_information(InformationGiven(
            patient_id, given_on.isoformat(), means, self._trail.now(), self._trail.actor.name))
        self._trail.record(Action.CREATE, patient_id=patient_id, target="information",
                           detail=INFORMATION_MEANS[means])

    @audited
    def rights(self, patient_id: int) -> RightsSummary:
        """The information given, the consents and objections, the erasures of a record."""
        if not self._store.patient_exists(patient_id):
            raise UnknownPatient
        consents = [e for e in self._store.current_entries(patient_id)
                    if e.kind == EntryKind.CONSENT.value]
        summary = RightsSummary(self._compliance.information(patient_id), consents,
                                self._erasures.erasures(patient_id))
        self._trail.record(Action.READ, patient_id=patient_id, target="rights")
        return summary
