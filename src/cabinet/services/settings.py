"""Read and change the practice's settings; every change is journaled."""

from collections.abc import Mapping
from typing import TypeVar

from cabinet.domain.audit import Action
from cabinet.domain.settings import (
    PHYSICIAN_NAME,
    RPPS,
    SETTINGS,
    Setting,
    SettingError,
    check_setting,
    signing_identity_missing,
)
from cabinet.errors import InvalidInput
from cabinet.services.auditing import AuditTrail, audited, not_audited
from cabinet.services.ports import RecordStore

T = TypeVar("T")
NO_PATIENT_DATA = "settings hold no patient data (identity of the physician, delays, folders)"


class SettingsService:
    """The practice's settings, with their defaults."""

    def __init__(self, store: RecordStore, trail: AuditTrail) -> None:
        self._store = store
        self._trail = trail

    @not_audited(NO_PATIENT_DATA)
    def value(self, setting: Setting[T]) -> T:
        """One setting's typed value, its default where none was chosen."""
        return setting.read(self._store.settings().get(setting.key))

    @not_audited(NO_PATIENT_DATA)
    def current(self) -> dict[str, str]:
        """Every setting as text, by key: what the dialog edits (code reads `value`)."""
        stored = self._store.settings()
        return {s.key: s.shown(stored.get(s.key)) for s in SETTINGS}

    @not_audited(NO_PATIENT_DATA)
    def prescriber_missing(self) -> str | None:
        """Why nothing may be signed yet (French), or None once the prescriber is named."""
        return signing_identity_missing(self.value(PHYSICIAN_NAME), self.value(RPPS))

    @audited
    def change(self, values: Mapping[str, str]) -> None:
        """Store new values (all checked before any is written)."""
        try:
            checked = {key: check_setting(key, value) for key, value in values.items()}
        except SettingError as error:
            raise InvalidInput(str(error)) from None
        current = self.current()
        changed = {k: v for k, v in checked.items() if current.get(k) != v}
        for key, value in changed.items():
            self._store.put_setting(key, value, self._trail.actor.name, self._trail.now())
        names = ", ".join(sorted(changed)) or "aucun"
        self._trail.record(Action.ADMIN, target="settings", detail=f"paramètres modifiés : {names}")
