"""Suggestions as an allergy's substance is typed: the classes and the drug base's substances.

Choosing one records the allergy against the class (`allergy_class`) or the base's substance
(`substance_code`), so the alerts find it in any medicine, whatever its salt; a text that
matches none stays free text, as every allergy was before the base. Without an open base the
field takes free text only.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from cabinet.domain.allergy_alerts import AllergyClass, classes_named
from cabinet.domain.text import fold

CHOSEN = Qt.ItemDataRole.UserRole  # the text written in the field
CODES = Qt.ItemDataRole.UserRole + 1  # what it records: {"allergy_class": …} or a code
MAX_SHOWN = 15


@dataclass(frozen=True)
class AllergyLookup:
    """Where the suggestions come from: the base's (code, name) substances, and the classes."""

    substances: Callable[[str], list[tuple[str, str]]]
    classes: Sequence[AllergyClass]


class AllergySuggestions(QObject):
    """A completer on the substance field, and what the text in it records (`codes`)."""

    def __init__(self, field: QLineEdit, lookup: AllergyLookup | None,
                 current: Mapping[str, Any] | None = None) -> None:
        super().__init__(field)
        self.field = field
        self.lookup = lookup
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(CHOSEN)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(MAX_SHOWN)
        # A correction keeps what the allergy was recorded against while its text stays,
        # with or without the base.
        self._offered: dict[str, dict[str, str]] = {}
        codes = {k: str(current[k]) for k in ("substance_code", "allergy_class")
                 if current and current.get(k)}
        if current and codes:
            self._offered[fold(str(current.get("substance", "")))] = codes
        if lookup is not None:
            field.setCompleter(self.completer)
            field.textEdited.connect(self._suggest)
            field.setPlaceholderText("Substance ou classe (pénicillines, AINS…), ou texte libre")

    def _suggest(self, text: str) -> None:
        """The classes, then the base's substances, whose words start as typed."""
        assert self.lookup is not None
        found: list[tuple[str, str, dict[str, str]]] = [
            (group.name, f"{group.name} — classe de médicaments",
             {"allergy_class": group.name}) for group in classes_named(text, self.lookup.classes)]
        found += [(name.lower(), name.lower(), {"substance_code": code})
                  for code, name in self.lookup.substances(text)]
        self.model.clear()
        for chosen, shown, codes in found[:MAX_SHOWN]:
            item = QStandardItem(shown)
            item.setData(chosen, CHOSEN)
            item.setData(codes, CODES)
            item.setEditable(False)
            self.model.appendRow(item)
            self._offered.setdefault(fold(chosen), codes)

    def codes(self) -> dict[str, str]:
        """What the typed text records: a class or a substance offered under that very name."""
        return dict(self._offered.get(fold(self.field.text().strip()), {}))
