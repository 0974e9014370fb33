"""The encounter editor: reason, history, examination, vital signs with BMI, conclusion, plan."""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from cabinet.domain.record import (
    VITAL_SIGNS,
    RecordError,
    body_mass_index,
    check_vitals,
    french_number,
)
from cabinet.errors import InvalidInput
from cabinet.ui.common.dialogs import ServiceDialog, day_edit

TEXT_FIELDS = (("history", "Histoire de la maladie"), ("examination", "Examen clinique"),
               ("conclusion", "Conclusion"), ("plan", "Conduite à tenir"))


def typed_number(text: str) -> str:
    """'72,5' → '72.5' and '1 200' → '1200', for the domain to read; empty stays empty."""
    return "".join(text.split()).replace(",", ".")


class EncounterDialog(ServiceDialog):
    """Write or correct an encounter; `save_with(payload)` is called on Save."""

    def __init__(self, save_with: Callable[[dict[str, Any]], object],
                 current: Mapping[str, Any] | None = None,
                 today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Corriger la consultation" if current else "Nouvelle consultation",
                         parent)
        current = current or {}
        form = QFormLayout()
        self.date = day_edit(dt.date.fromisoformat(current["date"]) if current else today)
        form.addRow("&Date", self.date)
        self.reason = QLineEdit(current.get("reason", ""))
        self.reason.setAccessibleName("Motif")
        form.addRow("&Motif", self.reason)
        self.texts: dict[str, QPlainTextEdit] = {}
        for key, label in TEXT_FIELDS[:2]:
            self.texts[key] = self._text(current.get(key, ""), label)
            form.addRow(label, self.texts[key])
        form.addRow("Constantes", self._vitals_grid(current.get("vitals", [])))
        for key, label in TEXT_FIELDS[2:]:
            self.texts[key] = self._text(current.get(key, ""), label)
            form.addRow(label, self.texts[key])
        self.body.addLayout(form)
        self.save = lambda: save_with(self.payload())
        self.resize(720, 640)
        self.reason.setFocus()

    def fill(self, payload: Mapping[str, Any]) -> None:
        """Put a payload (a restored draft) back into the fields."""
        if payload.get("date"):
            self.date.setDate(QDate.fromString(payload["date"], "yyyy-MM-dd"))
        self.reason.setText(payload.get("reason", ""))
        for key, text in self.texts.items():
            text.setPlainText(payload.get(key, ""))
        values = {v["code"]: v["value"] for v in payload.get("vitals", [])}
        for code, line in self.vitals.items():
            line.setText(french_number(values[code]) if code in values else "")

    def watch_typing(self) -> None:
        """Every change schedules a draft."""
        self.reason.textChanged.connect(self.typed)
        self.date.dateChanged.connect(self.typed)
        for text in self.texts.values():
            text.textChanged.connect(self.typed)
        for line in self.vitals.values():
            line.textChanged.connect(self.typed)

    def draft_payload(self) -> dict[str, Any]:
        """The fields as typed; a malformed number is left out (a draft never refuses)."""
        vitals = []
        for measure in self._typed():
            try:
                vitals.append({"code": measure["code"], "value": float(measure["value"])})
            except ValueError:
                continue
        return {**self.payload_texts(), "vitals": vitals}

    def payload_texts(self) -> dict[str, Any]:
        """Date, reason and the free texts."""
        return {"date": self.date.date().toString("yyyy-MM-dd"), "reason": self.reason.text(),
                **{key: edit.toPlainText() for key, edit in self.texts.items()}}

    @staticmethod
    def _text(value: str, label: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(value)
        edit.setTabChangesFocus(True)
        edit.setAccessibleName(label)
        return edit

    def _vitals_grid(self, vitals: list[Mapping[str, Any]]) -> QWidget:
        values = {v["code"]: v["value"] for v in vitals}
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setContentsMargins(0, 0, 0, 0)
        self.vitals: dict[str, QLineEdit] = {}
        for index, (code, sign) in enumerate(VITAL_SIGNS.items()):
            edit = QLineEdit(french_number(values[code]) if code in values else "")
            edit.setAccessibleName(f"{sign.label} en {sign.unit}")
            edit.setMaximumWidth(80)
            edit.textChanged.connect(self._update_bmi)
            row, column = divmod(index, 2)
            grid.addWidget(QLabel(f"{sign.label} ({sign.unit})"), row, column * 2)
            grid.addWidget(edit, row, column * 2 + 1)
            self.vitals[code] = edit
        self.bmi = QLabel()
        self.bmi.setObjectName("bmi")
        grid.addWidget(self.bmi, len(VITAL_SIGNS) // 2 + 1, 0, 1, 4)
        self._update_bmi()
        return grid_widget

    def _typed(self) -> list[dict[str, str]]:
        return [{"code": code, "value": typed_number(edit.text())}
                for code, edit in self.vitals.items() if edit.text().strip()]

    def _measures(self) -> list[dict[str, Any]]:
        """The measures typed, checked all at once: every mistake is named in one message."""
        try:
            checked = check_vitals(self._typed())
        except RecordError as error:
            raise InvalidInput(str(error)) from None
        return [{"code": m["code"], "value": m["value"]} for m in checked]

    def _update_bmi(self) -> None:
        typed = [m for m in self._typed() if m["code"] in ("weight", "height")]
        if len(typed) < 2:
            self.bmi.setText("IMC : —")
            return
        try:
            bmi = body_mass_index(check_vitals(typed))
        except RecordError:
            self.bmi.setText("IMC : invraisemblable, vérifiez le poids et la taille")
            return
        self.bmi.setText(f"IMC : {french_number(bmi or 0)} kg/m²")

    def payload(self) -> dict[str, Any]:
        """The encounter as typed."""
        return {**self.payload_texts(), "vitals": self._measures()}
