"""Read and change the practice's settings; every change is journaled."""

from collections.abc import Mapping

from cabinet.domain.audit import Action
from cabinet.domain.settings import SETTINGS, SettingError, check_setting
from cabinet.errors import InvalidInput
from cabinet.services.auditing import AuditTrail, audited, not_audited
from cabinet.services.ports import RecordStore


class SettingsService:
    """The practice's settings, with their defaults."""

    def __init__(self, store: RecordStore, trail: AuditTrail) -> None:
        self._store = store
        self._trail = trail

    @not_audited("settings hold no patient data (identity of the physician, delays, folders)")
    def current(self) -> dict[str, str]:
        """Every setting's value, the default where none was chosen."""
        stored = self._store.settings()
        return {s.key: stored.get(s.key, s.default) for s in SETTINGS}

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
