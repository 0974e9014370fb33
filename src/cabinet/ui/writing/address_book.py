"""« Carnet d'adresses » : the correspondents, one form to add or correct, the directory's import.

Opened from a record, it also names the patient's médecin traitant and usual correspondents.
An import from the Annuaire Santé runs off the GUI thread and is all or nothing: a refused
file is explained line by line and the book stays as it was.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.correspondents import Correspondent
from cabinet.errors import KnownError
from cabinet.services.correspondents import ROLES
from cabinet.ui.common.dialogs import ServiceDialog, certificate_to_open, side_by_side, text_box
from cabinet.ui.common.file_choice import file_to_open
from cabinet.ui.common.worker import BackgroundJob
from cabinet.ui.writing.template_editor import labelled

CSV_FILTER = "Extraction de l'Annuaire Santé (*.csv *.txt)"
IMPORT_STOPPED = "Import abandonné : le carnet d'adresses n'a pas changé."


class AddressBookDialog(ServiceDialog):
    """The address book; `patient_id` given, the patient's correspondents beside it."""

    def __init__(self, ctx: AppContext, patient_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Carnet d'adresses", parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # no closed dialog stays around
        self.ctx, self.patient_id = ctx, patient_id
        self.people: list[Correspondent] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Correspondants")
        self.list.currentRowChanged.connect(self._show)
        self.edits = {field: QLineEdit() for field in ("name", "specialty", "rpps", "phone",
                                                       "mssante")}
        self.address = text_box("Adresse")
        self.address.setMaximumHeight(80)
        form = QFormLayout()
        for field, label in (("name", "&Nom"), ("specialty", "S&pécialité"),
                             ("rpps", "N° &RPPS")):
            form.addRow(label, self.edits[field])
        form.addRow("&Adresse", self.address)
        form.addRow("Té&léphone", self.edits["phone"])
        form.addRow("Messagerie &MSSanté", self.edits["mssante"])
        self.certificate = b""
        self.certificate_name = QLabel()
        choose = QPushButton("Ch&oisir…")
        choose.clicked.connect(self.choose_certificate)
        form.addRow("Certificat de chiffrement", side_by_side(self.certificate_name, choose))
        row = QHBoxLayout()
        row.addLayout(labelled("&Carnet", self.list), 1)
        row.addLayout(form, 1)
        self.body.addLayout(row)
        if patient_id is not None:
            self.linked = QListWidget()
            self.linked.setAccessibleName("Correspondants du patient")
            self.body.addLayout(labelled("Correspondants du pat&ient", self.linked))
            self._button("Médecin &traitant", lambda: self.link("treating"))
            self._button("Correspondant &habituel", lambda: self.link("usual"))
            self._button("Retirer du &dossier", self.unlink)
        self._button("Nou&veau", self.new)
        self._button("&Supprimer", self.remove)
        self._button("Importer l'Ann&uaire Santé…", self.import_directory)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Fermer")
        self.reload()
        self.resize(900, 560)

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.clicked.connect(slot)
        return button

    def reload(self, chosen: int = 0) -> None:
        """Read the book (and the patient's links) again, `chosen` selected."""
        self.people = self.ctx.correspondents.book()
        self.list.clear()
        self.list.addItems([p.label() for p in self.people])
        rows = [i for i, p in enumerate(self.people) if p.id == chosen]
        self.list.setCurrentRow(rows[0] if rows else -1)
        self._show(self.list.currentRow())
        if self.patient_id is not None:
            self.links = self.ctx.correspondents.of_patient(self.patient_id)
            self.linked.clear()
            self.linked.addItems([f"{p.label()} ({ROLES[role]})" for p, role in self.links])

    def selected(self) -> Correspondent | None:
        """The correspondent shown in the form, None for a new one."""
        row = self.list.currentRow()
        return self.people[row] if 0 <= row < len(self.people) else None

    def _show(self, row: int) -> None:
        person = self.people[row] if 0 <= row < len(self.people) else Correspondent("")
        for field, edit in self.edits.items():
            edit.setText(getattr(person, field))
        self.address.setPlainText(person.address)
        self._show_certificate(person.certificate)
        self.error.clear()

    def _show_certificate(self, blob: bytes) -> None:
        self.certificate = blob
        self.certificate_name.setText("présent : les transmissions lui seront chiffrées"
                                      if blob else "aucun")

    def choose_certificate(self) -> None:
        """The correspondent's encryption certificate (PEM or DER), kept once saved."""
        from cabinet.exchange.envelope import certificate_file

        path = certificate_to_open(self, "Certificat du correspondant")
        if path is None:
            return
        try:
            blob, _ = certificate_file(path)
        except KnownError as error:
            self.error.setText(error.message)
            return
        self._show_certificate(blob)

    def new(self) -> None:
        """An empty form for a new correspondent."""
        self.list.setCurrentRow(-1)
        self._show(-1)
        self.edits["name"].setFocus()

    def _save(self) -> None:  # « Enregistrer » keeps the book open
        current = self.selected()
        person = Correspondent(**{f: e.text() for f, e in self.edits.items()},
                               address=self.address.toPlainText(),
                               id=current.id if current else 0, certificate=self.certificate)
        self._try(lambda: self.ctx.correspondents.save(person))

    def _try(self, change: Callable[[], int | None], chosen: int = 0) -> None:
        """Run a change; show the book again on the correspondent it names, or say why not."""
        try:
            number = change()
        except KnownError as error:
            self.error.setText(error.message)
            return
        self.reload(number or chosen)

    def remove(self) -> None:
        """Remove the selected correspondent, once confirmed."""
        person = self.selected()
        if person is None:
            return
        answer = QMessageBox.question(self, "Supprimer le correspondant",
                                      f"Supprimer {person.name} du carnet d'adresses ?")
        if answer == QMessageBox.StandardButton.Yes:
            self._try(lambda: self.ctx.correspondents.remove(person.id))

    def link(self, role: str) -> None:
        """Link the selected correspondent to the patient's record."""
        person = self.selected()
        if person is None or self.patient_id is None:
            self.error.setText("Choisissez d'abord un correspondant dans le carnet.")
            return
        patient = self.patient_id
        self._try(lambda: self.ctx.correspondents.link(patient, person.id, role), person.id)

    def unlink(self) -> None:
        """Take the correspondent selected among the patient's off the record."""
        row = self.linked.currentRow()
        if self.patient_id is not None and 0 <= row < len(self.links):
            patient, person = self.patient_id, self.links[row][0]
            self._try(lambda: self.ctx.correspondents.unlink(patient, person.id), person.id)

    def import_directory(self) -> None:
        """Add or update the book from an Annuaire Santé extraction (all or nothing)."""
        source = file_to_open(self, "Importer l'Annuaire Santé", CSV_FILTER)
        if source is None:
            return
        ctx = self.ctx
        try:
            added, updated = BackgroundJob(self, "Import de l'Annuaire Santé…",
                                           IMPORT_STOPPED).run(
                lambda _: ctx.correspondents.import_directory(source.read_bytes()))
        except KnownError as error:
            self.error.setText(error.message)
            return
        self.reload()
        self.error.setText(f"Annuaire Santé importé : {added} correspondant(s) ajouté(s), "
                           f"{updated} mis à jour.")
