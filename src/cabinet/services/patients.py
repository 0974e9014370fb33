"""Patients: create, correct and read identities (REC-1, REC-3), and search them.

Search serves the search-as-you-type field: names by prefix, accent- and case-insensitive,
a birth date typed the French way, or NIR digits. It returns administrative identity only,
never medical content, and is not journaled keystroke by keystroke; opening the record is.
"""

import re

from cabinet.domain.audit import Action
from cabinet.domain.identity import (
    Identity,
    IdentityError,
    identity_from_dict,
    identity_to_dict,
    parse_french_date,
    validate_identity,
)
from cabinet.domain.text import fold, name_tokens
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.auditing import AuditTrail, audited, not_audited
from cabinet.services.ports import PatientRow, RecordStore, StoredVersion

SEARCH_LIMIT = 50
_NIR_TYPED = re.compile(r"^[12478][\d\s]{2,}[\dAB\s]*$", re.IGNORECASE)


class UnknownPatient(KnownError):
    """The patient number does not exist in this vault."""

    def __init__(self) -> None:
        super().__init__("Ce patient n'existe pas dans le coffre.")


def index_patient(store: RecordStore, patient_id: int, identity: Identity) -> None:
    """Rebuild the search index rows of a patient from their current identity."""
    family = identity.used_name or identity.birth_name
    row = PatientRow(patient_id, identity.display_name(), identity.birth_date.isoformat(),
                     identity.sex.value, identity.nir)
    tokens = name_tokens(identity.birth_name, identity.used_name, identity.first_names)
    store.reindex_patient(row, fold(f"{family} {identity.first_names}"), tokens)


class PatientService:
    """Identity use cases; each write and read of an identity version is journaled."""

    def __init__(self, store: RecordStore, trail: AuditTrail) -> None:
        self._store = store
        self._trail = trail

    def _validated(self, identity: Identity) -> Identity:
        try:
            return validate_identity(identity, self._trail.clock.now().date())
        except IdentityError as error:
            raise InvalidInput(str(error)) from None

    @audited
    def create(self, identity: Identity) -> int:
        """Create a patient with a first identity version; return the patient number."""
        checked = self._validated(identity)
        now, author = self._trail.now(), self._trail.actor.name
        patient_id = self._store.add_patient(now, author)
        self._store.add_identity_version(patient_id, identity_to_dict(checked), author, now, "")
        index_patient(self._store, patient_id, checked)
        self._trail.record(Action.CREATE, patient_id=patient_id, target="identity")
        return patient_id

    @audited
    def correct(self, patient_id: int, identity: Identity, reason: str) -> int:
        """Store a corrected identity as a new version; the old one stays readable (REC-3)."""
        self._require(patient_id)
        if not reason.strip():
            raise InvalidInput("Indiquez le motif de la correction.")
        checked = self._validated(identity)
        version = self._store.add_identity_version(
            patient_id, identity_to_dict(checked), self._trail.actor.name, self._trail.now(),
            reason)
        index_patient(self._store, patient_id, checked)
        self._trail.record(Action.CORRECT, patient_id=patient_id, target="identity",
                           detail=f"version {version}")
        return version

    @audited
    def identity(self, patient_id: int) -> Identity:
        """The current identity of a patient."""
        versions = self._require(patient_id)
        self._trail.record(Action.READ, patient_id=patient_id, target="identity")
        return identity_from_dict(versions[-1].payload)

    @audited
    def identity_history(self, patient_id: int) -> list[StoredVersion]:
        """Every identity version, oldest first, with author, time and reason."""
        versions = self._require(patient_id)
        self._trail.record(Action.READ, patient_id=patient_id, target="identity history")
        return versions

    def _require(self, patient_id: int) -> list[StoredVersion]:
        versions = self._store.identity_versions(patient_id)
        if not versions:
            raise UnknownPatient
        return versions

    @not_audited("returns administrative identity for the search field, never medical data; "
                 "opening the chosen record is journaled")
    def search(self, text: str, limit: int = SEARCH_LIMIT, *,
               include_archived: bool = False) -> list[PatientRow]:
        """Find patients by name prefixes, French birth date, or NIR digits.

        Records in the intermediate archive are found only when asked, and only by the
        titular physician, never by a replacing one (RET-1).
        """
        text, wide = text.strip(), include_archived and not self._trail.is_replacement()
        if not text:
            return []
        birth_date = parse_french_date(text)
        if birth_date is not None:
            return self._store.patients_by_birth_date(birth_date.isoformat(), limit,
                                                      include_archived=wide)
        compact = re.sub(r"\s", "", text).upper()
        if _NIR_TYPED.match(text) and len(compact) >= 3:
            return self._store.patients_by_nir_prefix(compact, limit, include_archived=wide)
        prefixes = sorted(name_tokens(text), key=len, reverse=True)[:4]
        if not prefixes:
            return []
        return self._store.patients_by_tokens(prefixes, limit, include_archived=wide)
