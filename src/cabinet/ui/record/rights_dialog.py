"""The record's « Droits… » window (RIGHTS-1..3): information given, consents, erasures.

Read when asked, so opening a record journals no extra reading.
"""

import datetime as dt
from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.compliance import INFORMATION_MEANS
from cabinet.domain.wording import KIND_LABELS, french_date, french_datetime, summary_line
from cabinet.services.information import InformationService, RightsSummary
from cabinet.ui.common.dialogs import ServiceDialog, day_edit

NO_INFORMATION = ("Aucune information enregistrée : remettez ou montrez l'affiche "
                  "(menu Conformité), puis notez-le ici.")


def rights_html(rights: RightsSummary) -> str:
    """The three lists, worded in French."""
    information = [f"{french_date(i.given_on)} — {INFORMATION_MEANS.get(i.means, i.means)} "
                   f"(noté par {i.recorded_by})" for i in rights.information]
    consents = [f"{summary_line(c)} — le {french_date(c.payload['date'])}"
                for c in rights.consents]
    erasures = [f"Effacement n° {e.erasure_id} le {french_datetime(e.erased_at)} par "
                f"{e.erased_by} : "
                + (f"entrée n° {e.lineage} ({KIND_LABELS.get(e.kind, e.kind)}), "
                   if e.lineage is not None else "contenu médical du dossier, ")
                + f"{e.versions} version(s), "
                + (f"à la demande écrite du patient (document n° {e.request})"
                   if e.request is not None else f"règle : {e.rule}")
                + f" — motif : {e.reason}" for e in rights.erasures]
    sections = (("Information sur le traitement de ses données", information, NO_INFORMATION),
                ("Consentements et oppositions", consents, "Aucune décision enregistrée."),
                ("Effacements", erasures, "Aucun effacement."))
    return "".join(f"<h3>{title}</h3>" + ("<ul>" + "".join(f"<li>{escape(line)}</li>"
                                                           for line in lines) + "</ul>"
                                          if lines else f"<p>{escape(empty)}</p>")
                   for title, lines, empty in sections)


class InformationDialog(ServiceDialog):
    """The day and the means the patient was informed."""

    def __init__(self, information: InformationService, patient_id: int, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__("Information du patient sur ses données", parent)
        self.day = day_edit(today)
        self.means = QComboBox()
        for key, label in INFORMATION_MEANS.items():
            self.means.addItem(label, key)
        form = QFormLayout()
        form.addRow("&Date :", self.day)
        form.addRow("&Moyen :", self.means)
        self.body.addLayout(form)
        self.save = lambda: information.record_information(
            patient_id, dt.date.fromisoformat(self.day.date().toString("yyyy-MM-dd")),
            str(self.means.currentData()))


class RightsDialog(QDialog):
    """What the patient was told and decided, and what was erased from the record."""

    def __init__(self, context: Callable[[], AppContext], patient_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Droits du patient sur ses données")
        self._context = context
        self._patient = patient_id
        self.view = QTextBrowser()
        self.view.setAccessibleName("Droits du patient")
        self.inform = QPushButton("&Information donnée…")
        self.inform.clicked.connect(self.record_information)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("&Fermer")
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.inform)
        layout.addWidget(self.view)
        layout.addWidget(close)
        self.resize(720, 480)
        self.load()

    def load(self) -> None:
        """Read and show the record's rights."""
        self.view.setHtml(rights_html(self._context().information.rights(self._patient)))

    def record_information(self) -> None:
        """Note the information given, then show it."""
        ctx = self._context()
        dialog = InformationDialog(ctx.information, self._patient,
                                   ctx.clock.now().astimezone().date(), self)
        if dialog.exec():
            self.load()
        dialog.deleteLater()
