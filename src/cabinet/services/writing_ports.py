"""What the templates and the address book need from storage, as Protocols the vault implements.

Both share the record store's connection, so a change and its journal event commit together.
"""

from typing import Protocol

from cabinet.domain.correspondents import Correspondent


class TemplateStore(Protocol):
    """The physician's versions of the shipped templates, by key."""

    def edited_templates(self) -> dict[str, str]:
        """The physician's text of each template they changed."""
        ...

    def put_template(self, key: str, body: str, saved_at: str, saved_by: str) -> None:
        """Keep the physician's text of a template, replacing an earlier one."""
        ...

    def drop_template(self, key: str) -> bool:
        """Forget the physician's text (the shipped one applies again); False if there was none."""
        ...


class CorrespondentStore(Protocol):
    """The address book and the links between patients and correspondents."""

    def correspondents(self) -> list[Correspondent]:
        """Every correspondent, by name."""
        ...

    def correspondent(self, correspondent_id: int) -> Correspondent | None:
        """One correspondent, None if there is no such number."""
        ...

    def put_correspondent(self, person: Correspondent, changed_at: str) -> int:
        """Add (`id` 0) or replace a correspondent; return its number."""
        ...

    def correspondent_by_rpps(self, rpps: str) -> Correspondent | None:
        """The correspondent holding this RPPS number, if any."""
        ...

    def drop_correspondent(self, correspondent_id: int) -> None:
        """Remove a correspondent and its links to patients."""
        ...

    def link(self, patient_id: int, correspondent_id: int, role: str) -> None:
        """Link a correspondent to a patient (`treating` replaces the previous one)."""
        ...

    def unlink(self, patient_id: int, correspondent_id: int) -> None:
        """Remove a correspondent from a patient's."""
        ...

    def linked(self, patient_id: int) -> list[tuple[Correspondent, str]]:
        """A patient's correspondents with their role, the médecin traitant first."""
        ...
