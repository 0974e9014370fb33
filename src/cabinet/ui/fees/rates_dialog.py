"""The act table: every dated line, shipped or added, and a new line from a date.

A new amount never overwrites the old one: it is a new line valid from its date, so fees
already recorded, and encounters dated before, keep their price.
"""

import datetime as dt

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from cabinet.domain.fees import FeeError, euros, parse_amount
from cabinet.errors import InvalidInput
from cabinet.services.fees import FeeService
from cabinet.ui.common.dialogs import ServiceDialog
from cabinet.ui.fees.tables import date_edit, day_of, fill_table, read_only_table

COLUMNS = ("Code", "Libellé", "Montant", "À partir du", "Zone")


class RatesDialog(ServiceDialog):
    """The table as it stands, and the fields of a new dated line."""

    def __init__(self, fees: FeeService, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__("Table des actes et tarifs", parent)
        self._fees = fees
        table = fees.table()
        self.rates = read_only_table(COLUMNS, "Tarifs des actes")
        fill_table(self.rates, [
            [r.code, r.label, euros(r.cents) + (" / km" if r.per_km else ""),
             f"{r.since:%d/%m/%Y}", table.zones.get(r.zone, "Toutes")]
            for r in sorted(table.rates, key=lambda r: (r.code, r.since))])
        self.code = QLineEdit()
        self.label = QLineEdit()
        self.label.setPlaceholderText("inchangé pour un acte connu")
        self.amount = QLineEdit()
        self.since = date_edit(today)
        self.zone = QComboBox()
        self.zone.addItem("Toutes les zones", "")
        for key, label in table.zones.items():
            self.zone.addItem(label, key)
        form = QFormLayout()
        form.addRow("&Code", self.code)
        form.addRow("&Libellé", self.label)
        form.addRow("&Montant", self.amount)
        form.addRow("À &partir du", self.since)
        form.addRow("&Zone", self.zone)
        self.body.addWidget(self.rates)
        self.body.addLayout(form)
        self.resize(760, 560)
        self.save = self._add

    def _add(self) -> None:
        try:
            cents = parse_amount(self.amount.text())
        except FeeError as error:
            raise InvalidInput(str(error)) from None
        self._fees.add_rate(self.code.text(), self.label.text(), cents,
                            day_of(self.since), str(self.zone.currentData()))
