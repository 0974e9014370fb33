"""The livre-journal des recettes: the day's lines and totals to close the day, the month's.

Three tabs: the day (its lines, the day's and the month's totals by method), the cheques to
deposit that day (the bank deposit slip), and the tiers payant still expected. Lines are
never changed here: « Annuler… » cancels an encounter's fee with a reason, which writes the
opposite lines today. Exports for the accountant are signed through the `Exporter`.
"""

import datetime as dt
from collections.abc import Callable, Mapping

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.fees import METHODS, FeeError, euros, month_bounds, parse_amount
from cabinet.errors import InvalidInput, KnownError
from cabinet.services.ports import FeeRow, ReceiptRow
from cabinet.ui.common.dialogs import close_buttons, result_label
from cabinet.ui.common.errors import show_known_error
from cabinet.ui.exports.signing import Exporter, show_result
from cabinet.ui.fees.tables import date_edit, day_of, fill_table, read_only_table

LINE_COLUMNS = ("N°", "Payeur", "Mode", "N° de chèque", "Montant", "Annule la ligne")
EXPECTED_TAB = 2
SLIP_COLUMNS = ("N°", "Payeur", "N° de chèque", "Montant")
EXPECTED_COLUMNS = ("Honoraires n°", "Acte du", "Organisme", "Attendu", "Déjà reçu")


def totals_text(title: str, totals: Mapping[str, int]) -> str:
    """« Journée du 02/11/2026 : espèces 30,00 € — … — total 95,00 € »."""
    parts = [f"{label.lower()} {euros(totals.get(method, 0))}"
             for method, label in METHODS.items()]
    return f"<b>{title}</b> : " + " — ".join(parts) + \
        f" — <b>total {euros(sum(totals.values()))}</b>"


def amount_typed(text: str) -> int:
    """Cents from a typed amount, or the French refusal as a known error."""
    try:
        return parse_amount(text)
    except FeeError as error:
        raise InvalidInput(str(error)) from None


def _button(text: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(slot)
    return button


def _column(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    for widget in widgets:
        layout.addWidget(widget)
    return holder


def _line_cells(line: ReceiptRow) -> list[str]:
    return [str(line.receipt_id), line.payer, METHODS[line.method], line.cheque_number,
            euros(line.cents), str(line.cancels or "")]


class LedgerWindow(QDialog):
    """The ledger of one day, chosen with the date (Alt+← / Alt+→, « Aujourd’hui »)."""

    def __init__(self, context: Callable[[], AppContext], exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Livre-journal des recettes")
        self._context = context
        self._exporter = exporter
        self._lines: list[ReceiptRow] = []
        self._expected: list[FeeRow] = []
        self.day = date_edit(context().clock.now().astimezone().date())
        self.day.dateChanged.connect(self.refresh)
        for keys, step in (("Alt+Left", -1), ("Alt+Right", 1)):
            QShortcut(QKeySequence(keys), self).activated.connect(
                lambda s=step: self.day.setDate(self.day.date().addDays(s)))
        self.lines = read_only_table(LINE_COLUMNS, "Lignes de la journée")
        self.day_totals = result_label("dayTotals")
        self.month_totals = result_label("monthTotals")
        self.cheques = read_only_table(SLIP_COLUMNS, "Chèques à remettre")
        self.slip_total = result_label("slipTotal")
        self.expected = read_only_table(EXPECTED_COLUMNS, "Tiers payant attendu")
        self.tabs = QTabWidget()
        self.tabs.addTab(_column(self.lines, self.day_totals, self.month_totals, _button(
            "A&nnuler les honoraires de la ligne…", self.cancel_selected)), "&Journée")
        self.tabs.addTab(_column(self.cheques, self.slip_total), "&Chèques à remettre")
        self.tabs.addTab(_column(self.expected, _button("Tiers payant &reçu…",
                                                        self.insurer_received)),
                         "&Tiers payant attendu")
        self.tabs.currentChanged.connect(
            lambda index: self._load_expected() if index == EXPECTED_TAB else None)
        layout = QVBoxLayout(self)
        layout.addLayout(self._top())
        layout.addWidget(self.tabs)
        layout.addWidget(close_buttons(self))
        self.resize(900, 560)
        self.refresh()

    def _top(self) -> QHBoxLayout:
        today = self.chosen_day()
        date_label = QLabel("&Date :")
        date_label.setBuddy(self.day)
        top = QHBoxLayout()
        top.addWidget(date_label)
        top.addWidget(self.day)
        top.addWidget(_button("&Aujourd'hui", lambda: self.day.setDate(
            QDate(today.year, today.month, today.day))))
        top.addStretch()
        top.addWidget(_button("Table des a&ctes…", self.show_rates))
        top.addWidget(_button("Exporter le &mois…", lambda: self.export(whole_year=False)))
        top.addWidget(_button("Exporter l'a&nnée…", lambda: self.export(whole_year=True)))
        return top

    def chosen_day(self) -> dt.date:
        """The day shown."""
        return day_of(self.day)

    def refresh(self) -> None:
        """Read the day's lines, its totals and the month's, the cheques (and the expected)."""
        fees, day = self._context().fees, self.chosen_day()
        self._lines = fees.ledger(day, day)
        fill_table(self.lines, [_line_cells(line) for line in self._lines])
        daily = fees.totals(day, day).get(day.isoformat(), dict.fromkeys(METHODS, 0))
        self.day_totals.setText(totals_text(f"Journée du {day:%d/%m/%Y}", daily))
        since, until = month_bounds(day.year, day.month)
        monthly = fees.totals(since, until, "month").get(f"{day:%Y-%m}",
                                                         dict.fromkeys(METHODS, 0))
        self.month_totals.setText(totals_text(f"Mois de {day:%m/%Y}", monthly))
        slip = fees.deposit_slip(day, day)
        fill_table(self.cheques, [[str(c.receipt_id), c.payer, c.cheque_number,
                                   euros(c.cents)] for c in slip])
        self.slip_total.setText(f"<b>{len(slip)} chèque(s), total "
                                f"{euros(sum(c.cents for c in slip))}</b>")
        if self.tabs.currentIndex() == EXPECTED_TAB:
            self._load_expected()

    def _load_expected(self) -> None:
        """The tiers payant still expected, read when its tab is shown (it spans years)."""
        self._expected = self._context().fees.insurer_expected()
        fill_table(self.expected, [
            [str(f.fee_id), f"{dt.date.fromisoformat(f.act_date):%d/%m/%Y}", f.insurer,
             euros(f.third_party_cents), euros(f.insurer_paid_cents)] for f in self._expected])

    def cancel_selected(self) -> None:
        """Cancel the selected line's fee, with a reason: its lines get their opposites."""
        row = self.lines.currentRow()
        if not 0 <= row < len(self._lines):
            return
        reason, ok = QInputDialog.getText(self, "Annuler des honoraires",
                                          "Motif de l'annulation :")
        if ok:
            self._run(lambda: self._context().fees.cancel(self._lines[row].fee_id, reason))

    def insurer_received(self) -> None:
        """The selected expected tiers payant arrived today, for the amount typed."""
        row = self.expected.currentRow()
        if not 0 <= row < len(self._expected):
            return
        fee = self._expected[row]
        left = fee.third_party_cents - fee.insurer_paid_cents
        text, ok = QInputDialog.getText(self, "Tiers payant reçu", "Montant reçu :",
                                        text=euros(left).replace(" €", ""))
        if ok:
            self._run(lambda: self._context().fees.insurer_paid(
                fee.fee_id, amount_typed(text), self.chosen_day()))

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except KnownError as error:
            show_known_error(self, error)
        self.refresh()

    def show_rates(self) -> None:
        """The act table, and a new dated line."""
        from cabinet.ui.fees.rates_dialog import RatesDialog

        ctx = self._context()
        RatesDialog(ctx.fees, ctx.clock.now().astimezone().date(), parent=self).exec()

    def export(self, *, whole_year: bool) -> None:
        """The month's or the year's ledger, CSV and signed PDF, for the accountant."""
        day, fees = self.chosen_day(), self._context().fees
        month = None if whole_year else day.month
        try:
            result = self._exporter.run(self, lambda out: fees.export(day.year, month, out),
                                        "Livre-journal exporté", job="Export des recettes…")
        except KnownError as error:
            show_known_error(self, error)
            return
        if result is not None:
            show_result(self, result, "Livre-journal des recettes exporté")
