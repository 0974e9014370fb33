"""The main window composes the lock screen, the search, the record, the menus, the status bar.

Each concern lives in its own module (session, record, exports, portability); the window
wires them.

The window title never carries a patient's name. Locking drops the application context
(closing the vault), clears every view and the clipboard.
"""

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QClipboard, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from cabinet.domain.audit import ACCESS_MODE_LABELS, AccessMode
from cabinet.errors import KnownError
from cabinet.ui.menus import Menus, native
from cabinet.ui.session.inactivity import InactivityWatch
from cabinet.ui.session.lock_screen import LockScreen
from cabinet.ui.session.unlock import Unlocking, ways_in

if TYPE_CHECKING:  # the lock screen paints first; the workspace loads these after (`complete`)
    from cabinet.bootstrap import AppContext, VaultDoor
    from cabinet.card.presence import Readers
    from cabinet.ui.agenda.menu import AgendaMenu
    from cabinet.ui.common.card_bridge import CardBridge
    from cabinet.ui.exports.signing import Exporter
    from cabinet.ui.record.record_view import RecordView
    from cabinet.ui.record.search_panel import SearchPanel
    from cabinet.ui.results.reception import ResultsReception
    from cabinet.ui.retention.daily_pass import DailyPass
    from cabinet.ui.session.backups import Backups
    from cabinet.ui.session.session_lock import SessionLockWatch

TITLE = "Cabinet"
# Loaded on a thread once the lock screen is up: numpy, which the results tab's curves need
# (about a third of a second), would otherwise hold the window the first time the tab opens.
# Nothing that loads a Qt library goes there: pyqtgraph loads Qt's OpenGL and SVG modules, and
# Qt's libraries are loaded on the GUI thread only; it is imported when the tab first opens.
PRELOADED = ("numpy",)
NOTICEABLE_MODES = {AccessMode.DEGRADED, AccessMode.RECOVERY, AccessMode.DEMO,
                    AccessMode.BREAK_GLASS}
class MainWindow(QMainWindow):
    """Locked or unlocked; everything goes through the context obtained at unlock.

    With `workspace=False` only the lock screen, the status bar and the menus' titles are
    built: the start paints them, then calls `complete` (the cold-start budget).
    """

    search: "SearchPanel"
    cards: "CardBridge"
    exporter: "Exporter"
    record: "RecordView"
    session_lock: "SessionLockWatch"
    agenda: "AgendaMenu"
    backups: "Backups"
    reception: "ResultsReception"
    retention: "DailyPass"

    def __init__(self, door: "VaultDoor", parent: QWidget | None = None, *,
                 workspace: bool = True) -> None:
        super().__init__(parent)
        self.door = door
        self.ctx: AppContext | None = None
        self.setWindowTitle(TITLE)
        self.resize(1280, 800)
        self.lock_screen = LockScreen(ways_in(door))
        self.lock_screen.unlock_requested.connect(self.unlock)
        self.unlocking = Unlocking(door, self.lock_screen)
        self.card_reader = ""  # the reader of the card that unlocked, while unlocked by card
        self.stack = QStackedWidget()
        self.stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.stack)
        self.who = QLabel()
        self.who.setObjectName("statusWho")
        self.countdown = QLabel()
        self.countdown.setObjectName("statusCountdown")
        self.lock_button = QPushButton("Verrouiller (Ctrl+L)")
        self.lock_button.clicked.connect(self.lock)
        self.statusBar().addWidget(self.who, 1)
        self.statusBar().addPermanentWidget(self.countdown)
        self.statusBar().addPermanentWidget(self.lock_button)
        self.inactivity = InactivityWatch(door.clock, parent=self)
        self.inactivity.expired.connect(self.lock)
        self.inactivity.remaining.connect(
            lambda s: self.countdown.setText(f"Verrouillage dans {s} s"))
        self.menus = Menus(self)
        self._show_locked()
        if not door.exists():
            self.lock_screen.show_error(
                "Aucun coffre n'existe à cet emplacement : restaurez une sauvegarde (Fichier › "
                "Restaurer une sauvegarde…, Ctrl+Maj+R), créez-le avec « cabinet vault "
                "create », ou essayez « cabinet demo ».")
        if workspace:
            self.complete()

    def complete(self) -> None:
        """Build the search, the record, the menus' actions and the card watch (once).

        The unlock's own code loads here too: the first unlock does not wait for it.
        """
        if self.stack.count() > 1:
            return
        from cabinet.bootstrap import load_unlock_code
        from cabinet.ui.common.card_bridge import CardBridge
        from cabinet.ui.common.worker import load_in_background
        from cabinet.ui.exports.signing import Exporter
        from cabinet.ui.record.record_view import RecordView
        from cabinet.ui.record.search_panel import SearchPanel
        from cabinet.ui.results.reception import ResultsReception
        from cabinet.ui.retention.daily_pass import DailyPass
        from cabinet.ui.session.backups import Backups
        from cabinet.ui.session.session_lock import SessionLockWatch

        self.backups = Backups(self.door.clock, self.statusBar(), parent=self)
        self.retention = DailyPass(self.statusBar(), self)
        self.search = SearchPanel(self.context)
        self.cards = CardBridge(self)
        self.exporter = Exporter(self.door, self.cards, self.context, lambda: self.card_reader,
                                 notify=lambda text: self.statusBar().showMessage(text))
        self.record = RecordView(self.context, self.exporter)
        self.search.patient_chosen.connect(self.record.open_patient)
        self.record.break_glass_used.connect(self._show_break_glass)
        self.reception = ResultsReception(self.context, self)
        self.reception.told.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.reception.filed.connect(self.record.reload)
        workspace = QSplitter(Qt.Orientation.Horizontal)
        workspace.addWidget(self.search)
        workspace.addWidget(self.record)
        workspace.setSizes([520, 760])  # names and NIR whole in the list, the tabs beside
        self.stack.addWidget(workspace)
        self._build_menus()
        self.menus.enable(False)
        self.cards.changed.connect(self.card_changed)
        self.session_lock = SessionLockWatch(parent=self)
        self.session_lock.session_locked.connect(self.lock)
        self.cards.start()
        load_unlock_code()
        load_in_background(*PRELOADED)

    def context(self) -> "AppContext":
        """The services; only reachable while unlocked."""
        if self.ctx is None:
            raise KnownError("L'application est verrouillée.")
        return self.ctx

    def _build_menus(self) -> None:
        from cabinet.domain.settings import TRUST_FOLDER
        from cabinet.ui.agenda.menu import AgendaMenu
        from cabinet.ui.compliance.menu import ComplianceMenu
        from cabinet.ui.exports.verify_dialog import verify_chosen_file
        from cabinet.ui.portability.menu import PortabilityMenu
        from cabinet.ui.record.record_view import RENEW_TREATMENTS_KEYS

        add, record = self.menus.add, self.record
        add("&Fichier", "&Verrouiller", ["Ctrl+L"], self.lock)
        add("&Fichier", "Restaurer une sau&vegarde…", ["Ctrl+Shift+R"], self.restore_backup,
            unlocked_only=False)
        add("&Fichier", "&Quitter", ["Ctrl+Q"], self.close, unlocked_only=False)
        add("&Patient", "&Rechercher", ["Ctrl+F", "F2"], self.search.focus_search)
        add("&Patient", "&Nouveau patient", ["Ctrl+Shift+N"], self.new_patient)
        add("&Dossier", "Nouvelle &consultation", ["Ctrl+N"], record.new_encounter)
        add("&Dossier", "Nouvelle &ordonnance", ["Ctrl+P"], record.new_prescription)
        add("&Dossier", "&Renouveler l'ordonnance", ["Ctrl+R"], record.renew_prescription)
        add("&Dossier", "Renouveler le &traitement de fond", [RENEW_TREATMENTS_KEYS],
            record.renew_treatments)
        add("&Dossier", "&Importer un document", ["Ctrl+I"], record.import_document)
        add("&Dossier", "&Honoraires de la consultation…", ["Ctrl+E"], self.record_fee)
        add("&Fichier", "&Journal des accès…", ["Ctrl+J"], self.show_journal)
        add("&Fichier", "Livre des &recettes…", ["Ctrl+Shift+E"], self.show_ledger)
        add("&Fichier", "&Paramètres du cabinet…", ["Ctrl+,"], self.show_settings)
        add("&Fichier", "&Modèles de documents…", [], self.show_templates)
        add("&Fichier", "Carnet d'&adresses…", [], self.show_address_book)
        add("&Fichier", "Relever les résul&tats", [], self.reception.collect_now)
        add("&Fichier", "Résultats à c&lasser…", [], self.show_pending_results)
        add("&Fichier", "Durées de c&onservation…", [], self.show_retention)
        add("&Fichier", "&Cartes enregistrées…", [], self.show_cards)
        add("&Fichier", "Vérifier un document &signé…", [], lambda: verify_chosen_file(
            self, self.context().settings.value(TRUST_FOLDER)))
        self.menus.insert(record.exports.menu, record.exports.menu.actions())
        portability = PortabilityMenu(self.context, self.exporter, lambda: (
            record.patient_id, record.patient_text()), self)
        self.menus.insert(portability, portability.actions_offered)
        self.agenda = AgendaMenu(self.context, self.encounter_from_agenda, self)
        self.menus.insert(self.agenda, self.agenda.actions_offered)
        compliance = ComplianceMenu(self.context, self)
        self.menus.insert(compliance, compliance.actions_offered)
        add("&Aide", "&Raccourcis clavier", ["F1"], self.show_shortcuts, unlocked_only=False)
        add("&Aide", "&Ce que le journal enregistre", [], self.menus.show_journal_notice,
            unlocked_only=False)

    # --- lock and unlock --------------------------------------------------------------
    def unlock(self, mode: str, secret: str) -> None:
        """Try one credential from the lock screen (for the card, `secret` is the PIN)."""
        self.complete()
        opened = self.unlocking.open(mode, secret, self.cards)
        if opened is None:
            if AccessMode(mode) is AccessMode.CARD:
                self.card_changed(self.cards.current)  # the tries left have changed
            return
        self.ctx, self.card_reader = opened
        self._show_unlocked()

    def _show_break_glass(self) -> None:
        self.who.setText(self.who.text() + " — BRIS DE GLACE en cours")
        self.who.setStyleSheet("color: #b00020; font-weight: bold;")

    def card_changed(self, readers: "Readers") -> None:
        """Show the readers' state; lock at once when the card that unlocked is gone."""
        self.unlocking.show_card_status(readers, locked=self.ctx is None)
        if self.card_reader and self.card_reader not in readers.card_readers():
            self.lock()

    def _show_unlocked(self) -> None:
        assert self.ctx is not None
        actor = self.ctx.vault.actor
        label = f"Connecté : {actor.name} — {ACCESS_MODE_LABELS[actor.mode]}"
        if actor.mode is AccessMode.DEGRADED:
            label += " — pensez à revenir à la carte CPS"
        if self.ctx.development_card:
            label += " — CARTE DE DÉVELOPPEMENT, sans valeur"
        from cabinet.ui.record.audit_viewer import anchor_alert_banner

        if alert := anchor_alert_banner(self.ctx):
            label += f" — {alert}"
        if actor.mode in NOTICEABLE_MODES or self.ctx.development_card or alert:
            self.who.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.who.setStyleSheet("")
        self.who.setText(label)
        self.menus.enable(True)
        self.lock_button.setEnabled(True)
        self.stack.setCurrentIndex(1)
        self._apply_settings()
        self.inactivity.start()
        if actor.mode is AccessMode.RECOVERY:
            from cabinet.ui.session.recovery_key import renew_recovery_key

            renew_recovery_key(self, self.ctx, lambda text: self.statusBar().showMessage(
                text, 15000))
        if self.ctx is not None:
            from cabinet.ui.session.break_glass import review_break_glass

            review_break_glass(self, self.ctx)
            self.backups.unlocked(self.ctx)
            self.retention.unlocked(self.ctx)
            self.reception.unlocked()
            self.record.drugs.open()
        self.search.focus_search()

    def lock(self) -> None:
        """Close the vault, forget everything shown, clear the clipboard (AUTH-2).

        A job running on a worker thread (an archive's export, check or import) is stopped
        first and waited for: nothing is left of it, and the vault closes only once it is idle.
        """
        from cabinet.ui.common.dialogs import ServiceDialog
        from cabinet.ui.common.file_choice import FOLDERS
        from cabinet.ui.common.worker import stop_jobs

        self.complete()
        try:
            stop_jobs(self)
            for dialog in self.findChildren(ServiceDialog):
                if dialog.isVisible():
                    dialog.interrupt()  # keeps its draft in the vault while it is still open
        finally:  # whatever a draft save did, the application locks
            for other in self.findChildren(QDialog):
                if other.isVisible():  # message boxes may show patient data: close them all
                    other.done(QDialog.DialogCode.Rejected)
            ctx, self.ctx = self.ctx, None
            self.card_reader = ""
            self.inactivity.stop()
            self.retention.locking()
            self.reception.locked()
            self.search.clear()
            self.record.clear()
            FOLDERS.forget()
            clipboard = QGuiApplication.clipboard()
            clipboard.clear(QClipboard.Mode.Clipboard)
            clipboard.clear(QClipboard.Mode.Selection)
            self._show_locked()
            if ctx is not None:
                self.backups.locking(ctx)  # captured now, written once the key is wiped
                ctx.lock()

    def _show_locked(self) -> None:
        self.menus.enable(False)
        self.lock_button.setEnabled(False)
        self.who.setText("Verrouillé")
        self.who.setStyleSheet("")
        self.countdown.clear()
        self.setWindowTitle(TITLE)
        self.stack.setCurrentIndex(0)
        self.lock_screen.reset()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Quitting locks first."""
        self.lock()
        self.backups.finish()
        self.reception.finish()
        self.record.drugs.wait()
        self.cards.stop()
        event.accept()

    # --- patients and help --------------------------------------------------------------
    def new_patient(self) -> None:
        """Create a patient, then open their record."""
        from cabinet.ui.record.patient_dialog import PatientDialog

        patients = self.context().patients
        created: list[int] = []
        dialog = PatientDialog(lambda identity: created.append(patients.create(identity)),
                               parent=self)
        dialog.exec()
        if created:
            self.record.open_patient(created[0])

    def show_pending_results(self) -> None:
        """The laboratories' files waiting for the physician to choose their record."""
        from cabinet.ui.results.pending_window import PendingDialog

        dialog = PendingDialog(self.context, self)
        dialog.filed.connect(lambda patient_id: self.record.reload()
                             if patient_id == self.record.patient_id else None)
        dialog.exec()

    def show_retention(self) -> None:
        """The records at the end of their retention: review, legal holds, destruction."""
        from cabinet.ui.retention.review_window import RetentionWindow

        RetentionWindow(self.context, self.exporter, self).exec()

    def show_settings(self) -> None:
        """Practice settings; a new inactivity delay applies at once."""
        from cabinet.ui.session.settings_dialog import SettingsDialog

        ctx = self.context()
        SettingsDialog(ctx.settings.current(), ctx.settings.change, drugs=self.record.drugs,
                       parent=self).exec()
        if self.ctx is not None:
            self._apply_settings()

    def _apply_settings(self) -> None:
        from cabinet.domain.settings import EXPORT_FOLDER, INACTIVITY_MINUTES
        from cabinet.ui.common.file_choice import FOLDERS

        assert self.ctx is not None
        self.inactivity.delay = dt.timedelta(minutes=self.ctx.settings.value(INACTIVITY_MINUTES))
        FOLDERS.export_folder = self.ctx.settings.value(EXPORT_FOLDER)

    def restore_backup(self) -> None:
        """The restore wizard; a vault restored here is then offered on the lock screen."""
        from cabinet.ui.session.restore_wizard import RestoreWizard

        readers = self.cards.current.card_readers()
        if RestoreWizard(self.door, readers[0] if readers else "", parent=self).exec() \
                and self.ctx is None:
            self.lock_screen.set_ways(ways_in(self.door))
            self.lock_screen.show_error("")

    def show_cards(self) -> None:
        """Enrol or revoke cards (titular physician only)."""
        from cabinet.ui.session.cards_dialog import manage_cards

        manage_cards(self, self.context(), self.door, self.cards)

    def show_journal(self) -> None:
        """The audit viewer (Ctrl+J)."""
        from cabinet.ui.record.audit_viewer import AuditViewer

        AuditViewer(self.context(), self.record.patient_id, parent=self).exec()

    def record_fee(self) -> None:
        """The acts and payment of the encounter selected in the open record (Ctrl+E)."""
        from cabinet.ui.fees.payment_dialog import record_encounter_fee

        if self.record.patient_id is None:
            return
        self.record.tabs.setCurrentWidget(self.record.encounters)
        record_encounter_fee(self, self.context().fees, self.record.encounters.current(),
                             self.record.patient_text())

    def show_ledger(self) -> None:
        """The livre-journal des recettes (Ctrl+Maj+E): the day's and the month's totals."""
        from cabinet.ui.fees.ledger_window import LedgerWindow

        LedgerWindow(self.context, self.exporter, parent=self).exec()

    def show_templates(self) -> None:
        """The certificate and letter templates, to rewrite or restore."""
        from cabinet.ui.writing.template_editor import TemplatesDialog

        TemplatesDialog(self.context(), parent=self).exec()

    def show_address_book(self) -> None:
        """The correspondents' address book (the open patient's beside it)."""
        from cabinet.ui.writing.address_book import AddressBookDialog

        AddressBookDialog(self.context(), self.record.patient_id, parent=self).exec()

    def encounter_from_agenda(self, patient_id: int, reason: str) -> bool:
        """The waiting patient's record, an encounter begun with the appointment's reason.

        True once the encounter is saved.
        """
        self.record.open_patient(patient_id)
        return self.record.patient_id == patient_id and self.record.write_encounter(reason)

    def show_shortcuts(self) -> None:
        """The shortcut overlay (F1): the keys outside the menus, then the menus' own."""
        self.menus.show_shortcuts([
            (native(QKeySequence("Enter")), "Ouvrir le patient sélectionné"),
            (native(QKeySequence.mnemonic(self.record.exports.menu.title())),
             "Documents signés et exports du dossier ouvert")])
