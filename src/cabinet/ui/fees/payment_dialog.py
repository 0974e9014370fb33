"""The fee of one encounter: acts typed as codes, what is paid now and how, the tiers payant.

Keyboard first: the acts are typed (« G MEG », « VG MD IK×12 »), the amount is computed at the
encounter's date as they are typed and offered as the amount paid; Alt+E saves. A refused
input (unknown act, cheque without its number, negative amount) keeps the dialog open with
its French message.
"""

import datetime as dt

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from cabinet.domain.fees import (
    DEFAULT_INSURER,
    MAINLAND,
    METHODS,
    FeeError,
    FeeInput,
    euros,
    parse_acts,
    parse_amount,
)
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.fees import FeeService
from cabinet.services.ports import FeeRow, StoredVersion
from cabinet.ui.common.dialogs import ServiceDialog
from cabinet.ui.common.errors import show_known_error

UNPAID = "Non payé"
NO_ENCOUNTER = "Sélectionnez d'abord la consultation dans l'onglet « Consultations »."


def already_recorded(rows: list[FeeRow]) -> str:
    """What this encounter's earlier fees say, so that none is recorded twice."""
    standing = [row for row in rows if not row.cancelled]
    if not standing:
        return ""
    said = "; ".join(
        " ".join(f"{a['code']}×{a['quantity']}" if a["quantity"] > 1 else a["code"]
                 for a in row.acts)
        + f" — {euros(row.total_cents)}, payé {euros(row.patient_paid_cents)}"
        + (f", tiers payant {euros(row.third_party_cents)}" if row.third_party_cents else "")
        for row in standing)
    return f"Déjà noté pour cette consultation : {said}."


class PaymentDialog(ServiceDialog):
    """Record the acts of the encounter `lineage`, dated `day`, and their payment."""

    def __init__(self, fees: FeeService, lineage: int, day: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__("Honoraires de la consultation", parent)
        self._fees = fees
        self._lineage = lineage
        self._day = day
        self.fee_id: int | None = None
        table = fees.table()
        form = QFormLayout()
        self.acts = QLineEdit()
        self.acts.setPlaceholderText("G MEG, VG MD IK×12…")
        self.acts.setToolTip("Codes connus : " + ", ".join(table.codes()))
        self.total = QLabel()
        self.total.setObjectName("feeTotal")
        self.zone = QComboBox()
        for key, label in table.zones.items():
            self.zone.addItem(label, key)
        self.zone.setCurrentIndex(max(self.zone.findData(MAINLAND), 0))
        self.third_party = QLineEdit("0")
        self.insurer = QLineEdit(DEFAULT_INSURER)
        self.paid = QLineEdit()
        self.method = QComboBox()
        self.method.addItem(UNPAID, "")
        for key, label in METHODS.items():
            self.method.addItem(label, key)
        self.cheque = QLineEdit()
        form.addRow(f"&Actes (consultation du {day:%d/%m/%Y})", self.acts)
        form.addRow("Montant des actes", self.total)
        form.addRow("&Zone tarifaire", self.zone)
        form.addRow("&Tiers payant (part de l'organisme)", self.third_party)
        form.addRow("&Organisme", self.insurer)
        form.addRow("Montant &payé maintenant", self.paid)
        form.addRow("&Mode de paiement", self.method)
        form.addRow("N° du &chèque", self.cheque)
        self.already = QLabel(already_recorded(fees.encounter_fees(lineage)))
        self.already.setObjectName("feesAlready")
        self.already.setWordWrap(True)
        self.body.addWidget(self.already)
        self.body.addLayout(form)
        self._offered = ""
        for edit in (self.acts, self.third_party):
            edit.textChanged.connect(self._requote)
        self.zone.currentIndexChanged.connect(self._requote)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()
        self.save = self._record

    def _entered(self) -> FeeInput:
        try:
            acts = parse_acts(self.acts.text())
            third_party = parse_amount(self.third_party.text() or "0")
            method = str(self.method.currentData())
            paid = parse_amount(self.paid.text() or "0") if method else 0
        except FeeError as error:
            raise InvalidInput(str(error)) from None
        return FeeInput(acts, paid, method, self.cheque.text(), third_party,
                        self.insurer.text(), str(self.zone.currentData()))

    def _requote(self) -> None:
        """Show the acts' amount as typed, and offer what is left as the amount paid."""
        try:
            entered = self._entered()
            quoted = self._fees.quote(FeeInput(entered.acts, zone=entered.zone), self._day)
        except KnownError as error:
            self.total.setText(error.message if self.acts.text().strip() else "")
            return
        self.total.setText(euros(quoted.total_cents))
        left = quoted.total_cents - entered.third_party_cents
        if self.paid.text() in ("", self._offered):
            self._offered = f"{left // 100},{left % 100:02d}" if left > 0 else ""
            self.paid.setText(self._offered)

    def _method_changed(self) -> None:
        method = self.method.currentData()
        self.cheque.setEnabled(method == "cheque")
        self.paid.setEnabled(bool(method))

    def _record(self) -> None:
        self.fee_id = self._fees.record(self._lineage, self._entered())


def record_encounter_fee(parent: QWidget, fees: FeeService, encounter: StoredVersion | None,
                         patient_text: str) -> int | None:
    """The fee of the selected encounter (Ctrl+E); the fee's number once recorded."""
    if encounter is None:
        show_known_error(parent, InvalidInput(NO_ENCOUNTER))
        return None
    dialog = PaymentDialog(fees, encounter.lineage,
                           dt.date.fromisoformat(encounter.effective_date[:10]), parent)
    dialog.show_patient(patient_text)
    dialog.exec()
    return dialog.fee_id
