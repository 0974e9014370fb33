"""The prescription editor: medicines of the drug base, or free-text lines; ALD lines apart.

A medicine is searched as typed (brand, DCI, a box's code) and written in DCI with its
posology and quantity (`DrugLineDialog`). A line that names nothing of the base stays free
text, as every line was before the base. Before saving, every line is checked against the
patient's allergies again (a renewal too): a line of the base is kept only with a reason; a
free-text line that meets an allergy is refused, to be chosen from the base with its reason.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cabinet.domain.allergy_alerts import AllergyClass, alerts_for, line_alerts
from cabinet.domain.drugs import DrugHit, Speciality
from cabinet.domain.prescribing import is_structured
from cabinet.errors import InvalidInput
from cabinet.ui.common.dialogs import ServiceDialog, day_edit
from cabinet.ui.record.drug_line_dialog import DrugLineDialog
from cabinet.ui.record.drug_search import DrugSearch

if TYPE_CHECKING:
    from cabinet.drugs.base import DrugBase

COLUMNS = ("Médicament", "Posologie", "Durée", "ALD")
RECHECKED = ("allergy_alerts", "allergy_override")  # a renewal checks the allergies again
LINE = Qt.ItemDataRole.UserRole


@dataclass
class PrescribingAids:
    """What the dialog consults: the drug base, the patient's allergies, age, allergy classes.

    `base` is None while it opens or when it is unusable, `unavailable` then says why;
    `today` is the practice's clock's date, the ordonnance's.
    """

    base: "DrugBase | None"
    unavailable: str = ""
    allergies: Sequence[Mapping[str, Any]] = ()
    age_years: int | None = None
    classes: Sequence[AllergyClass] = field(default_factory=tuple)
    today: dt.date | None = None  # None: the machine's date

    def find(self, cis: str) -> Speciality | None:
        """The base's speciality for `cis`, None without a base or when it is gone from it."""
        if self.base is None:
            return None
        try:
            return self.base.speciality(cis)
        except KeyError:
            return None


class PrescriptionDialog(ServiceDialog):
    """Write a prescription, or renew one (pre-filled lines, today's date)."""

    def __init__(self, save_with: Callable[[dict[str, Any]], object],
                 lines: Sequence[Mapping[str, Any]] = (),
                 aids: PrescribingAids | None = None, title: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(title or ("Renouveler l'ordonnance" if lines else "Nouvelle ordonnance"),
                         parent)
        self.aids = aids or PrescribingAids(None, "Base des médicaments non disponible.")
        today = self.aids.today
        self.date = day_edit(today)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Lignes de l'ordonnance")
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 300)
        self.table.setColumnWidth(1, 300)
        self.search = self._search_or_why()
        for line in lines:
            self.add_line({k: v for k, v in line.items() if k not in RECHECKED})
        add = QPushButton("Ajouter une ligne &libre")
        add.clicked.connect(lambda: self.add_line({}, edit=True))
        remove = QPushButton("&Retirer la ligne")
        remove.clicked.connect(self.remove_line)
        buttons = QHBoxLayout()
        buttons.addWidget(self.date)
        buttons.addStretch()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        self.body.addLayout(buttons)
        self.body.addWidget(self.table)
        self.save = lambda: save_with(self.payload())
        self.resize(900, 600)

    def _search_or_why(self) -> DrugSearch | None:
        base = self.aids.base
        if base is None:
            self.body.addWidget(QLabel(self.aids.unavailable + " Les lignes s'écrivent en texte "
                                       "libre (« Ajouter une ligne libre »)."))
            return None
        search = DrugSearch(base.search)
        label = QLabel("&Médicament à ajouter — " + base.release().label())
        label.setBuddy(search.field)
        self.body.addWidget(label)
        self.body.addWidget(search)
        search.chosen.connect(self.add_from_base)
        search.field.returnPressed.connect(self._free_if_nothing_found)
        return search

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Open ready to type: in the search, else in the first line's first cell."""
        super().showEvent(event)
        if self.search is not None:
            self.search.field.setFocus()
        else:
            if self.table.rowCount() == 0:
                self.add_line({})
            self.table.setFocus()
            self.table.edit(self.table.currentIndex())

    def add_from_base(self, hit: DrugHit) -> None:
        """Write the chosen medicine's line (posology, box, mentions), then search again."""
        speciality = self.aids.find(hit.cis)
        if speciality is None:
            return
        base = self.aids.base
        assert base is not None  # a hit comes from the base
        alerts = alerts_for(speciality, self.aids.allergies, self.aids.classes)
        dialog = DrugLineDialog(speciality, release=base.release().published, alerts=alerts,
                                age_years=self.aids.age_years,
                                number=self.table.rowCount() + 1, cip13=hit.cip13, parent=self)
        if dialog.exec() and dialog.line is not None:
            self.add_line(dialog.line)
        self.activateWindow()  # the line's dialog took the keyboard: given back here
        if self.search is not None:
            self.search.field.clear()
            self.search.field.setFocus()

    def _free_if_nothing_found(self) -> None:
        """Enter on a search that found nothing: the text typed starts a free-text line."""
        assert self.search is not None
        typed = self.search.field.text().strip()
        if typed and self.search.results.rowCount() == 0:
            self.search.field.clear()
            self.add_line({"drug": typed}, edit=True, column=1)

    def add_line(self, line: Mapping[str, Any], *, edit: bool = False, column: int = 0) -> None:
        """Append a line: a line of the base as written, or free text pre-filled from `line`."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        structured = is_structured(line)
        for index, key in enumerate(("drug", "dosage", "duration")):
            item = QTableWidgetItem(str(line.get(key, "")))
            if structured:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setToolTip("Ligne de la base des médicaments : retirez-la pour la réécrire.")
                if index == 0:
                    item.setData(LINE, dict(line))
            self.table.setItem(row, index, item)
        ald = QTableWidgetItem()
        ald.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        ald.setCheckState(Qt.CheckState.Checked if line.get("ald") else Qt.CheckState.Unchecked)
        self.table.setItem(row, 3, ald)
        self.table.setCurrentCell(row, column)
        if edit:
            self.table.setFocus()
            self.table.edit(self.table.currentIndex())

    def remove_line(self) -> None:
        """Remove the selected line."""
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def payload(self) -> dict[str, Any]:
        """The prescription (empty lines dropped), each line checked against the allergies."""
        lines: list[dict[str, Any]] = []
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, c) for c in range(4)]
            ald = items[3] is not None and items[3].checkState() == Qt.CheckState.Checked
            structured = items[0].data(LINE) if items[0] is not None else None
            if structured:
                lines.append(self._rechecked({**structured, "ald": ald}, len(lines) + 1))
                continue
            texts = [(item.text() if item else "").strip() for item in items[:3]]
            if any(texts):
                line = {"drug": texts[0], "dosage": texts[1], "duration": texts[2], "ald": ald}
                lines.append(self._rechecked(line, len(lines) + 1))
        return {"date": self.date.date().toString("yyyy-MM-dd"), "lines": lines}

    def _rechecked(self, line: dict[str, Any], number: int) -> dict[str, Any]:
        """`line` once the allergies recorded today have been checked against it."""
        if line.get("allergy_override"):
            return line
        alerts = [a.text() for a in line_alerts(line, self.aids.allergies, self.aids.classes,
                                                self.aids.find)]
        if not alerts:
            return line
        if not is_structured(line):
            raise InvalidInput(f"Ligne {number} : « {line['drug']} » rencontre une allergie "
                               f"notée ({' '.join(alerts)}) Choisissez ce médicament dans la "
                               "base pour motiver sa prescription, ou retirez la ligne.")
        reason, given = QInputDialog.getText(
            self, "Allergie notée", "\n".join([*alerts, "", "Motif pour prescrire malgré tout :"]),
            QLineEdit.EchoMode.Normal)
        if not given or not reason.strip():
            raise InvalidInput(f"Ligne {number} : une allergie est notée ; sans motif, "
                               "l'ordonnance n'est pas enregistrée.")
        return {**line, "allergy_alerts": alerts, "allergy_override": reason.strip()}
