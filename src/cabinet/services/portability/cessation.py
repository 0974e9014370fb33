"""Closing the practice (CONT-2): choices, letters, exports per destination, the declaration.

A choice is recorded, never changed: a patient who changes their mind gets a new choice, the
latest counts. Patients who follow the successor leave in one archive for the successor;
those who named another physician, one archive per physician; the others (no answer yet,
or a copy only) stay in the remainder, exported for safekeeping (`remainder_selection`).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cabinet.domain.audit import Action
from cabinet.errors import InvalidInput
from cabinet.exchange.staging import CancelToken, WrittenFile, staged_folder, write_file
from cabinet.services.auditing import audited, not_audited
from cabinet.services.issuing import Output, PracticeService
from cabinet.services.portability.export import Selection
from cabinet.services.ports import SuccessorChoice

if TYPE_CHECKING:
    from cabinet.documents.layout import Document

CHOICES = {
    "successor": "Suit le successeur",
    "other": "Choisit un autre médecin",
    "pending": "Pas encore de réponse",
}


@dataclass(frozen=True)
class Closure:
    """What the physician says of the closure: when, who succeeds, where the rest is kept."""

    closing_on: dt.date
    successor: str
    council: str = ""
    kept_at: str = ""


class CessationService(PracticeService):
    """Choices, letters and the declaration; exports go through `ArchiveExporter`."""

    @audited
    def record_choice(self, patient_id: int, choice: str, physician: str = "",
                      decided_on: dt.date | None = None) -> None:
        """Record a patient's answer; "other" needs the physician's name."""
        if choice not in CHOICES:
            raise InvalidInput("Choix inconnu.")
        if choice == "other" and not physician.strip():
            raise InvalidInput("Indiquez le médecin choisi par le patient.")
        if not self._store.patient_exists(patient_id):
            raise InvalidInput("Ce patient n'existe pas dans le coffre.")
        day = decided_on or self._issuer.today()
        self._portability.add_choice(SuccessorChoice(
            patient_id, choice, physician.strip() if choice == "other" else "",
            day.isoformat(), self._trail.now(), self._trail.actor.name))
        self._trail.record(Action.CREATE, patient_id=patient_id, target="successor choice",
                           detail=choice)

    @not_audited("the successor each patient chose (administrative), recorded by an audited "
                 "`record_choice`; no medical content")
    def choices(self) -> dict[int, SuccessorChoice]:
        """Each patient's latest choice (patients without one are "pending")."""
        return self._portability.latest_choices()

    @not_audited("patient numbers grouped by destination; the exports journal each patient")
    def destinations(self) -> dict[str, Selection]:
        """One targeted export per destination: the successor, each named physician."""
        by_physician: dict[str, list[int]] = {}
        for patient_id, choice in self.choices().items():
            if choice.choice == "successor":
                by_physician.setdefault("", []).append(patient_id)
            elif choice.choice == "other":
                by_physician.setdefault(choice.physician, []).append(patient_id)
        return {name: Selection("CIBLE", tuple(sorted(ids)),
                                comments=f"Cessation d'activité : patients de {name}"
                                if name else "Cessation d'activité : patients du successeur")
                for name, ids in by_physician.items()}

    @not_audited("patient numbers only; the export or letters journal each patient")
    def remainder_selection(self) -> Selection:
        """The patients whose record stays with the outgoing physician (no transfer chosen)."""
        chosen = {p for p, c in self.choices().items() if c.choice != "pending"}
        remainder = [p for p in self._all_patients() if p not in chosen]
        return Selection("CIBLE", tuple(remainder), comments="Reliquat conservé")

    def _all_patients(self) -> list[int]:
        found: list[int] = []
        while page := self._portability.patient_ids(found[-1] if found else 0, 5000):
            found += page
        return found

    @audited
    def letters(self, closure: Closure, destination: Path,
                cancel: CancelToken) -> list[WrittenFile]:
        """One letter per patient still without an answer, in a folder (PDF/A, sent on paper)."""
        from cabinet.documents.cessation import information_letter
        from cabinet.documents.issue import unsigned

        pending = self.remainder_selection().patient_ids
        if not pending:
            raise InvalidInput("Tous les patients ont déjà fait connaître leur choix.")
        letterhead, today = self._issuer.letterhead(), self._issuer.today()
        with staged_folder(destination, f"lettres-cessation-{self._issuer.stamp()}",
                           cancel) as stage:
            for number, patient_id in enumerate(pending, start=1):
                identity = self._issuer.identity(patient_id)
                stage.add(f"LETTRE-{number:05d}.pdf", unsigned(information_letter(
                    letterhead, identity, closure.successor, closure.closing_on, today)))
                self._trail.record(Action.EXPORT, patient_id=patient_id,
                                   target="cessation letter")
        return stage.files

    @audited
    def declaration(self, closure: Closure, out: Output) -> WrittenFile:
        """The signed declaration to the departmental council, counts per choice."""
        from cabinet.documents.cessation import council_declaration

        if not closure.council.strip() or not closure.kept_at.strip():
            raise InvalidInput("Indiquez le conseil départemental et le lieu de conservation "
                               "des dossiers non transmis.")
        counts = Counter(c.choice for c in self.choices().values())
        counts["pending"] = len(self._all_patients()) - counts["successor"] - counts["other"]
        document: Document = council_declaration(
            self._issuer.letterhead(), closure.council, closure.closing_on,
            successor=closure.successor, kept_at=closure.kept_at,
            counts={CHOICES[k]: counts[k] for k in CHOICES}, day=self._issuer.today())
        written = write_file(out.destination,
                             f"declaration-cessation-{self._issuer.stamp()}.pdf",
                             self._issuer.sign(document, out.signer), out.cancel)
        self._issuer.journal_export("déclaration de cessation au conseil de l'Ordre", None,
                                    closure.council, [written])
        return written
