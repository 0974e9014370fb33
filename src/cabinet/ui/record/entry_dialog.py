"""A form for the simple entry kinds (history, allergy, treatment, notes…), new or corrected."""

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from cabinet.domain.record import EntryKind
from cabinet.ui.common.dialogs import ServiceDialog
from cabinet.ui.record.allergy_suggestions import AllergyLookup, AllergySuggestions
from cabinet.ui.record.forms import FORMS, Field

Widget = QLineEdit | QPlainTextEdit | QDateEdit | QComboBox | QCheckBox


def make_widget(field: Field, value: Any) -> Widget:
    """A widget for one field, filled with `value`."""
    match field.widget:
        case "text":
            text = QPlainTextEdit(str(value or ""))
            text.setTabChangesFocus(True)
            return text
        case "date":
            date = QDateEdit(QDate.fromString(value, "yyyy-MM-dd") if value
                             else QDate.currentDate())
            date.setDisplayFormat("dd/MM/yyyy")
            date.setCalendarPopup(True)
            return date
        case "choice":
            combo = QComboBox()
            for key, label in field.choices:
                combo.addItem(label, key)
            if value:
                combo.setCurrentIndex(max(combo.findData(value), 0))
            return combo
        case "check":
            check = QCheckBox()
            check.setChecked(bool(value))
            return check
        case _:
            return QLineEdit(str(value or ""))


def widget_value(widget: Widget) -> Any:
    """The value typed in a widget, as the services expect it."""
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QDateEdit):
        return widget.date().toString("yyyy-MM-dd")
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    return widget.text()


class EntryDialog(ServiceDialog):
    """Type one entry of a simple kind; `save_with(payload)` is called on Save.

    An allergy's substance is suggested from `allergy_lookup` (the drug base and the
    classes) as it is typed.
    """

    def __init__(self, kind: EntryKind, save_with: Callable[[dict[str, Any]], object],
                 current: Mapping[str, Any] | None = None,
                 parent: QWidget | None = None, *,
                 allergy_lookup: AllergyLookup | None = None) -> None:
        title, fields = FORMS[kind]
        super().__init__(("Corriger : " if current else "Ajouter : ") + title.lower(), parent)
        form = QFormLayout()
        self.widgets: dict[str, Widget] = {}
        for field in fields:
            widget = make_widget(field, (current or {}).get(field.key))
            widget.setAccessibleName(field.label)
            form.addRow(field.label, widget)
            self.widgets[field.key] = widget
        self.body.addLayout(form)
        substance = self.widgets.get("substance")
        self.suggestions = AllergySuggestions(substance, allergy_lookup, current) \
            if kind is EntryKind.ALLERGY and isinstance(substance, QLineEdit) else None
        self.save = lambda: save_with(self.payload())
        self.resize(480, 200)

    def payload(self) -> dict[str, Any]:
        """What the form holds; an allergy with what it is recorded against, if anything."""
        codes = self.suggestions.codes() if self.suggestions is not None else {}
        return {key: widget_value(w) for key, w in self.widgets.items()} | codes

