"""The GDPR paperwork (RIGHTS-1, GDPR-1), written from the settings, never from a record.

The waiting-room notice, the record of processing activities, the data-breach register and
its 72-hour notification to the CNIL. Writing one is journaled as an export, so the journal
says which version was handed out.
"""

from collections.abc import Mapping
from pathlib import Path

from cabinet.domain.audit import Action
from cabinet.domain.breach import BreachError, check_breach, cnil_notification, register_line
from cabinet.domain.compliance import PracticeFacts, processing_register, waiting_room_notice
from cabinet.domain.settings import (
    ADDRESS,
    DPO_CONTACT,
    DPO_NAME,
    PHONE,
    PHYSICIAN_NAME,
    PROCESSORS,
    RETENTION_ARCHIVE_YEARS,
    RETENTION_DEATH_YEARS,
    RETENTION_DESTROY_YEARS,
    RETENTION_MINOR_AGE,
    SPECIALTY,
)
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import CancelToken, write_file
from cabinet.services.auditing import audited
from cabinet.services.issuing import ExportResult, Practice, PracticeService
from cabinet.services.rights_ports import ComplianceStore
from cabinet.services.settings import SettingsService

REGISTER = "breach register"
NOTICE = "Information des patients sur leurs données personnelles"
PROCESSING = "Registre des activités de traitement"


class ComplianceService(PracticeService):
    """The practice's GDPR documents and its breach register."""

    def __init__(self, practice: Practice, settings: SettingsService,
                 store: ComplianceStore) -> None:
        super().__init__(practice)
        self._settings = settings
        self._compliance = store

    def _facts(self) -> PracticeFacts:
        value = self._settings.value
        return PracticeFacts(
            value(PHYSICIAN_NAME), value(SPECIALTY), value(ADDRESS), value(PHONE),
            value(DPO_NAME), value(DPO_CONTACT), value(PROCESSORS),
            value(RETENTION_ARCHIVE_YEARS), value(RETENTION_DESTROY_YEARS),
            value(RETENTION_MINOR_AGE), value(RETENTION_DEATH_YEARS))

    def _write(self, purpose: str, title: str, name: str, sections: list[tuple[str, list[str]]],
               folder: Path) -> ExportResult:
        """The PDF/A and the HTML of `sections` in `folder`, journaled as one export."""
        from cabinet.documents.compliance import sections_html, sections_pdf

        self._issuer.require_prescriber()
        pdf = sections_pdf(title, self._issuer.letterhead(), sections)
        cancel = CancelToken()
        files = (write_file(folder, f"{name}.pdf", pdf, cancel),
                 write_file(folder, f"{name}.html", sections_html(title, sections), cancel))
        self._issuer.journal_export(purpose, None, "cabinet", files)
        return ExportResult(str(folder), files)

    @audited
    def write_notice(self, folder: Path) -> ExportResult:
        """The waiting-room notice, as PDF/A to print and HTML for the practice's website."""
        return self._write("information_notice", NOTICE, "information-patients",
                           waiting_room_notice(self._facts()), folder)

    @audited
    def write_processing_register(self, folder: Path) -> ExportResult:
        """The record of processing activities, as PDF/A and HTML."""
        return self._write("processing_register", PROCESSING, "registre-traitements",
                           processing_register(self._facts(), self._issuer.today()), folder)

    @audited
    def record_breach(self, raw: Mapping[str, str], corrects: int | None = None) -> int:
        """Write a breach in the register, or a correction of breach `corrects`; its number."""
        try:
            line = check_breach(raw, self._issuer.today())
        except BreachError as error:
            raise InvalidInput(f"{error} Rien n'a été inscrit au registre.") from None
        if corrects is not None and corrects not in self._current():
            raise InvalidInput("Cette violation n'est pas au registre.")
        number = self._compliance.add_breach(corrects, line, self._trail.now(),
                                             self._trail.actor.name)
        self._trail.record(Action.ADMIN, target=REGISTER, detail=(
            f"violation n° {corrects} corrigée" if corrects else f"violation n° {number} "
                                                                  "inscrite"))
        return corrects or number

    def _current(self) -> dict[int, dict[str, str]]:
        """Each breach's latest wording, by its number (its first line's)."""
        current: dict[int, dict[str, str]] = {}
        for row in self._compliance.breaches():
            current[row.corrects or row.breach_id] = row.line
        return current

    @audited
    def breaches(self) -> dict[int, dict[str, str]]:
        """The register as it now reads: each breach's latest wording, by number."""
        current = self._current()
        self._trail.record(Action.READ, target=REGISTER, detail=f"{len(current)} violation(s)")
        return current

    @audited
    def write_register(self, folder: Path) -> ExportResult:
        """The breach register as PDF/A and HTML, for the CNIL on request."""
        sections = [(f"Violation n° {n}", register_line(n, line)[1:])
                    for n, line in self._current().items()] or [
            ("Aucune violation inscrite", ["Le registre est vide à ce jour."])]
        return self._write("breach_register", "Registre des violations de données",
                           "registre-violations", sections, folder)

    @audited
    def write_notification(self, number: int, folder: Path) -> ExportResult:
        """The 72-hour notification to the CNIL, filled from breach `number`."""
        line = self._current().get(number)
        if line is None:
            raise InvalidInput("Cette violation n'est pas au registre.")
        return self._write("breach_notification", "Notification d'une violation de données "
                           "personnelles à la CNIL", f"notification-cnil-violation-{number}",
                           cnil_notification(self._facts(), number, line,
                                             self._issuer.today()), folder)
