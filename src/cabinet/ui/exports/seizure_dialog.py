"""The judicial seizure of one record (RIGHTS-5), as a guided form.

The first page recalls the rule before anything can be typed: a plain requisition is
refused; only a seizure ordered by a magistrate, in the presence of a representative of the
Ordre des médecins, on one precisely identified record, is answered. The second page names
the persons and the decision, then the record is signed and written with its report and
inventory. Nothing is exported before the decision is named.
"""

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.rights import RightsError, Seizure
from cabinet.errors import InvalidInput
from cabinet.services.issuing import ExportResult, Output
from cabinet.ui.exports.export_dialogs import ExportDialog
from cabinet.ui.exports.signing import Exporter

RULE = (
    "<p><b>Le secret médical s'impose aussi aux enquêteurs.</b></p>"
    "<p>Une <b>simple réquisition</b> (police, gendarmerie, assureur, employeur…) "
    "<b>doit être refusée</b> : aucun élément du dossier ne peut lui être remis.</p>"
    "<p>Seule une <b>saisie ordonnée par un magistrat</b> (juge d'instruction, ou officier "
    "de police judiciaire sur commission rogatoire), <b>en présence d'un représentant du "
    "conseil de l'Ordre des médecins</b>, et portant sur <b>un dossier précisément "
    "identifié</b>, permet de remettre ce dossier — et lui seul.</p>"
    "<p>Le procès-verbal, l'inventaire et le journal garderont la trace de la décision et "
    "des personnes présentes.</p>")
CONFIRMATION = ("&Je confirme : saisie ordonnée par un magistrat, en présence d'un "
                "représentant de l'Ordre, portant sur ce seul dossier")


class SeizureDialog(ExportDialog):
    """Page 1: the rule and its confirmation; page 2: who, which decision, where; export."""

    title = "Saisie judiciaire"
    what = "Saisie judiciaire enregistrée"

    def __init__(self, ctx: AppContext, patient_id: int, exporter: Exporter,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, patient_id, exporter, parent)
        self.pages = QStackedWidget()
        self.body.insertWidget(0, self.pages)
        self.confirmed = QCheckBox(CONFIRMATION)
        self.confirmed.toggled.connect(self._confirmation_changed)
        rule = QLabel(RULE)
        rule.setWordWrap(True)
        first = QWidget()
        first_layout = QVBoxLayout(first)
        first_layout.addWidget(rule)
        first_layout.addWidget(self.confirmed)
        self.body.removeWidget(self.fields)
        self.pages.addWidget(first)
        self.pages.addWidget(self.fields)
        self.magistrate = self._field("&Magistrat (nom et qualité)",
                                      "Mme Claire Juge, juge d'instruction au TJ de…")
        self.decision = self._field("&Référence de la décision",
                                    "Ordonnance de saisie n°…, du…")
        self.representative = self._field("Représentant de l'&Ordre",
                                          "Dr …, conseil départemental de l'Ordre de…")
        self.others = self._field("&Autres personnes présentes (facultatif)",
                                  "Officier de police judiciaire…")
        self.place = self._field("&Lieu (facultatif)", "Au cabinet, 3 rue…")
        self.next = QPushButton("&Continuer")
        self.next.setEnabled(False)
        self.next.clicked.connect(self.show_fields)
        self.buttons.addButton(self.next, QDialogButtonBox.ButtonRole.ActionRole)
        self.sign = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.sign.setText("&Signer et exporter")
        self.sign.hide()
        self.resize(620, 460)
        self.confirmed.setFocus()

    def _field(self, label: str, example: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(example)
        edit.setAccessibleName(label.replace("&", ""))
        self.form.addRow(label, edit)
        return edit

    def _confirmation_changed(self, checked: bool) -> None:
        self.next.setEnabled(checked)
        self.next.setDefault(checked)

    def show_fields(self) -> None:
        """Go on to the persons and the decision (only once the rule is confirmed)."""
        if not self.confirmed.isChecked():
            return
        self.pages.setCurrentIndex(1)
        self.next.hide()
        self.sign.show()
        self.sign.setDefault(True)
        self.magistrate.setFocus()

    def seizure(self) -> Seizure:
        """What the form holds."""
        return Seizure(self.magistrate.text(), self.decision.text(), self.representative.text(),
                       self.others.text(), self.place.text())

    def check(self) -> None:
        """The rule confirmed, the magistrate, the decision and the Order's representative."""
        if not self.confirmed.isChecked() or self.pages.currentIndex() != 1:
            raise InvalidInput("Confirmez d'abord qu'il s'agit d'une saisie ordonnée par un "
                               "magistrat, en présence d'un représentant de l'Ordre.")
        try:
            self.seizure().validated()
        except RightsError as error:
            raise InvalidInput(str(error)) from None

    def export(self, out: Output) -> ExportResult:
        """Sign and write the record, the report and the inventory."""
        return self.ctx.exports.seize(self.patient_id, self.seizure(), out)
