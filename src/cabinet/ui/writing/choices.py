"""The template and the recipient a certificate or a letter starts from, chosen by keyboard.

Choosing fills the form; the physician edits the filled text before it is previewed and
signed. The first `[…]` left to complete is selected, so typing replaces it.
"""

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QPlainTextEdit

from cabinet.bootstrap import AppContext
from cabinet.domain.correspondents import Correspondent
from cabinet.domain.templates import TO_COMPLETE
from cabinet.services.correspondents import ROLES

USUAL_FORMULAS = "Formules habituelles seules"
TYPED_RECIPIENT = "— destinataire saisi à la main —"


class TemplatePicker(QComboBox):
    """The usual formulas alone, then the templates of one kind (certificate or letter)."""

    def __init__(self, ctx: AppContext, kind: str) -> None:
        super().__init__()
        self.setAccessibleName("Modèle")
        self.addItem(USUAL_FORMULAS, "")
        for template in ctx.templates.templates(kind):
            self.addItem(template.title, template.key)

    def choose(self, key: str) -> None:
        """Select the template `key` (its filling follows, as when chosen by hand)."""
        self.setCurrentIndex(max(self.findData(key), 0))

    def key(self) -> str:
        """The chosen template's key; "" for the usual formulas."""
        return str(self.currentData() or "")


def show_filled(box: QPlainTextEdit, text: str) -> None:
    """Put a filled template in `box`, its first `[…]` selected, the focus there."""
    box.setPlainText(text)
    cursor = box.textCursor()
    start = text.find(TO_COMPLETE)
    if start >= 0:
        cursor.setPosition(start)
        cursor.setPosition(start + len(TO_COMPLETE), QTextCursor.MoveMode.KeepAnchor)
    else:
        cursor.movePosition(QTextCursor.MoveOperation.End)
    box.setTextCursor(cursor)
    box.setFocus()


class RecipientPicker(QComboBox):
    """The patient's correspondents (the médecin traitant first), then the rest of the book."""

    def __init__(self, ctx: AppContext, patient_id: int) -> None:
        super().__init__()
        self.setAccessibleName("Destinataire choisi dans le carnet d'adresses")
        self.people: dict[int, Correspondent] = {}
        self.addItem(TYPED_RECIPIENT, 0)
        for person, role in ctx.correspondents.of_patient(patient_id):
            self._add(person, f"{person.label()} ({ROLES[role]})")
        for person in ctx.correspondents.book():
            if person.id not in self.people:
                self._add(person, person.label())

    def _add(self, person: Correspondent, label: str) -> None:
        self.people[person.id] = person
        self.addItem(label, person.id)

    def chosen(self) -> Correspondent | None:
        """The correspondent chosen, None for a recipient typed by hand."""
        return self.people.get(int(self.currentData() or 0))
