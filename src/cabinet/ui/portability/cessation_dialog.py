"""Closing the practice (CONT-2): each patient's choice, the letters, the exports, the declaration.

The closure's particulars (its date, the successor, the departmental council, where the records
not transferred are kept) are typed at the top and used by the letters and the declaration.
The table lists the patients who answered with their latest choice, by number: listing names
would read, and journal, every identity of the practice. A choice is set for the open record
or a typed number; a new choice supersedes the previous one, which stays in the vault.

Then: the information letters for the patients still without an answer (a folder of PDF/A to
print and post, written on a worker thread); one archive per destination (the successor, each
physician named by patients) and the remainder, through the export form with its selection
fixed (the remainder with a passphrase, kept with the declaration); the declaration to the
council, signed. The archive services load on use.
"""

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
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
from cabinet.domain.settings import EXPORT_FOLDER
from cabinet.domain.wording import french_datetime
from cabinet.errors import InvalidInput, KnownError
from cabinet.exchange.staging import CancelToken
from cabinet.ui.common.dialogs import close_buttons, result_label, side_by_side
from cabinet.ui.common.file_choice import folder_to_use
from cabinet.ui.common.worker import BackgroundJob
from cabinet.ui.exports.signing import Exporter
from cabinet.ui.portability.archive_export import ArchiveExportDialog, date_edit, day_of

if TYPE_CHECKING:
    from cabinet.services.portability.cessation import Closure
    from cabinet.services.portability.export import Selection

COLUMNS = ("N° patient", "Choix", "Médecin choisi", "Décidé le", "Enregistré par")
LETTERS_STOPPED = "Lettres annulées : aucun fichier n'a été écrit."
ABANDONED = "Abandonné : aucun fichier n'a été écrit."


def _line(name: str, example: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(example)
    return edit


class CessationDialog(QDialog):
    """The closure's particulars, the patients' choices, and what leaves the practice."""

    def __init__(self, context: Callable[[], AppContext], exporter: Exporter,
                 current_patient: int | None = None, patient_text: str = "",
                 parent: QWidget | None = None) -> None:
        from cabinet.services.portability.cessation import CHOICES

        super().__init__(parent)
        self.setWindowTitle("Cessation d'activité")
        self._context = context
        self.exporter = exporter
        self.current_patient = current_patient
        self.labels = CHOICES
        today = context().clock.now().astimezone().date()
        layout = QVBoxLayout(self)
        layout.addWidget(self._closure_box(today))
        layout.addWidget(self._choices_box(today, patient_text), 1)
        layout.addWidget(self._actions_box())
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.outcome = result_label("cessationOutcome")
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addWidget(close_buttons(self))
        self.resize(860, 720)
        self.refresh()

    # --- the closure ----------------------------------------------------------------------
    def _closure_box(self, today: dt.date) -> QGroupBox:
        box = QGroupBox("La cessation")
        form = QFormLayout(box)
        self.closing_on = date_edit(today)
        self.closing_on.setAccessibleName("Date de cessation")
        self.successor = _line("Successeur", "Dr Paul Durand, 3 rue des Lilas, Lyon")
        self.council = _line("Conseil départemental", "Conseil départemental de l'Ordre du Rhône")
        self.kept_at = _line("Lieu de conservation",
                             "Archive chiffrée remise au Dr Durand, support scellé…")
        form.addRow("&Date de cessation", self.closing_on)
        form.addRow("&Successeur", self.successor)
        form.addRow("&Conseil départemental", self.council)
        form.addRow("Où sont conser&vés les dossiers non transmis", self.kept_at)
        return box

    def closure(self) -> "Closure":
        """What the form says of the closure (the successor's name is required)."""
        from cabinet.services.portability.cessation import Closure

        if not self.successor.text().strip():
            raise InvalidInput("Indiquez le nom du successeur.")
        return Closure(day_of(self.closing_on), self.successor.text().strip(),
                       self.council.text().strip(), self.kept_at.text().strip())

    # --- the choices ----------------------------------------------------------------------
    def _choices_box(self, today: dt.date, patient_text: str) -> QGroupBox:
        box = QGroupBox("Choix des patients")
        layout = QVBoxLayout(box)
        self.counts = QLabel()
        self.counts.setObjectName("cessationCounts")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._row_chosen)
        grid = QGridLayout()
        self.patient = _line("Numéro du patient", "n°")
        self.patient.setMaximumWidth(90)
        opened = QPushButton("Patient &ouvert")
        opened.setEnabled(self.current_patient is not None)
        opened.clicked.connect(self.use_current_patient)
        self.choice = QComboBox()
        self.choice.setAccessibleName("Choix du patient")
        for key, label in self.labels.items():
            self.choice.addItem(label, key)
        self.physician = _line("Médecin choisi", "Dr … (si le patient choisit un autre médecin)")
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.decided_on = date_edit(today)
        self.decided_on.setAccessibleName("Décidé le")
        record = QPushButton("&Enregistrer le choix")
        record.clicked.connect(lambda: self._guarded(self.record_choice))
        number_label, choice_label = QLabel("&Patient n°"), QLabel("C&hoix")
        number_label.setBuddy(self.patient)
        choice_label.setBuddy(self.choice)
        grid.addWidget(number_label, 0, 0)
        grid.addWidget(self.patient, 0, 1)
        grid.addWidget(opened, 0, 2)
        grid.addWidget(QLabel(f"(dossier ouvert : {patient_text})" if patient_text else ""),
                       0, 3, 1, 2)
        grid.addWidget(choice_label, 1, 0)
        grid.addWidget(self.choice, 1, 1, 1, 2)
        grid.addWidget(self.physician, 1, 3)
        grid.addWidget(self.decided_on, 1, 4)
        grid.addWidget(record, 2, 4)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addLayout(grid)
        self.use_current_patient()
        self._choice_changed()
        return box

    def use_current_patient(self) -> None:
        """Set the choice for the open record."""
        if self.current_patient is not None:
            self.patient.setText(str(self.current_patient))

    def _choice_changed(self) -> None:
        self.physician.setEnabled(self.choice.currentData() == "other")

    def _row_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows else None
        if item is not None:
            self.patient.setText(item.text())

    def record_choice(self) -> None:
        """Record the typed patient's choice; the table shows it at once."""
        text = self.patient.text().strip()
        if not text.isdigit():
            raise InvalidInput("Indiquez le numéro du patient (ou « Patient ouvert »).")
        self._context().cessation.record_choice(int(text), str(self.choice.currentData()),
                                                self.physician.text(), day_of(self.decided_on))
        self.outcome.setText(f"Choix enregistré pour le patient n° {int(text)}.")
        self.refresh()

    def refresh(self) -> None:
        """Show every recorded choice, the counts, and the destinations."""
        cessation = self._context().cessation
        choices = sorted(cessation.choices().values(), key=lambda c: c.patient_id)
        self.table.setRowCount(len(choices))
        for row, choice in enumerate(choices):
            decided = dt.date.fromisoformat(choice.decided_on).strftime("%d/%m/%Y")
            recorded = f"{choice.recorded_by}, {french_datetime(choice.recorded_at)}"
            cells = (str(choice.patient_id), self.labels.get(choice.choice, choice.choice),
                     choice.physician, decided, recorded)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.destinations = cessation.destinations()
        self.remainder = cessation.remainder_selection()
        successor = self.destinations.get("")
        others = {name: s for name, s in self.destinations.items() if name}
        self.counts.setText(
            f"Suivent le successeur : {len(successor.patient_ids) if successor else 0} ; "
            f"vont chez un autre médecin : {sum(len(s.patient_ids) for s in others.values())} ;"
            f" sans réponse (reliquat) : {len(self.remainder.patient_ids)}")
        self.to_successor.setEnabled(successor is not None)
        self.physicians.clear()
        for name, selection in sorted(others.items()):
            self.physicians.addItem(f"{name} ({len(selection.patient_ids)} patient(s))", name)
        self.to_physician.setEnabled(bool(others))
        self.physicians.setEnabled(bool(others))
        self.to_remainder.setEnabled(bool(self.remainder.patient_ids))

    # --- what leaves the practice ---------------------------------------------------------
    def _actions_box(self) -> QGroupBox:
        box = QGroupBox("Documents et archives")
        grid = QGridLayout(box)
        letters = QPushButton("&Lettres d'information…")
        letters.setToolTip("Une lettre par patient sans réponse, à imprimer et envoyer")
        letters.clicked.connect(lambda: self._guarded(self.write_letters))
        self.to_successor = QPushButton("Exporter vers le s&uccesseur…")
        self.to_successor.clicked.connect(lambda: self._guarded(self.export_to_successor))
        self.physicians = QComboBox()
        self.physicians.setAccessibleName("Autre médecin")
        self.to_physician = QPushButton("Exporter vers ce &médecin…")
        self.to_physician.clicked.connect(lambda: self._guarded(self.export_to_physician))
        self.to_remainder = QPushButton("Exporter le &reliquat…")
        self.to_remainder.clicked.connect(lambda: self._guarded(self.export_remainder))
        declaration = QPushButton("Décl&aration au conseil de l'Ordre…")
        declaration.clicked.connect(lambda: self._guarded(self.write_declaration))
        row = side_by_side(self.physicians, self.to_physician)
        grid.addWidget(letters, 0, 0)
        grid.addWidget(self.to_successor, 0, 1)
        grid.addWidget(row, 1, 0, 1, 2)
        grid.addWidget(self.to_remainder, 2, 0)
        grid.addWidget(declaration, 2, 1)
        return box

    def _guarded(self, step: Callable[[], None]) -> None:
        self.error.clear()
        try:
            step()
        except KnownError as error:
            self.error.setText(error.message)

    def _export(self, selection: "Selection", title: str, *, passphrase_only: bool) -> None:
        dialog = ArchiveExportDialog(self._context(), self.exporter, preset=selection,
                                     passphrase_only=passphrase_only, title=title, parent=self)
        dialog.exec()
        if dialog.written is not None:
            self.outcome.setText(f"Archive enregistrée : {dialog.written.path}")

    def export_to_successor(self) -> None:
        """One archive of the patients who follow the successor."""
        selection = self.destinations.get("")
        if selection is None:
            raise InvalidInput("Aucun patient n'a encore choisi de suivre le successeur.")
        name = self.successor.text().strip()
        self._export(selection, f"Archive pour le successeur{f' : {name}' if name else ''}",
                     passphrase_only=False)

    def export_to_physician(self) -> None:
        """One archive of the patients who chose the physician selected in the list."""
        name = self.physicians.currentData()
        selection = self.destinations.get(str(name)) if name else None
        if selection is None:
            raise InvalidInput("Aucun patient n'a choisi un autre médecin.")
        self._export(selection, f"Archive pour {name}", passphrase_only=False)

    def export_remainder(self) -> None:
        """The records that stay with the outgoing physician, for safekeeping."""
        if not self.remainder.patient_ids:
            raise InvalidInput("Tous les patients ont fait connaître leur choix : pas de "
                               "reliquat.")
        self._export(self.remainder, "Archive du reliquat", passphrase_only=True)

    def write_letters(self) -> None:
        """The information letters of the patients without an answer, in a chosen folder."""
        closure = self.closure()
        ctx = self._context()
        chosen = folder_to_use(self, "Dossier où enregistrer les lettres",
                               ctx.settings.value(EXPORT_FOLDER))
        if chosen is None:
            return
        cessation = ctx.cessation
        cancel = CancelToken()
        files = BackgroundJob(self, "Lettres d'information…", LETTERS_STOPPED,
                              cancel=cancel).run(
            lambda _progress: cessation.letters(closure, chosen, cancel))
        self.outcome.setText(f"{len(files)} lettre(s) enregistrée(s) dans {chosen} (dossier « "
                             "lettres-cessation-… »), à imprimer et envoyer.")

    def write_declaration(self) -> None:
        """The signed declaration to the departmental council."""
        closure = self.closure()
        ctx = self._context()
        destination = self.exporter.destination(self)
        if destination is None:
            return
        written = self.exporter.signed(self, "Déclaration au conseil de l'Ordre…", ABANDONED,
                                       destination,
                                       lambda out, _progress: ctx.cessation.declaration(
                                           closure, out))
        if written is None:
            raise KnownError(ABANDONED)
        self.outcome.setText(f"Déclaration signée enregistrée : {destination / written.name}")
