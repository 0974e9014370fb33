"""Fees and the livre-journal des recettes a physician taxed as BNC keeps (issue 17).

An encounter's fee is priced from the act table at the encounter's date; what the patient pays
now becomes a line of the ledger on the day it is received, the insurer's part (tiers payant)
a line on the day it arrives. Nothing is ever rewritten: a cancelled fee keeps its row and
each of its receipts gets a negative line that names it, dated the day of the correction, so
a day already closed keeps its totals.

Journaled: every write (with amounts, never an act's medical context), every reading that
names a payer (the ledger, the deposit slip, the fees of an encounter, the tiers payant
expected) and every export. Totals alone name nobody and are not journaled.
"""

import dataclasses
import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any

from cabinet.domain.audit import Action
from cabinet.domain.fees import (
    ActTable,
    CheckedFee,
    FeeError,
    FeeInput,
    by_method,
    check_payment,
    euros,
    month_bounds,
    new_rate,
    price,
    shipped_table,
)
from cabinet.domain.record import EntryKind
from cabinet.errors import InvalidInput, KnownError
from cabinet.exchange.staging import staged_folder
from cabinet.services.auditing import audited, not_audited
from cabinet.services.issuing import ExportResult, Output, Practice, PracticeService, inventory
from cabinet.services.ports import FeeRow, FeeStore, NewFee, ReceiptRow

PERIODS = {"day": 10, "month": 7, "year": 4}


class UnknownFee(KnownError):
    """The fee does not exist in this vault."""

    def __init__(self) -> None:
        super().__init__("Ces honoraires n'existent pas dans le coffre.")


@cache
def ngap_data() -> dict[str, Any]:
    """The NGAP table shipped with Cabinet (`domain/ngap.json`), read once."""
    loaded: dict[str, Any] = json.loads(
        (resources.files("cabinet.domain") / "ngap.json").read_text("utf-8"))
    return loaded


def _refused(error: FeeError) -> InvalidInput:
    return InvalidInput(str(error))


class FeeService(PracticeService):
    """Price encounters, keep the receipts ledger, total it and export it for the accountant."""

    def __init__(self, practice: Practice, fees: FeeStore) -> None:
        super().__init__(practice)
        self._fees = fees

    @not_audited("the act table: the public NGAP rates and the physician's own, no patient")
    def table(self) -> ActTable:
        """The shipped NGAP table followed by the rates the physician added."""
        return shipped_table(ngap_data(), self._fees.added_rates())

    @audited
    def add_rate(self, code: str, label: str, cents: int, since: dt.date,
                 zone: str = "") -> None:
        """A new act or a new amount from a date: a new line, the old ones kept."""
        try:
            rate = new_rate(code, label, cents, since, zone=zone, table=self.table())
        except FeeError as error:
            raise _refused(error) from None
        self._fees.add_rate(rate, self._trail.now(), self._trail.actor.name)
        self._trail.record(Action.ADMIN, target="act table", detail=(
            f"{rate.code} : {euros(rate.cents)} à partir du {rate.since:%d/%m/%Y}"
            + (f" ({rate.zone})" if rate.zone else "")))

    def _encounter(self, lineage: int) -> tuple[int, dt.date]:
        versions = self._store.entry_versions(lineage)
        if not versions or versions[-1].kind != EntryKind.ENCOUNTER.value:
            raise InvalidInput("Choisissez une consultation pour en noter les honoraires.")
        latest = versions[-1]
        return latest.patient_id, dt.date.fromisoformat(latest.effective_date[:10])

    @not_audited("prices acts from the public table at a date the caller gives; reads nothing")
    def quote(self, entered: FeeInput, day: dt.date) -> CheckedFee:
        """What the acts cost on `day`, checked as `record` will check them."""
        try:
            return price(self.table(), entered, day)
        except FeeError as error:
            raise _refused(error) from None

    @audited
    def record(self, encounter: int, entered: FeeInput) -> int:
        """Record an encounter's acts and what is paid now; return the fee's number."""
        patient_id, day = self._encounter(encounter)
        checked = self.quote(entered, day)
        fee_id = self._fees.add_fee(NewFee(
            patient_id, encounter, day.isoformat(), entered.zone,
            [dataclasses.asdict(a) for a in checked.acts], checked.total_cents,
            entered.third_party_cents, entered.insurer.strip(), self._trail.now(),
            self._trail.actor.name))
        if entered.paid_cents:
            self._receive(fee_id, patient_id, entered.paid_cents, entered.method,
                          entered.cheque_number)
        self._trail.record(Action.CREATE, patient_id=patient_id, target=f"fee:{fee_id}",
                           detail=f"{euros(checked.total_cents)}, payé "
                                  f"{euros(entered.paid_cents)}, tiers payant "
                                  f"{euros(entered.third_party_cents)}")
        return fee_id

    def _receive(self, fee_id: int, patient_id: int, cents: int, method: str,
                 cheque_number: str, *, day: dt.date | None = None) -> int:
        payer = self._issuer.identity(patient_id).display_name()
        return self._fees.add_receipt(ReceiptRow(
            0, (day or self._issuer.today()).isoformat(), fee_id, "patient", payer, method,
            cheque_number.strip() if method == "cheque" else "", cents, None,
            self._trail.now(), self._trail.actor.name))

    def _fee(self, fee_id: int) -> FeeRow:
        found = self._fees.fees(fee_id=fee_id)
        if not found:
            raise UnknownFee
        if found[0].cancelled:
            raise InvalidInput("Ces honoraires ont été annulés.")
        return found[0]

    @audited
    def pay(self, fee_id: int, cents: int, method: str, cheque_number: str = "") -> None:
        """The patient pays later what was left unpaid (« non payé »), in full or in part."""
        fee = self._fee(fee_id)
        try:
            check_payment(cents, method, cheque_number)
        except FeeError as error:
            raise _refused(error) from None
        due = fee.total_cents - fee.third_party_cents - fee.patient_paid_cents
        if not cents or cents > due:
            raise InvalidInput(f"Le patient ne doit plus que {euros(due)}.")
        self._receive(fee_id, fee.patient_id, cents, method, cheque_number)
        self._trail.record(Action.CREATE, patient_id=fee.patient_id, target=f"fee:{fee_id}",
                           detail=f"paiement {euros(cents)}")

    @audited
    def insurer_paid(self, fee_id: int, cents: int, received_on: dt.date) -> None:
        """The insurer's part (tiers payant) arrived, by transfer, on `received_on`."""
        fee = self._fee(fee_id)
        expected = fee.third_party_cents - fee.insurer_paid_cents
        if cents <= 0 or cents > expected:
            raise InvalidInput(f"Le tiers payant attendu pour ces honoraires est de "
                               f"{euros(expected)}.")
        if received_on > self._issuer.today():
            raise InvalidInput("La date de réception ne peut pas être dans le futur.")
        self._fees.add_receipt(ReceiptRow(
            0, received_on.isoformat(), fee_id, "insurer", fee.insurer, "transfer", "", cents,
            None, self._trail.now(), self._trail.actor.name))
        self._trail.record(Action.CREATE, patient_id=fee.patient_id, target=f"fee:{fee_id}",
                           detail=f"tiers payant reçu {euros(cents)}")

    @audited
    def cancel(self, fee_id: int, reason: str) -> None:
        """Cancel a fee: each of its receipts gets its negative line, dated today."""
        if not reason.strip():
            raise InvalidInput("Indiquez le motif de l'annulation.")
        fee = self._fee(fee_id)
        self._fees.cancel_fee(fee_id, reason.strip(), self._trail.now(), self._trail.actor.name)
        lines = self._fees.fee_receipts(fee_id)
        cancelled = {line.cancels for line in lines}
        for line in lines:
            if line.cancels is None and line.receipt_id not in cancelled:
                self._fees.add_receipt(dataclasses.replace(
                    line, receipt_id=0, day=self._issuer.today().isoformat(),
                    cents=-line.cents, cancels=line.receipt_id, recorded_at=self._trail.now(),
                    recorded_by=self._trail.actor.name))
        self._trail.record(Action.CORRECT, patient_id=fee.patient_id, target=f"fee:{fee_id}",
                           detail="honoraires annulés")

    @audited
    def encounter_fees(self, encounter: int) -> list[FeeRow]:
        """The fees recorded for one encounter, cancelled ones included, oldest first."""
        patient_id, _ = self._encounter(encounter)
        self._trail.record(Action.READ, patient_id=patient_id, target=f"fees:entry:{encounter}")
        return self._fees.fees(encounter=encounter)

    @audited
    def ledger(self, since: dt.date, until: dt.date) -> list[ReceiptRow]:
        """The ledger's lines of a period, by day then as written (payers named)."""
        self._trail.record(Action.READ, target="ledger", detail=f"{since} – {until}")
        return self._fees.receipts(since.isoformat(), until.isoformat())

    @not_audited("sums of amounts per method: no payer, no patient named")
    def totals(self, since: dt.date, until: dt.date,
               period: str = "day") -> dict[str, dict[str, int]]:
        """For each day (or month, or year) of the period: the amount received per method."""
        found: dict[str, list[tuple[str, int]]] = {}
        for key, method, cents in self._fees.totals(since.isoformat(), until.isoformat(),
                                                    PERIODS[period]):
            found.setdefault(key, []).append((method, cents))
        return {key: by_method(rows) for key, rows in found.items()}

    @audited
    def deposit_slip(self, since: dt.date, until: dt.date) -> list[ReceiptRow]:
        """The cheques received in a period and not cancelled: a bank deposit slip."""
        self._trail.record(Action.READ, target="deposit slip", detail=f"{since} – {until}")
        return self._fees.receipts(since.isoformat(), until.isoformat(), "cheque",
                                   standing=True)

    @audited
    def insurer_expected(self) -> list[FeeRow]:
        """Fees whose tiers payant has not fully arrived, oldest first."""
        self._trail.record(Action.READ, target="tiers payant expected")
        return self._fees.insurer_expected()

    @audited
    def export(self, year: int, month: int | None, out: Output) -> ExportResult:
        """The month's or the year's ledger for the accountant: CSV and signed PDF.

        Amounts, dates, methods and payers only: never an act, a reason or a diagnosis.
        """
        from cabinet.documents.ledger import ledger_document
        from cabinet.services.ledger_files import annual_figures, ledger_csv, totals_csv

        try:
            since, until = month_bounds(year, month)
        except FeeError as error:
            raise _refused(error) from None
        lines = self.ledger(since, until)
        months = self.totals(since, until, "month")
        figures = annual_figures(months)
        label = f"{year}" if month is None else f"{year}-{month:02d}"
        document = ledger_document(self._issuer.letterhead(), (since, until), lines,
                                   months=months, figures=figures)
        name = f"recettes-{label}"
        with staged_folder(out.destination, name, out.cancel) as stage:
            stage.add(f"livre-journal-{label}.csv", ledger_csv(lines))
            stage.add(f"totaux-{label}.csv", totals_csv(months, figures))
            stage.add(f"livre-journal-{label}.pdf", self._issuer.sign(document, out.signer))
            stage.add("INVENTAIRE.txt", inventory(stage.files))
            files = tuple(stage.files)
            self._issuer.journal_export("accounting", None, "comptable", files, target="ledger")
        return ExportResult(str(out.destination / name), files)
