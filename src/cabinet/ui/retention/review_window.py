"""« Durées de conservation »: the records proposed for destruction, holds, and destruction.

The table shows each proposed record by its number, last encounter, rule and due date, never
a name nor medical content. Records are ticked (Espace) one by one or all at once; the
destruction runs only after « DÉTRUIRE » is typed, signed with the card in a background job,
and a copy of its certificate goes to the exports folder. A legal hold is placed or lifted by
the record's number, with its reason.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.identity import format_french_date
from cabinet.domain.retention import Stage
from cabinet.domain.wording import french_date
from cabinet.errors import KnownError
from cabinet.exchange.staging import WrittenFile
from cabinet.services.issuing import Output
from cabinet.services.retention import Judged, policy_of
from cabinet.ui.common.dialogs import close_buttons, result_label
from cabinet.ui.common.worker import Progress
from cabinet.ui.exports.signing import Exporter

COLUMNS = ("N° du dossier", "Dernière consultation", "Règle appliquée", "Échéance", "État")
CONFIRMATION = "DÉTRUIRE"
NOTHING_DESTROYED = "Rien n'a été détruit."
HELD = "Conservation légale (litige, saisie) : jamais proposé"


class RetentionWindow(QDialog):
    """The review of proposed destructions and the legal holds."""

    def __init__(self, context: Callable[[], AppContext], exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Durées de conservation")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._context, self._exporter = context, exporter
        self._shown: list[Judged] = []
        policy = policy_of(context().settings)
        rules = QLabel(
            f"Archive intermédiaire après {policy.archive_years} ans sans consultation ; "
            f"destruction proposée {policy.destroy_years} ans après la dernière consultation, "
            f"pas avant le {policy.minor_until_age}e anniversaire, {policy.death_years} ans "
            "après un décès ; jamais sous conservation légale. Les durées se règlent dans "
            "les paramètres du cabinet. Aucune donnée médicale n'est affichée ici.")
        rules.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Dossiers arrivés au terme de leur conservation")
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.all_button = QPushButton("&Tout cocher")
        self.all_button.clicked.connect(self.tick_all)
        self.destroy_button = QPushButton("&Détruire les dossiers cochés…")
        self.destroy_button.clicked.connect(self.destroy_ticked)
        self.outcome = result_label("Résultat")
        actions = QHBoxLayout()
        actions.addWidget(self.all_button)
        actions.addStretch(1)
        actions.addWidget(self.destroy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(rules)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(QLabel("Conservation légale d'un dossier (jamais proposé à la "
                                "destruction tant qu'elle dure) :"))
        layout.addLayout(self._hold_row())
        self.holds = QLabel()
        self.holds.setWordWrap(True)
        layout.addWidget(self.holds)
        layout.addWidget(self.outcome)
        layout.addWidget(close_buttons(self))
        self.resize(900, 520)
        self.refresh()
        self.table.setFocus()

    def _hold_row(self) -> QHBoxLayout:
        """The record's number, the reason, and the two buttons of a legal hold."""
        self.hold_number = QSpinBox()
        self.hold_number.setRange(1, 2_000_000_000)
        self.hold_number.setAccessibleName("Numéro du dossier")
        self.hold_reason = QLineEdit()
        self.hold_reason.setPlaceholderText("Motif : litige, saisie judiciaire, levée…")
        self.hold_reason.setAccessibleName("Motif de la conservation légale")
        place = QPushButton("&Poser la conservation légale")
        place.clicked.connect(lambda: self._hold(True))
        lift = QPushButton("&Lever la conservation légale")
        lift.clicked.connect(lambda: self._hold(False))
        hold = QHBoxLayout()
        number_label = QLabel("N° du d&ossier")
        number_label.setBuddy(self.hold_number)
        reason_label = QLabel("&Motif")
        reason_label.setBuddy(self.hold_reason)
        for widget in (number_label, self.hold_number, reason_label):
            hold.addWidget(widget)
        hold.addWidget(self.hold_reason, 1)
        hold.addWidget(place)
        hold.addWidget(lift)
        return hold

    def refresh(self) -> None:
        """List the proposed and held records again."""
        self._shown = self._context().retention.proposals()
        self.table.setRowCount(len(self._shown))
        for row, judged in enumerate(self._shown):
            held = judged.verdict.stage is Stage.HELD
            number = QTableWidgetItem(str(judged.patient_id))
            if held:  # never offered: not even a box to tick
                number.setFlags(number.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            else:
                number.setCheckState(Qt.CheckState.Unchecked)
            cells = (french_date(judged.dates.reference), judged.rule_text,
                     format_french_date(judged.verdict.destroy_on),
                     HELD if held else "Destruction proposée")
            self.table.setItem(row, 0, number)
            for column, text in enumerate(cells, start=1):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self._shown:
            self.table.setCurrentCell(0, 0)
        self.destroy_button.setEnabled(any(j.verdict.stage is Stage.DESTRUCTION
                                           for j in self._shown))
        holds = self._context().retention.current_holds()
        self.holds.setText("Sous conservation légale : " + ("; ".join(
            f"n° {h.patient_id} ({h.reason}, depuis le {french_date(h.since)})"
            for h in holds) or "aucun dossier") + ".")

    def ticked(self) -> list[int]:
        """The numbers of the ticked records."""
        return [self._shown[row].patient_id for row in range(self.table.rowCount())
                if (item := self.table.item(row, 0)) is not None
                and item.checkState() == Qt.CheckState.Checked]

    def tick_all(self) -> None:
        """Tick every proposed record (the reviewed batch)."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked)

    def destroy_ticked(self) -> None:
        """Confirm by typing « DÉTRUIRE », then destroy and sign the certificate."""
        numbers = self.ticked()
        if not numbers:
            raise KnownError("Cochez (touche Espace) le ou les dossiers à détruire.")
        listed = ", ".join(str(n) for n in numbers)
        typed, ok = QInputDialog.getText(
            self, "Confirmer la destruction",
            f"Le contenu médical de {len(numbers)} dossier(s) (n° {listed}) sera détruit "
            "définitivement ; un certificat de destruction signé sera conservé.\n"
            f"Tapez {CONFIRMATION} pour confirmer :")
        if not ok or typed.strip() != CONFIRMATION:
            self.outcome.setText(NOTHING_DESTROYED)
            return
        destination = self._exporter.destination(self)
        if destination is None:
            self.outcome.setText(NOTHING_DESTROYED)
            return
        ctx = self._context()

        def destroy(out: Output, _progress: Progress) -> WrittenFile:
            done = ctx.retention.destroy(numbers, out.signer)
            return ctx.retention.export_certificate(done.destruction_id, out)

        written = self._exporter.signed(self, "Destruction et certificat signé…",
                                        NOTHING_DESTROYED, destination, destroy)
        if written is None:
            self.outcome.setText(NOTHING_DESTROYED)
            return
        self.outcome.setText(f"Contenu médical détruit : {len(numbers)} dossier(s). Certificat "
                            f"signé conservé dans le coffre, copie : {destination / written.name}")
        self.refresh()

    def _hold(self, placed: bool) -> None:
        retention, number = self._context().retention, self.hold_number.value()
        if placed:
            retention.place_hold(number, self.hold_reason.text())
        else:
            retention.lift_hold(number, self.hold_reason.text())
        self.hold_reason.clear()
        said = "posée" if placed else "levée"
        self.outcome.setText(f"Conservation légale {said} pour le dossier n° {number}.")
        self.refresh()
