"""Drafts of entries being typed, kept inside the vault and never elsewhere.

A lock, a card pulled out or a crash then loses nothing.

A draft holds medical text, so saving, reading and discarding one are journaled like any
other write or read. The editor saves at most every few seconds while typing.
"""

from collections.abc import Mapping
from typing import Any

from cabinet.domain.audit import Action
from cabinet.domain.record import MAX_TEXT_LENGTH
from cabinet.errors import InvalidInput
from cabinet.services.auditing import AuditTrail, audited
from cabinet.services.patients import UnknownPatient
from cabinet.services.ports import DraftKey, RecordStore

MAX_DRAFT_CHARACTERS = 4 * MAX_TEXT_LENGTH


class DraftService:
    """Save, restore and discard drafts."""

    def __init__(self, store: RecordStore, trail: AuditTrail) -> None:
        self._store = store
        self._trail = trail

    @audited
    def save(self, key: DraftKey, payload: Mapping[str, Any]) -> None:
        """Keep what is being typed (replaces the previous draft of the same entry)."""
        if not self._store.patient_exists(key.patient_id):
            raise UnknownPatient
        if len(repr(payload)) > MAX_DRAFT_CHARACTERS:
            raise InvalidInput("Le brouillon est trop long pour être enregistré.")
        self._store.put_draft(key, self._trail.actor.identifier, dict(payload),
                              self._trail.actor.name, self._trail.now())
        self._trail.record(Action.CREATE, patient_id=key.patient_id,
                           target=f"draft:{key.kind}:{key.lineage}")

    @audited
    def restore(self, key: DraftKey) -> tuple[dict[str, Any], str] | None:
        """The draft of an entry, with when it was saved, or None."""
        found = self._store.get_draft(key, self._trail.actor.identifier)
        self._trail.record(Action.READ, patient_id=key.patient_id,
                           target=f"draft:{key.kind}:{key.lineage}",
                           detail="brouillon trouvé" if found else "aucun brouillon")
        return found

    @audited
    def discard(self, key: DraftKey) -> None:
        """Forget a draft (after the entry was saved, or when the physician abandons it)."""
        removed = self._store.delete_draft(key, self._trail.actor.identifier)
        self._trail.record(Action.CORRECT, patient_id=key.patient_id,
                           target=f"draft:{key.kind}:{key.lineage}",
                           detail="brouillon supprimé" if removed else "aucun brouillon")
