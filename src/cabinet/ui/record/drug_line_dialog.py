"""One prescription line from the drug base: presentation, posology, quantity, mentions.

The line is written in DCI (the brand only when kept); the quantity of boxes follows from the
posology and the chosen box. What the base's conditions ask (secure ordonnance, renewals,
restricted prescription) is said as the line is written, never blocking. A medicine meeting
one of the patient's allergies is said in red, and the line is kept only with a reason.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from cabinet.domain.allergy_alerts import AllergyAlert
from cabinet.domain.drugs import NOT_CERTIFIED, Speciality
from cabinet.domain.fields import RecordError
from cabinet.domain.prescribing import (
    DURATION_UNITS,
    NON_SUBSTITUTION,
    boxes,
    check_line,
    line_from,
    quantity_text,
)
from cabinet.domain.prescription_rules import notices
from cabinet.errors import InvalidInput
from cabinet.ui.common.dialogs import ServiceDialog

ALERT = "color: #b00020; font-weight: bold;"


def dose_unit(form: str) -> str:
    """The unit a dose of this form is counted in: « comprimé » for « comprimé pelliculé »."""
    return form.split(",", maxsplit=1)[0].split(" ", maxsplit=1)[0] if form else ""


class DrugLineDialog(ServiceDialog):
    """Write one line for `speciality`; `line` holds the checked line once accepted.

    `cip13`, when the search was a box's code, chooses that box.
    """

    def __init__(self, speciality: Speciality, *, release: dt.date,
                 alerts: Sequence[AllergyAlert], age_years: int | None, number: int,
                 cip13: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Ligne d'ordonnance", parent)
        self.speciality, self.release, self.age_years = speciality, release, age_years
        self.alerts = [alert.text() for alert in alerts]
        self.line: dict[str, Any] | None = None
        self.buttons.button(self.buttons.StandardButton.Save).setText("&Ajouter la ligne")
        self.presentations = sorted(speciality.presentations, key=lambda p: not p.marketed)
        self.box = QComboBox()
        for presentation in self.presentations:
            self.box.addItem(" — ".join(filter(None, (
                presentation.label, presentation.reimbursement or "non remboursé",
                "" if presentation.marketed else "non commercialisée", presentation.shortage))))
        scanned = [p.cip13 for p in self.presentations].index(cip13) \
            if cip13 in [p.cip13 for p in self.presentations] else 0
        self.box.setCurrentIndex(scanned)  # the box scanned, else the first marketed one
        self.keep_brand = QCheckBox("Garder le nom de &marque (sinon : DCI seule)")
        self.dose = QDoubleSpinBox()
        self.dose.setRange(0.25, 1000)
        self.dose.setDecimals(2)
        self.dose.setSingleStep(0.5)
        self.dose.setValue(1)
        self.unit = QComboBox()
        self.unit.setEditable(True)
        self.unit.addItems(sorted({dose_unit(speciality.form), "comprimé", "gélule", "sachet",
                                   "ml", "goutte", "bouffée", "application", "dose"} - {""}))
        self.unit.setCurrentText(dose_unit(speciality.form))
        self.per_day = QSpinBox()
        self.per_day.setRange(1, 24)
        self.duration = QSpinBox()
        self.duration.setRange(1, 999)
        self.duration.setValue(7)
        self.duration_unit = QComboBox()
        for key, label in DURATION_UNITS.items():
            self.duration_unit.addItem(label, key)
        self.free = QLineEdit()
        self.free.setPlaceholderText("précisions : matin et soir, au cours du repas…")
        self.non_substitutable = QComboBox()
        self.non_substitutable.addItem("— substituable —", "")
        for key, why in NON_SUBSTITUTION.items():
            self.non_substitutable.addItem(f"Non substituable ({key}) : {why}", key)
        self.renewals = QSpinBox()
        self.renewals.setRange(0, 11)
        self.ald = QCheckBox("Affection de longue durée (A&LD)")
        self.long_term = QCheckBox("Traitement de &fond (reste en cours jusqu'à son arrêt)")
        self.quantity = QLabel()
        self.quantity.setObjectName("lineQuantity")
        self.said = QLabel()
        self.said.setObjectName("lineNotices")
        self.said.setWordWrap(True)
        self.override = QLineEdit()
        self.override.setAccessibleName("Motif pour prescrire malgré l'allergie")
        self._lay_out(number)
        for signal in (self.dose.valueChanged, self.per_day.valueChanged,
                       self.duration.valueChanged, self.duration_unit.currentIndexChanged,
                       self.box.currentIndexChanged, self.renewals.valueChanged,
                       self.unit.currentTextChanged):
            signal.connect(self._update)
        self.save = self._accept_line
        self._update()
        self.dose.setFocus()
        self.dose.selectAll()

    def _lay_out(self, number: int) -> None:
        title = QLabel(f"<b>Ligne {number} : {self.speciality.name}</b>")
        title.setWordWrap(True)
        self.body.addWidget(title)
        if self.alerts:
            warning = QLabel("\n".join(self.alerts))
            warning.setObjectName("allergyAlerts")
            warning.setWordWrap(True)
            warning.setStyleSheet(ALERT)
            self.body.addWidget(warning)
        form = QFormLayout()
        form.addRow(_buddy("&Présentation", self.box), self.box)
        form.addRow("", self.keep_brand)
        form.addRow(_buddy("&Dose par prise", self.dose), _row(self.dose, self.unit))
        form.addRow(_buddy("Prises par &jour", self.per_day), self.per_day)
        form.addRow(_buddy("Pendan&t", self.duration), _row(self.duration, self.duration_unit))
        form.addRow(_buddy("Pré&cisions", self.free), self.free)
        form.addRow(_buddy("&Substitution", self.non_substitutable), self.non_substitutable)
        form.addRow(_buddy("&Renouvellements", self.renewals), self.renewals)
        form.addRow("", self.ald)
        form.addRow("", self.long_term)
        form.addRow("Quantité", self.quantity)
        if self.alerts:
            form.addRow(_buddy("M&otif malgré l'allergie", self.override), self.override)
        self.body.addLayout(form)
        self.body.addWidget(self.said)
        aid = QLabel(NOT_CERTIFIED)
        aid.setWordWrap(True)
        aid.setStyleSheet("color: #555; font-size: small;")
        self.body.addWidget(aid)

    def _posology(self) -> dict[str, Any]:
        return {"dose": self.dose.value(), "unit": self.unit.currentText().strip(),
                "per_day": self.per_day.value(), "duration": self.duration.value(),
                "duration_unit": self.duration_unit.currentData(),
                "text": self.free.text().strip()}

    def _written(self) -> dict[str, Any]:
        chosen = self.box.currentIndex()
        presentation = self.presentations[chosen] if chosen >= 0 else None
        return {**line_from(self.speciality, presentation, self.release,
                            keep_brand=self.keep_brand.isChecked()
                            or bool(self.non_substitutable.currentData())),
                "posology": self._posology(),
                "non_substitutable": self.non_substitutable.currentData(),
                "renewals": self.renewals.value(), "ald": self.ald.isChecked(),
                "long_term": self.long_term.isChecked()}

    def _update(self) -> None:
        draft = self._written()
        count = boxes(draft["posology"], draft["units_per_box"])
        self.quantity.setText(quantity_text(count) if count else
                              "à préciser (la boîte ne dit pas combien d'unités elle contient)")
        try:
            said = notices(self.speciality, check_line(draft, 1), age_years=self.age_years)
        except RecordError:
            said = []
        self.said.setText("\n".join(f"• {notice}" for notice in said))

    def _accept_line(self) -> None:
        draft = {**self._written(), "allergy_alerts": self.alerts,
                 "allergy_override": self.override.text().strip()}
        try:
            self.line = check_line(draft, 1)
        except RecordError as error:
            said = str(error).removeprefix("Ligne 1 : ")
            raise InvalidInput(said[:1].upper() + said[1:]) from None


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return row

