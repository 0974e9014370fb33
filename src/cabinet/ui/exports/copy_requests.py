"""The register of requests for a copy of the record (RIGHTS-4), and the copy itself.

The table shows each request of this patient with its legal dates: not before the 48 hours
of reflection, at the latest 8 days after (2 months for information older than five years).
A new request says who asks, in what capacity, how identity and standing were checked, and
when it arrived. The copy is signed and written through the `Exporter`.
"""

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.rights import HEIR_PURPOSES, IDENTITY_CHECKS, REQUESTERS, CopyRequest
from cabinet.domain.wording import french_datetime
from cabinet.errors import KnownError
from cabinet.ui.common.dialogs import close_buttons, patient_banner, result_label
from cabinet.ui.exports.signing import Exporter

if TYPE_CHECKING:
    from cabinet.services.copies import RegisteredRequest  # PDF libraries: loaded on use

COLUMNS = ("N°", "Demandeur", "Reçue le", "À remettre à partir du", "Au plus tard le", "État")
LATE = QColor("#b00020")


def status_text(request: "RegisteredRequest", today: dt.date) -> str:
    """Where a request stands, in French."""
    if request.row.delivered_at is not None:
        return f"Copie remise le {french_datetime(request.row.delivered_at)}"
    if today < request.dates.earliest:
        return "Délai de réflexion de 48 heures en cours"
    if today <= request.dates.latest:
        return "Copie à remettre"
    return "En retard : délai légal dépassé"


def requester_text(request: "RegisteredRequest") -> str:
    """'Name — capacity (purpose)'."""
    data = request.row.request
    text = f"{data['name']} — {REQUESTERS.get(data['requester'], data['requester'])}"
    if data.get("purpose"):
        text += f" ({HEIR_PURPOSES.get(data['purpose'], data['purpose']).lower()})"
    return text


class CopyRequestsDialog(QDialog):
    """The requests of one patient, a form for a new one, and the copy's delivery."""

    def __init__(self, ctx: AppContext, patient_id: int, patient: str, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Demandes de copie du dossier")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # no closed form stays around
        self.ctx, self.patient_id, self.exporter = ctx, patient_id, exporter
        self.today = ctx.clock.now().astimezone().date()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Demandes de copie de ce dossier")
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.with_history = QCheckBox("Joindre l'&historique des accès au dossier")
        deliver = QPushButton("&Remettre la copie…")
        deliver.clicked.connect(self.deliver_selected)
        delivery = QHBoxLayout()
        delivery.addWidget(self.with_history)
        delivery.addStretch()
        delivery.addWidget(deliver)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.outcome = result_label("exportResult")
        close = close_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(patient_banner(patient))
        layout.addWidget(self.table)
        layout.addLayout(delivery)
        layout.addWidget(self._new_request_box())
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addWidget(close)
        self.resize(1000, 660)
        self.refresh()

    def _new_request_box(self) -> QGroupBox:
        box = QGroupBox("Nouvelle demande")
        self.form = form = QFormLayout(box)
        self.requester = QComboBox()
        for key, label in REQUESTERS.items():
            self.requester.addItem(label, key)
        self.requester.currentIndexChanged.connect(self._requester_changed)
        self.name = QLineEdit()
        self.purpose = QComboBox()
        for key, label in HEIR_PURPOSES.items():
            self.purpose.addItem(label, key)
        self.checks = {key: QCheckBox(label) for key, label in IDENTITY_CHECKS.items()}
        self.received = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        self.received.setDisplayFormat("dd/MM/yyyy")
        self.received.setCalendarPopup(True)
        self.received.setMaximumDate(self.received.date())
        self.note = QLineEdit()
        form.addRow("&Qui demande", self.requester)
        form.addRow("&Nom du demandeur", self.name)
        form.addRow("&Motif (ayant droit)", self.purpose)
        for index, check in enumerate(self.checks.values()):
            form.addRow("Vérification de l'identité" if index == 0 else "", check)
        form.addRow("Demande &reçue le", self.received)
        form.addRow("&Précision (facultative)", self.note)
        register = QPushButton("&Enregistrer la demande")
        register.clicked.connect(self.register)
        form.addRow("", register)
        for widget, name in ((self.requester, "Qui demande"), (self.name, "Nom du demandeur"),
                             (self.purpose, "Motif de l'ayant droit"),
                             (self.received, "Date de réception"), (self.note, "Précision")):
            widget.setAccessibleName(name)
        self._requester_changed()
        return box

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Size the rows for the columns as shown (they were sized before the first show)."""
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def _requester_changed(self) -> None:
        self.form.setRowVisible(self.purpose, self.requester.currentData() == "heir")

    def refresh(self) -> None:
        """Read the register again (journaled) and show it, newest first."""
        self.requests = self.ctx.copies.requests(self.patient_id)
        self.table.setRowCount(len(self.requests))
        for row, request in enumerate(self.requests):
            dates = request.dates
            latest = dates.latest.strftime("%d/%m/%Y")
            if dates.old_information:
                latest += " (informations de plus de 5 ans)"
            status = status_text(request, self.today)
            cells = (str(request.row.request_id), requester_text(request),
                     dt.date.fromisoformat(request.row.received_on).strftime("%d/%m/%Y"),
                     dates.earliest.strftime("%d/%m/%Y"), latest, status)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if status.startswith("En retard"):
                    item.setForeground(QBrush(LATE))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        waiting = [i for i, r in enumerate(self.requests) if not r.delivered]
        self.table.selectRow(waiting[0] if waiting else 0)

    def request(self) -> CopyRequest:
        """The request the form describes."""
        heir = self.requester.currentData() == "heir"
        return CopyRequest(
            requester=str(self.requester.currentData()), name=self.name.text(),
            identity_checks=tuple(k for k, box in self.checks.items() if box.isChecked()),
            received_on=dt.date.fromisoformat(self.received.date().toString("yyyy-MM-dd")),
            purpose=str(self.purpose.currentData()) if heir else "", note=self.note.text())

    def register(self) -> None:
        """Write the request into the register, or say in French what is missing."""
        try:
            self.ctx.copies.register(self.patient_id, self.request())
        except KnownError as error:
            self.error.setText(error.message)
            return
        self.error.clear()
        self.outcome.setText("Demande enregistrée.")
        self.name.clear()
        self.note.clear()
        for box in self.checks.values():
            box.setChecked(False)
        self.refresh()

    def deliver_selected(self) -> None:
        """Sign and write the copy for the selected request, then mark it given."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.requests):
            self.error.setText("Choisissez d'abord une demande dans la liste.")
            return
        request = self.requests[row]
        if request.delivered:
            self.error.setText("La copie a déjà été remise pour cette demande.")
            return
        request_id, with_history = request.row.request_id, self.with_history.isChecked()
        try:
            result = self.exporter.run(self, lambda out: self.ctx.copies.deliver(
                request_id, out, with_history=with_history), "Copie du dossier enregistrée")
        except KnownError as error:
            self.error.setText(error.message)
            return
        if result is None:
            return
        self.error.clear()
        self.outcome.setText(f"Copie du dossier enregistrée : {result.path}")
        self.refresh()
