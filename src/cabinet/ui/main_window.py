"""The main window: the lock screen, or the search beside the record, and the status bar.

The window title never carries a patient's name. Locking drops the application context
(closing the vault), clears every view and the clipboard.
"""

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QClipboard,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from cabinet.domain.audit import ACCESS_MODE_LABELS, AccessMode, Action
from cabinet.errors import KnownError
from cabinet.ui.session.inactivity import InactivityWatch
from cabinet.ui.session.lock_screen import CARD, DEMO, PASSWORD, RECOVERY, LockScreen, WayIn

if TYPE_CHECKING:  # the lock screen paints first; the workspace loads these after (`complete`)
    from cabinet.bootstrap import AppContext, VaultDoor
    from cabinet.card.presence import Readers
    from cabinet.ui.common.card_bridge import CardBridge
    from cabinet.ui.exports.signing import Exporter
    from cabinet.ui.record.record_view import RecordView
    from cabinet.ui.record.search_panel import SearchPanel
    from cabinet.ui.session.session_lock import SessionLockWatch
    from cabinet.vault.session import ConfirmOutside

TITLE = "Cabinet"
TITULAR_ONLY = ("Seul le médecin titulaire peut exporter ou importer une archive de portabilité "
                "et conduire la cessation d'activité.")
NOTICEABLE_MODES = {AccessMode.DEGRADED, AccessMode.RECOVERY, AccessMode.DEMO,
                    AccessMode.BREAK_GLASS}


def native(keys: QKeySequence) -> str:
    """Keys as Qt writes them in menus, in French once its translations are loaded."""
    return keys.toString(QKeySequence.SequenceFormat.NativeText)


def ways_in(door: "VaultDoor") -> list[WayIn]:
    """The ways in this vault offers, in the order a physician should try them."""
    if not door.exists():
        return []
    ways = [CARD] if door.has_cards() else []
    if door.is_demo():
        ways.append(DEMO)
    if door.has_password():
        ways.append(PASSWORD)
    return [*ways, RECOVERY]


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

    def __init__(self, door: "VaultDoor", parent: QWidget | None = None, *,
                 workspace: bool = True) -> None:
        super().__init__(parent)
        self.door = door
        self.ctx: AppContext | None = None
        self.setWindowTitle(TITLE)
        self.resize(1280, 800)
        self.lock_screen = LockScreen(ways_in(door))
        if not door.exists():
            self.lock_screen.show_error(
                "Aucun coffre n'existe à cet emplacement : créez-le avec « cabinet vault "
                "create », ou essayez « cabinet demo ».")
        self.lock_screen.unlock_requested.connect(self.unlock)
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
        self.unlocked_actions: list[QAction] = []
        self._menus = {title: self.menuBar().addMenu(title) for title in
                       ("&Fichier", "&Patient", "&Dossier", "&Aide")}
        self._show_locked()
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
        from cabinet.ui.exports.signing import Exporter
        from cabinet.ui.record.record_view import RecordView
        from cabinet.ui.record.search_panel import SearchPanel
        from cabinet.ui.session.session_lock import SessionLockWatch

        self.search = SearchPanel(self.context)
        self.cards = CardBridge(self)
        self.exporter = Exporter(self.door, self.cards, self.context, lambda: self.card_reader,
                                 notify=lambda text: self.statusBar().showMessage(text))
        self.record = RecordView(self.context, self.exporter)
        self.search.patient_chosen.connect(self.record.open_patient)
        self.record.break_glass_used.connect(self._show_break_glass)
        workspace = QSplitter(Qt.Orientation.Horizontal)
        workspace.addWidget(self.search)
        workspace.addWidget(self.record)
        workspace.setSizes([520, 760])  # names and NIR whole in the list, the tabs beside
        self.stack.addWidget(workspace)
        self._build_menus()
        for action in self.unlocked_actions:
            action.setEnabled(False)
        self.cards.changed.connect(self.card_changed)
        self.session_lock = SessionLockWatch(parent=self)
        self.session_lock.session_locked.connect(self.lock)
        self.cards.start()
        load_unlock_code()

    def context(self) -> "AppContext":
        """The services; only reachable while unlocked."""
        if self.ctx is None:
            raise KnownError("L'application est verrouillée.")
        return self.ctx

    def _action(self, menu_title: str, text: str, keys: list[str], slot: object,
                *, unlocked_only: bool = True) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        self._menus[menu_title].addAction(action)
        if unlocked_only:
            self.unlocked_actions.append(action)
        return action

    def _build_menus(self) -> None:
        from cabinet.ui.exports.verify_dialog import verify_chosen_file

        bar = self.menuBar()
        record = self.record
        self._action("&Fichier", "&Verrouiller", ["Ctrl+L"], self.lock)
        self._action("&Fichier", "&Quitter", ["Ctrl+Q"], self.close, unlocked_only=False)
        self._action("&Patient", "&Rechercher", ["Ctrl+F", "F2"], self.search.focus_search)
        self._action("&Patient", "&Nouveau patient", ["Ctrl+Shift+N"], self.new_patient)
        self._action("&Dossier", "Nouvelle &consultation", ["Ctrl+N"], record.new_encounter)
        self._action("&Dossier", "Nouvelle &ordonnance", ["Ctrl+P"], record.new_prescription)
        self._action("&Dossier", "&Renouveler l'ordonnance", ["Ctrl+R"],
                     record.renew_prescription)
        self._action("&Dossier", "&Importer un document", ["Ctrl+I"], record.import_document)
        self._action("&Fichier", "&Journal des accès…", ["Ctrl+J"], self.show_journal)
        self._action("&Fichier", "&Paramètres du cabinet…", ["Ctrl+,"], self.show_settings)
        self._action("&Fichier", "&Cartes enregistrées…", [], self.show_cards)
        self._action("&Fichier", "Vérifier un document &signé…", [], lambda: verify_chosen_file(
            self, self.context().settings.current()["trust_folder"]))
        bar.insertMenu(self._menus["&Aide"].menuAction(), record.exports.menu)
        for action in record.exports.menu.actions():
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            self.unlocked_actions.append(action)
        portability = self._menus["P&ortabilité"] = QMenu("P&ortabilité", self)
        bar.insertMenu(self._menus["&Aide"].menuAction(), portability)
        self._action("P&ortabilité", "&Exporter une archive de portabilité…", [],
                     self.export_archive)
        self._action("P&ortabilité", "&Importer une archive…", [], self.import_archive)
        portability.addSeparator()
        self._action("P&ortabilité", "&Cessation d'activité…", [], self.show_cessation)
        self._action("&Aide", "&Raccourcis clavier", ["F1"], self.show_shortcuts,
                     unlocked_only=False)
        self._action("&Aide", "&Ce que le journal enregistre", [], self.show_journal_notice,
                     unlocked_only=False)

    # --- lock and unlock --------------------------------------------------------------
    def unlock(self, mode: str, secret: str) -> None:
        """Try one credential from the lock screen (for the card, `secret` is the PIN)."""
        self.complete()
        readers = self.cards.current.card_readers()
        try:
            if AccessMode(mode) is AccessMode.CARD:
                if not readers:
                    raise KnownError("Aucune carte n'est insérée.")
                self.ctx = self.door.open_with_card(readers[0], secret)
                self.card_reader = readers[0]
            else:
                self.ctx = self.door.open(AccessMode(mode), secret)
        except KnownError as error:
            self.lock_screen.show_error(error.message)
            if AccessMode(mode) is AccessMode.CARD:
                self.card_changed(self.cards.current)  # the tries left have changed
            return
        self._show_unlocked()

    def renew_recovery_key(self) -> None:
        """A used recovery key: say who used it, then replace it and show the new one (AUTH-6).

        The key may be used by the family or the Order's council, not the physician: the
        journal records the name and capacity they give.
        """
        assert self.ctx is not None
        who, ok = QInputDialog.getText(
            self, "Clé de secours utilisée",
            "Qui utilise la clé de secours ? (nom et qualité, par exemple « M. Durand, "
            "conseil départemental de l'Ordre »)")
        self.ctx.vault.journal(Action.ADMIN, self.ctx.clock, detail=(
            f"clé de secours utilisée par : {who.strip()[:200]}" if ok and who.strip()
            else "clé de secours utilisée : identité non déclarée"))
        new_key = self.ctx.vault.renew_recovery_key(self.ctx.clock)
        box = QMessageBox(QMessageBox.Icon.Information, "Nouvelle clé de secours",
            "La clé de secours vient d'être utilisée : elle est remplacée. Imprimez la "
            "nouvelle clé ci-dessous, mettez-la sous pli scellé et remettez-la au conseil "
            f"départemental de l'Ordre.\n\n{new_key}\n\nL'ancienne clé n'ouvre plus le "
            "coffre. Pensez aussi à enregistrer votre nouvelle carte si vous en avez une.",
            QMessageBox.StandardButton.Ok, self)
        sheet = box.addButton("Enregistrer la feuille à imprimer…",
                              QMessageBox.ButtonRole.ActionRole)
        box.exec()
        if box.clickedButton() is sheet:
            self._save_recovery_sheet(new_key)

    def _save_recovery_sheet(self, recovery_key: str) -> None:
        """Write the recovery sheet where the physician says, and open it to print."""
        from cabinet.documents.recovery_sheet import recovery_sheet
        from cabinet.ui.common.file_choice import file_to_save
        from cabinet.vault.atomic import write_atomically

        assert self.ctx is not None
        path = file_to_save(self, "Feuille de secours", "feuille-de-secours.pdf", "PDF (*.pdf)")
        if path is None:
            return
        write_atomically(path, recovery_sheet(
            self.ctx.letterhead(), self.ctx.vault.header.vault_id, recovery_key,
            self.ctx.clock.now().astimezone().date()))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.statusBar().showMessage("Feuille de secours enregistrée : imprimez-la, puis "
                                     "supprimez le fichier.", 15000)

    def _show_break_glass(self) -> None:
        self.who.setText(self.who.text() + " — BRIS DE GLACE en cours")
        self.who.setStyleSheet("color: #b00020; font-weight: bold;")

    def review_break_glass(self) -> None:
        """At the titular physician's unlock, list break-glass accesses since the last review."""
        from cabinet.services.wording import french_datetime

        assert self.ctx is not None
        journal = self.ctx.journal
        if not journal.is_titular():
            return
        pending = journal.break_glass_to_review()
        if not pending:
            return
        lines = "".join(
            f"<li>{escape(french_datetime(e['at']))} — {escape(e['actor'])}, patient n° "
            f"{e['patient_id']} : {escape(e['detail'])}</li>" for e in reversed(pending))
        answer = QMessageBox.question(
            self, "Bris de glace à revoir",
            f"<p>Accès en urgence depuis votre dernière revue :</p><ul>{lines}</ul>"
            "<p>Les marquer comme revus ?</p>")
        if answer == QMessageBox.StandardButton.Yes and self.ctx is not None:
            journal.mark_break_glass_reviewed(max(e["id"] for e in pending))

    def card_changed(self, readers: "Readers") -> None:
        """Show the readers' state; lock at once when the card that unlocked is gone.

        While locked, the card's PIN state is read from its token before any PIN is typed:
        tries running out are said, and a blocked card is never asked for its PIN.
        """
        present = readers.card_readers()
        notice, blocked = (self.door.pin_state(present[0]) if present and self.ctx is None
                           and self.lock_screen.offers_card() else ("", False))
        self.lock_screen.show_card_status(readers.describe(), bool(present), notice, blocked)
        if self.card_reader and self.card_reader not in present:
            self.lock()

    def _show_unlocked(self) -> None:
        assert self.ctx is not None
        actor = self.ctx.vault.actor
        label = f"Connecté : {actor.name} — {ACCESS_MODE_LABELS[actor.mode]}"
        if actor.mode is AccessMode.DEGRADED:
            label += " — pensez à revenir à la carte CPS"
        if self.ctx.development_card:
            label += " — CARTE DE DÉVELOPPEMENT, sans valeur"
        if actor.mode in NOTICEABLE_MODES or self.ctx.development_card:
            self.who.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.who.setStyleSheet("")
        self.who.setText(label)
        for action in self.unlocked_actions:
            action.setEnabled(True)
        self.lock_button.setEnabled(True)
        self.stack.setCurrentIndex(1)
        self._apply_settings()
        self.inactivity.start()
        if actor.mode is AccessMode.RECOVERY:
            self.renew_recovery_key()
        self.review_break_glass()
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
            self.search.clear()
            self.record.clear()
            FOLDERS.forget()
            clipboard = QGuiApplication.clipboard()
            clipboard.clear(QClipboard.Mode.Clipboard)
            clipboard.clear(QClipboard.Mode.Selection)
            self._show_locked()
            if ctx is not None:
                ctx.lock()

    def _show_locked(self) -> None:
        for action in self.unlocked_actions:
            action.setEnabled(False)
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

    def show_settings(self) -> None:
        """Practice settings; a new inactivity delay applies at once."""
        from cabinet.ui.session.settings_dialog import SettingsDialog

        ctx = self.context()
        SettingsDialog(ctx.settings.current(), ctx.settings.change, parent=self).exec()
        if self.ctx is not None:
            self._apply_settings()

    def _apply_settings(self) -> None:
        from cabinet.ui.common.file_choice import FOLDERS

        assert self.ctx is not None
        settings = self.ctx.settings.current()
        self.inactivity.delay = dt.timedelta(minutes=int(settings["inactivity_minutes"]))
        FOLDERS.export_folder = settings["export_folder"]

    def show_cards(self) -> None:
        """Enrol or revoke cards (titular physician only)."""
        from cabinet.ui.session.cards_dialog import CardsDialog

        ctx = self.context()
        if not ctx.journal.is_titular():
            raise KnownError("Seul le médecin titulaire gère les cartes du coffre.")

        def enrol(pin: str, confirm_outside: "ConfirmOutside") -> None:
            readers = self.cards.current.card_readers()
            if not readers:
                raise KnownError("Insérez d'abord la carte à enregistrer.")
            self.door.enrol_card(ctx, readers[0], pin, confirm_outside)

        CardsDialog(ctx, enrol, parent=self).exec()

    def show_journal(self) -> None:
        """The audit viewer (Ctrl+J)."""
        from cabinet.ui.record.audit_viewer import AuditViewer

        AuditViewer(self.context(), self.record.patient_id, parent=self).exec()

    # --- portability (CONT-2..4) ---------------------------------------------------------
    def _titular_context(self) -> "AppContext":
        ctx = self.context()
        if not ctx.journal.is_titular():
            raise KnownError(TITULAR_ONLY)
        return ctx

    def export_archive(self) -> None:
        """Export the practice, a selection or the open record as a portability archive."""
        from cabinet.ui.portability.archive_export import ArchiveExportDialog

        ArchiveExportDialog(self._titular_context(), self.exporter,
                            current_patient=self.record.patient_id, parent=self).exec()

    def import_archive(self) -> None:
        """Check then import a predecessor's archive into this vault."""
        from cabinet.ui.portability.archive_import import ArchiveImportDialog

        ArchiveImportDialog(self._titular_context(), self.exporter.decrypter, parent=self).exec()

    def show_cessation(self) -> None:
        """The closure of the practice: choices, letters, exports, declaration."""
        from cabinet.ui.portability.cessation_dialog import CessationDialog

        self._titular_context()
        CessationDialog(self.context, self.exporter, self.record.patient_id,
                        self.record.patient_text(), parent=self).exec()

    def shortcuts(self) -> list[tuple[str, str]]:
        """Every shortcut as the menus write it (« Ctrl+Maj+P »), with what it does."""
        rows = [(native(QKeySequence("Enter")),
                 "Ouvrir le patient sélectionné"),
                (native(QKeySequence.mnemonic(self.record.exports.menu.title())),
                 "Documents signés et exports du dossier ouvert")]
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            for action in menu.actions() if isinstance(menu, QMenu) else []:
                if action.shortcuts():
                    rows.append((" / ".join(native(k) for k in action.shortcuts()),
                                 action.text().replace("&", "").rstrip("…")))
        return rows

    def show_shortcuts(self) -> None:
        """The shortcut overlay (F1)."""
        rows = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(t)}</td></tr>"
                       for k, t in self.shortcuts())
        QMessageBox.information(self, "Raccourcis clavier", f"<table>{rows}</table>")

    def show_journal_notice(self) -> None:
        """What the journal records and for how long (TRACE-3)."""
        QMessageBox.information(
            self, "Le journal des accès",
            "Cabinet enregistre chaque connexion et chaque tentative de connexion, chaque "
            "lecture et chaque écriture d'un dossier, chaque recherche dans les notes et "
            "chaque export : qui (titulaire de la carte ou du mot de passe), comment (carte, "
            "mode dégradé, bris de glace, clé de secours), quoi, quand et sur quel poste. "
            "Le journal est conservé sans limite de durée, chiffré dans le coffre ; chaque "
            "évènement est chaîné au précédent, si bien qu'une modification est détectée. "
            "Un patient peut obtenir l'historique des accès à son dossier.")
