"""The whole journal with filters and the verdict of the chain verification (TRACE-1, -2).

Anchor alerts (older or truncated journal) stay shown at the top until the titular physician
acknowledges them here with a reason.
"""

import datetime as dt

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.audit import ACCESS_MODE_LABELS, ChainWalker
from cabinet.domain.wording import detail_text, french_datetime, mode_label, target_text
from cabinet.errors import KnownError
from cabinet.services.ports import JournalFilter
from cabinet.ui.common.dialogs import side_by_side
from cabinet.ui.common.errors import show_known_error

ACTION_LABELS = {"connect": "Connexion", "connect_failed": "Échec de connexion",
                 "lock": "Verrouillage", "read": "Lecture", "create": "Création",
                 "correct": "Correction", "export": "Export", "print": "Impression",
                 "search": "Recherche",
                 "erase": "Effacement", "admin": "Administration"}
COLUMNS = ("Date", "Qui", "Mode", "Action", "Patient n°", "Objet", "Détail", "Poste")
PAGE = 2000


def _utc_midnight(day: dt.date) -> str:
    """The UTC timestamp of the workstation's local midnight starting `day`."""
    local = dt.datetime.combine(day, dt.time()).astimezone()
    return local.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _day(edit: QDateEdit) -> dt.date:
    chosen = edit.date()
    return dt.date(chosen.year(), chosen.month(), chosen.day())


def _date_filter(label: str) -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox(label)
    edit = QDateEdit(QDate.currentDate())
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setAccessibleName(label)
    return check, edit


def _combo(label: str, items: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(label)
    combo.addItem(f"{label} : tous", "")
    for key, text in items.items():
        combo.addItem(text, key)
    return combo


def anchor_alert_banner(ctx: AppContext) -> str:
    """The main window's warning while an anchor alert is raised, else ''."""
    if not ctx.journal.anchor_alerts():
        return ""
    return ("ALERTE : journal plus ancien ou tronqué depuis le dernier verrouillage "
            "(Fichier › Journal des accès)")


class AuditViewer(QDialog):
    """Browse the journal; opening it verifies the chain and says so at the top."""

    def __init__(self, ctx: AppContext, patient_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Journal des accès")
        self._ctx = ctx
        self._patient_id = patient_id
        self.verdict = QLabel()
        self.verdict.setObjectName("chainVerdict")
        self.only_patient = QCheckBox("Patient ouvert seulement")
        self.only_patient.setEnabled(patient_id is not None)
        self.use_since, self.since = _date_filter("Depuis le")
        self.use_until, self.until = _date_filter("Jusqu'au")
        self.action = _combo("Action", ACTION_LABELS)
        self.mode = _combo("Mode", {m.value: t for m, t in ACCESS_MODE_LABELS.items()})
        apply = QPushButton("&Filtrer")
        apply.clicked.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Évènements du journal")
        filters = QHBoxLayout()
        for widget in (self.only_patient, self.use_since, self.since, self.use_until,
                       self.until, self.action, self.mode, apply):
            filters.addWidget(widget)
        self.alert = QLabel()
        self.alert.setObjectName("anchorAlert")
        self.alert.setWordWrap(True)
        self.alert.setStyleSheet("color: #b00020; font-weight: bold;")
        self.acknowledge = QPushButton("&Lever l'alerte…")
        self.acknowledge.clicked.connect(self.acknowledge_alerts)
        self.alert_row = side_by_side(self.alert, self.acknowledge)
        layout = QVBoxLayout(self)
        layout.addWidget(self.alert_row)
        layout.addWidget(self.verdict)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.resize(1100, 640)
        self.show_alerts()
        self.show_verdict()
        self.refresh()

    def show_alerts(self) -> None:
        """The anchor alerts still raised; only the titular physician may acknowledge them."""
        self._alerts = self._ctx.journal.anchor_alerts()
        self.alert.setText("\n".join(
            f"Alerte non levée ({french_datetime(a['at'])}) : {a['detail']}"
            for a in reversed(self._alerts)))
        self.alert_row.setVisible(bool(self._alerts))
        self.acknowledge.setEnabled(self._ctx.journal.is_titular())

    def acknowledge_alerts(self) -> None:
        """Ask the reason, journal the acknowledgement, show the journal again."""
        reason, ok = QInputDialog.getText(
            self, "Lever l'alerte du journal",
            "Pourquoi levez-vous l'alerte ? (restauration voulue, incident expliqué…)")
        if not ok or not self._alerts:
            return
        try:
            self._ctx.journal.acknowledge_anchor_alerts(self._alerts[0]["id"], reason)
        except KnownError as error:
            show_known_error(self, error)
            return
        self.show_alerts()
        self.refresh()

    def show_verdict(self) -> None:
        """Verify the chain a piece at a time between events, then show the result."""
        walker = ChainWalker()
        self.verdict.setText("Vérification du journal en cours…")

        def step() -> None:
            if self._ctx.vault.locked:
                return
            if self._ctx.journal.verify_step(walker):
                self.verdict.setText(f"Vérification du journal en cours… "
                                     f"{walker.checked} évènement(s) vérifié(s)")
                QTimer.singleShot(0, step)
                return
            report = self._ctx.journal.finish_verification(walker)
            colour = "#1b5e20" if report.intact else "#b00020"
            self.verdict.setStyleSheet(f"color: {colour}; font-weight: bold;")
            self.verdict.setText(report.summary())

        QTimer.singleShot(0, step)

    def current_filter(self) -> JournalFilter:
        """The criteria chosen."""
        since = _utc_midnight(_day(self.since)) if self.use_since.isChecked() else ""
        until = (_utc_midnight(_day(self.until) + dt.timedelta(days=1))
                 if self.use_until.isChecked() else "")
        return JournalFilter(since=since, until=until, action=self.action.currentData(),
                             mode=self.mode.currentData())

    def refresh(self) -> None:
        """Read the journal again with the chosen criteria."""
        patient = self._patient_id if self.only_patient.isChecked() else None
        rows = self._ctx.journal.events(self.current_filter(), patient, PAGE)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (french_datetime(row["at"]), row["actor"],
                     mode_label(row["mode"]),
                     ACTION_LABELS.get(row["action"], row["action"]),
                     str(row["patient_id"] or ""), target_text(row["target"]),
                     detail_text(row["detail"], row["action"]), row["workstation"])
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
