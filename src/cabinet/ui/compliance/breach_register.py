"""The data-breach register's window (GDPR-1): the breaches as they now read.

A new breach, a correction, the register and the 72-hour CNIL notification written to a
folder.
"""

import re

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.domain.breach import FIELDS, YES_NO
from cabinet.services.compliance import ComplianceService
from cabinet.ui.common.dialogs import ServiceDialog, side_by_side
from cabinet.ui.compliance.files import write_to_folder

DATES = ("occurred_on", "discovered_on", "cnil_notified_on")
LONG = ("consequences", "measures", "why_not")
CHOICES = ("cnil_notified", "people_informed")
FRENCH_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
COLUMNS = ("N°", "Date", "Nature", "Notifiée à la CNIL", "Personnes informées")


def iso_date(typed: str) -> str:
    """JJ/MM/AAAA as typed → AAAA-MM-JJ; anything else is passed on for the check to refuse."""
    match = FRENCH_DATE.fullmatch(typed.strip())
    return f"{match[3]}-{match[2]}-{match[1]}" if match else typed.strip()


def french_date(iso: str) -> str:
    """AAAA-MM-JJ → JJ/MM/AAAA."""
    return "/".join(reversed(iso.split("-"))) if iso else ""


class BreachDialog(ServiceDialog):
    """One breach's fields; saving writes a line, or a correction of breach `corrects`."""

    def __init__(self, compliance: ComplianceService, current: dict[str, str] | None = None,
                 corrects: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Violation de données" + (f" n° {corrects} : correction"
                                                    if corrects else ""), parent)
        self.fields: dict[str, QLineEdit | QPlainTextEdit | QComboBox] = {}
        form = QFormLayout()
        for key, label in FIELDS.items():
            field = self._field(key, (current or {}).get(key, ""))
            field.setAccessibleName(label)
            form.addRow(f"{label} :", field)
            self.fields[key] = field
        self.body.addLayout(form)
        self.save = lambda: compliance.record_breach(self.values(), corrects)

    @staticmethod
    def _field(key: str, value: str) -> QLineEdit | QPlainTextEdit | QComboBox:
        """A yes/no list, a text area or a line (dates as JJ/MM/AAAA)."""
        if key in CHOICES:
            choice = QComboBox()
            for code, text in (("no", "non"), ("yes", "oui")):
                choice.addItem(text, code)
            choice.setCurrentIndex(max(choice.findData(value or "no"), 0))
            return choice
        if key in LONG:
            return QPlainTextEdit(value)
        line = QLineEdit(french_date(value) if key in DATES else value)
        if key in DATES:
            line.setPlaceholderText("JJ/MM/AAAA")
        return line

    def values(self) -> dict[str, str]:
        """What is typed, dates in ISO."""
        values = {}
        for key, field in self.fields.items():
            if isinstance(field, QComboBox):
                values[key] = str(field.currentData())
            elif isinstance(field, QPlainTextEdit):
                values[key] = field.toPlainText()
            else:
                values[key] = iso_date(field.text()) if key in DATES else field.text()
        return values


class BreachRegisterDialog(QDialog):
    """The register as it now reads, and what can be done with it."""

    def __init__(self, compliance: ComplianceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Registre des violations de données")
        self._compliance = compliance
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Violations inscrites")
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = [self._button("&Inscrire une violation…", self.add),
                   self._button("&Corriger…", self.correct),
                   self._button("&Notification à la CNIL…", self.notify),
                   self._button("&Écrire le registre…", self.write)]
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("&Fermer")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(side_by_side(QWidget(), *buttons))
        layout.addWidget(self.table)
        layout.addWidget(close)
        self.resize(900, 420)
        self.reload()

    def _button(self, text: str, action: object) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(action)
        return button

    def reload(self) -> None:
        """Read the register again."""
        self._lines = self._compliance.breaches()
        self.table.setRowCount(len(self._lines))
        for row, (number, line) in enumerate(self._lines.items()):
            cells = (str(number), french_date(line["occurred_on"]), line["nature"],
                     YES_NO[line["cnil_notified"]], YES_NO[line["people_informed"]])
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected(self) -> int | None:
        """The number of the selected breach."""
        row = self.table.currentRow()
        return list(self._lines)[row] if 0 <= row < len(self._lines) else None

    def _edit(self, current: dict[str, str] | None, corrects: int | None) -> None:
        dialog = BreachDialog(self._compliance, current, corrects, self)
        dialog.exec()
        dialog.deleteLater()
        self.reload()

    def add(self) -> None:
        """Write a new breach."""
        self._edit(None, None)

    def correct(self) -> None:
        """Write a correction of the selected breach (the first wording stays)."""
        number = self.selected()
        if number is not None:
            self._edit(self._lines[number], number)

    def notify(self) -> None:
        """The CNIL notification of the selected breach, PDF/A and HTML."""
        number = self.selected()
        if number is not None:
            write_to_folder(self, "Notification à la CNIL",
                            lambda folder: self._compliance.write_notification(number, folder))

    def write(self) -> None:
        """The whole register, PDF/A and HTML."""
        write_to_folder(self, "Registre des violations de données",
                        self._compliance.write_register)
