"""The retention engine (RET-1, RET-2): the daily pass, legal holds, review and destruction.

The pass judges every record by `cabinet.domain.retention` from its dates alone and moves
those without an encounter for the set years to the intermediate archive (read-only; a new
encounter reopens it: `cabinet.services.archive_gate`). It runs at unlock, at most once a
day, off the GUI thread. Destruction is never automatic: the physician reviews the proposed
records and confirms; then, in one vault transaction, the content is destroyed, the signed
certificate stored and the journal written, so a crash leaves the record whole or destroyed
with its certificate.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cabinet.domain.audit import Action
from cabinet.domain.identity import format_french_date
from cabinet.domain.retention import Facts, Policy, Stage, Verdict, judge
from cabinet.domain.settings import (
    RETENTION_ARCHIVE_YEARS,
    RETENTION_DEATH_YEARS,
    RETENTION_DESTROY_YEARS,
    RETENTION_MINOR_AGE,
)
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import WrittenFile, write_file
from cabinet.services.archive_gate import RETENTION, record_hold
from cabinet.services.auditing import AuditTrail, audited, audited_in_step, not_audited
from cabinet.services.issuing import Issuer, Output
from cabinet.services.ports import RecordStore
from cabinet.services.retention_ports import DestructionRow, Hold, RecordDates, RetentionStore
from cabinet.services.settings import SettingsService

if TYPE_CHECKING:
    from cabinet.documents.signing import DocumentSigner
    from cabinet.services.erasure import ErasureService



DESTRUCTION_REASON = "destruction au terme de la conservation, confirmée par le médecin"


@dataclass(frozen=True)
class Judged:
    """One record's dates and where it stands: what the review window lists."""

    dates: RecordDates
    verdict: Verdict
    rule_text: str

    @property
    def patient_id(self) -> int:
        """The record's number."""
        return self.dates.patient_id


@dataclass(frozen=True)
class PassReport:
    """What one pass did: records archived, records proposed for destruction."""

    day: str
    archived: int
    proposed: int


def policy_of(settings: SettingsService) -> Policy:
    """The durations the settings hold."""
    return Policy(settings.value(RETENTION_ARCHIVE_YEARS), settings.value(RETENTION_DESTROY_YEARS),
                  settings.value(RETENTION_MINOR_AGE), settings.value(RETENTION_DEATH_YEARS))


def judged(dates: RecordDates, policy: Policy, today: dt.date) -> Judged:
    """Apply the rules to one record's stored dates."""
    facts = Facts(dates.patient_id, dt.date.fromisoformat(dates.birth_date),
                  dt.date.fromisoformat(dates.reference),
                  dt.date.fromisoformat(dates.death_date) if dates.death_date else None,
                  dates.held)
    verdict = judge(facts, policy, today)
    return Judged(dates, verdict, policy.rule_text(verdict.rule))


class RetentionService:
    """The daily pass, legal holds, the review of proposals and the confirmed destruction."""

    def __init__(self, store: RecordStore, retention: RetentionStore, trail: AuditTrail,
                 settings: SettingsService, *, issuer: Issuer,
                 erasure: "ErasureService") -> None:
        self._store = store
        self._erasure = erasure
        self._retention = retention
        self._trail = trail
        self._settings = settings
        self._issuer = issuer

    def _today(self) -> dt.date:
        return self._issuer.today()

    @not_audited("reads the day of the last pass, no patient data")
    def due(self) -> bool:
        """Whether today's pass has not run yet."""
        return self._retention.last_pass_day() < self._today().isoformat()

    @audited_in_step
    def run_pass(self, stop: Callable[[], bool] = lambda: False) -> PassReport | None:
        """Judge every record; archive those due, each journaled; count the proposals.

        Every record's dates are read and judged before the write transaction, which then
        judges again only the records it moves (one may have had an encounter meanwhile) and
        stays short. None when `stop` (the lock) says so before it begins.
        """
        today, policy = self._today(), policy_of(self._settings)
        stages = [(d.patient_id, d.archived, judged(d, policy, today).verdict.stage)
                  for d in self._retention.record_dates()]
        if stop():
            return None
        proposed = sum(stage is Stage.DESTRUCTION for _, _, stage in stages)
        due = [p for p, archived, stage in stages if stage is not Stage.ACTIVE and not archived]
        if due or proposed:
            return self._archive(today, policy, due, proposed)
        with self._store.transaction():  # nothing to journal: no record moved nor proposed
            self._record_pass(today, 0, 0)
        return PassReport(today.isoformat(), 0, 0)

    def _record_pass(self, today: dt.date, archived: int, proposed: int) -> None:
        if self._retention.last_pass_day() != today.isoformat():
            self._retention.add_pass(today.isoformat(), archived, proposed, self._trail.now())

    @audited
    def _archive(self, today: dt.date, policy: Policy, candidates: list[int],
                 proposed: int) -> PassReport:
        moved = [d for d in self._retention.record_dates(candidates)
                 if not d.archived and judged(d, policy, today).verdict.stage is not Stage.ACTIVE]
        for dates in moved:
            self._trail.record(
                Action.ADMIN, patient_id=dates.patient_id, target=RETENTION,
                detail=f"dossier archivé (sans consultation depuis le "
                       f"{format_french_date(dt.date.fromisoformat(dates.reference))})")
        self._retention.archive([d.patient_id for d in moved], today.isoformat())
        self._record_pass(today, len(moved), proposed)
        self._trail.record(Action.ADMIN, target=RETENTION,
                           detail=f"passe de conservation : {len(moved)} dossier(s) archivé(s), "
                                  f"{proposed} destruction(s) à examiner")
        return PassReport(today.isoformat(), len(moved), proposed)

    @audited
    def proposals(self) -> list[Judged]:
        """The records whose destruction is proposed, and those held, by number.

        Only archived records are judged: the pass archives every record that is no longer
        active, so one proposed today is there once today's pass has run (at unlock).
        """
        today, policy = self._today(), policy_of(self._settings)
        found = [j for d in self._retention.record_dates(archived_only=True)
                 if (j := judged(d, policy, today)).verdict.stage in (Stage.DESTRUCTION,
                                                                      Stage.HELD)]
        self._trail.record(Action.READ, target="retention review",
                           detail=f"{len(found)} dossier(s) à examiner")
        return found

    @audited
    def place_hold(self, patient_id: int, reason: str, since: dt.date | None = None) -> None:
        """Put a record under legal hold (litigation, seizure): never proposed while it lasts."""
        self._hold(patient_id, True, reason, since)

    @audited
    def lift_hold(self, patient_id: int, reason: str) -> None:
        """Lift a record's legal hold, with the reason."""
        holds = self._retention.holds(patient_id)
        if not holds or not holds[-1].placed:
            raise InvalidInput("Ce dossier n'est sous aucune mesure de conservation légale.")
        self._hold(patient_id, False, reason, None)

    def _hold(self, patient_id: int, placed: bool, reason: str, since: dt.date | None) -> None:
        if not self._store.patient_exists(patient_id):
            raise InvalidInput("Ce patient n'existe pas dans le coffre.")
        if len(reason.strip()) < 3:
            raise InvalidInput("Indiquez le motif (litige, saisie, levée de la mesure…).")
        record_hold(self._retention, self._trail, patient_id, placed=placed, reason=reason,
                    since=(since or self._today()).isoformat())

    @not_audited("the hold history holds reasons and dates, no medical content")
    def holds(self, patient_id: int) -> list[Hold]:
        """A record's legal-hold history, oldest first."""
        return self._retention.holds(patient_id)

    @not_audited("the holds in force: record numbers, reasons and dates, no medical content")
    def current_holds(self) -> list[Hold]:
        """The records under legal hold now, with the reason and date of their hold."""
        return self._retention.current_holds()

    def _confirmable(self, patient_ids: Iterable[int]) -> list[Judged]:
        """The records named, each still proposed today, or a French refusal naming it."""
        ids = sorted(set(patient_ids))
        if not ids:
            raise InvalidInput("Choisissez au moins un dossier à détruire.")
        today, policy = self._today(), policy_of(self._settings)
        found = {d.patient_id: judged(d, policy, today)
                 for d in self._retention.record_dates(ids)}
        for patient_id in ids:
            record = found.get(patient_id)
            if record is None:
                raise InvalidInput(f"Le dossier n° {patient_id} n'existe pas ou a déjà été "
                                   "détruit.")
            if record.verdict.stage is Stage.HELD:
                raise InvalidInput(
                    f"Le dossier n° {patient_id} est sous conservation légale (litige, "
                    "saisie) : il ne peut pas être détruit. Rien n'a été détruit.")
            if record.verdict.stage is not Stage.DESTRUCTION:
                raise InvalidInput(
                    f"Le dossier n° {patient_id} n'est pas arrivé au terme de sa conservation "
                    f"(échéance le {format_french_date(record.verdict.destroy_on)}). Rien "
                    "n'a été détruit.")
        return [found[p] for p in ids]

    @audited_in_step
    def destroy(self, patient_ids: Iterable[int], signer: "DocumentSigner") -> DestructionRow:
        """Destroy the confirmed records' content with their signed certificate, at once.

        One transaction checks each record is still proposed and not held, signs the
        certificate, destroys the content and keeps the certificate with the journal's
        events: a crash leaves every record whole, or destroyed with its certificate. The
        log holding the destroyed pages is emptied once that is committed.
        """
        done = self._destroy(patient_ids, signer)
        self._erasure.scrub()
        return done

    @audited
    def _destroy(self, patient_ids: Iterable[int], signer: "DocumentSigner") -> DestructionRow:
        from cabinet.documents.destruction import DestroyedLine, destruction_certificate

        records = self._confirmable(patient_ids)
        now = self._trail.clock.now()
        lines = [DestroyedLine(r.patient_id, dt.date.fromisoformat(r.dates.reference),
                               r.rule_text, r.verdict.destroy_on) for r in records]
        pdf = self._issuer.sign(destruction_certificate(self._issuer.letterhead(), lines, now),
                                signer)
        self._erasure.destroy_records([(r.patient_id, r.rule_text) for r in records],
                                      DESTRUCTION_REASON)
        listing = [{"patient": line.patient_id, "last_encounter": line.last_encounter.isoformat(),
                    "rule": line.rule, "due_on": line.due_on.isoformat()} for line in lines]
        row = DestructionRow(0, json.dumps(listing, ensure_ascii=False), pdf,
                             hashlib.sha256(pdf).hexdigest(), self._trail.now(),
                             self._trail.actor.name)
        number = self._retention.add_destruction(row, [r.patient_id for r in records])
        numbers = ", ".join(str(r.patient_id) for r in records)
        self._trail.record(Action.ADMIN, target=f"destruction:{number}",
                           detail=f"destruction confirmée de {len(records)} dossier(s) (n° "
                                  f"{numbers}) ; certificat signé SHA-256 {row.certificate_sha256}")
        return dataclasses.replace(row, destruction_id=number)

    @not_audited("lists destructions by number and date; the certificates hold no medical "
                 "content")
    def destructions(self) -> list[DestructionRow]:
        """Every destruction with its signed certificate, newest first."""
        return self._retention.destructions()

    @audited
    def export_certificate(self, destruction_id: int, out: Output) -> WrittenFile:
        """A copy of a destruction's signed certificate, written to `out`'s folder."""
        found = [d for d in self._retention.destructions() if d.destruction_id == destruction_id]
        if not found:
            raise InvalidInput("Cette destruction n'existe pas dans le coffre.")
        written = write_file(out.destination, f"certificat-destruction-{destruction_id:04d}.pdf",
                             found[0].certificate, out.cancel)
        self._issuer.journal_export("certificat de destruction", None, "", [written],
                                    target=f"destruction:{destruction_id}")
        return written
