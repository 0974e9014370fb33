"""The menu bar: each action with its keys, those needing the vault enabled only while unlocked.

The shortcuts overlay (F1) is read from the menus themselves, so it never disagrees with them.
"""

from collections.abc import Callable, Iterable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

TITLES = ("&Fichier", "&Patient", "&Dossier", "&Aide")
JOURNAL_NOTICE = (
    "Cabinet enregistre chaque connexion et chaque tentative de connexion, chaque "
    "lecture et chaque écriture d'un dossier, chaque recherche dans les notes et "
    "chaque export : qui (titulaire de la carte ou du mot de passe), comment (carte, "
    "mode dégradé, bris de glace, clé de secours), quoi, quand et sur quel poste. "
    "Le journal est conservé sans limite de durée, chiffré dans le coffre ; chaque "
    "évènement est chaîné au précédent, si bien qu'une modification est détectée. "
    "Un patient peut obtenir l'historique des accès à son dossier.")


def native(keys: QKeySequence) -> str:
    """Keys as Qt writes them in menus, in French once its translations are loaded."""
    return keys.toString(QKeySequence.SequenceFormat.NativeText)


class Menus:
    """The window's menus by title, and the actions to disable while locked."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.by_title = {title: window.menuBar().addMenu(title) for title in TITLES}
        self.unlocked: list[QAction] = []

    def add(self, menu_title: str, text: str, keys: list[str], slot: Callable[[], object],
            *, unlocked_only: bool = True) -> QAction:
        """An action of `menu_title`, its keys working anywhere in the application."""
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        self.by_title[menu_title].addAction(action)
        if unlocked_only:
            self.unlocked.append(action)
        return action

    def insert(self, menu: QMenu, actions: Iterable[QAction]) -> None:
        """A menu built elsewhere, before « Aide »; its `actions` need the vault."""
        self.window.menuBar().insertMenu(self.by_title["&Aide"].menuAction(), menu)
        self.by_title[menu.title()] = menu
        for action in actions:
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            self.unlocked.append(action)

    def enable(self, unlocked: bool) -> None:
        """Enable the actions that need the vault, or disable them at lock."""
        for action in self.unlocked:
            action.setEnabled(unlocked)

    def shortcuts(self, first: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """`first`, then every shortcut as the menus write it (« Ctrl+Maj+P »), with its use."""
        rows = list(first)
        for menu_action in self.window.menuBar().actions():
            menu = menu_action.menu()
            for action in menu.actions() if isinstance(menu, QMenu) else []:
                if action.shortcuts():
                    rows.append((" / ".join(native(k) for k in action.shortcuts()),
                                 action.text().replace("&", "").rstrip("…")))
        return rows

    def show_shortcuts(self, first: list[tuple[str, str]]) -> None:
        """The shortcut overlay (F1)."""
        rows = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(t)}</td></tr>"
                       for k, t in self.shortcuts(first))
        QMessageBox.information(self.window, "Raccourcis clavier", f"<table>{rows}</table>")

    def show_journal_notice(self) -> None:
        """What the journal records and for how long (TRACE-3)."""
        QMessageBox.information(self.window, "Le journal des accès", JOURNAL_NOTICE)
