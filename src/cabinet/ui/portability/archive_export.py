"""The portability archive's export form (CONT-2, CONT-4): which patients, for whom, where.

Which patients: the whole practice (MASSIF), the open record (UNITAIRE), numbers typed as
« 12, 15, 20-25 » or the patients seen during a period (CIBLE); or a selection fixed by the
caller (the cessation workflow's destinations and remainder). For whom: the successor's
certificate, or a passphrase drawn when the export starts and shown once, in the result, to be
given to the successor by another channel than the file. The archive is signed (the demo
certificate, or the card after its PIN), then written on a worker thread behind a progress
dialog with « Annuler »: a cancelled or failed export leaves nothing on the medium.

The archive services load on use (they pull the PDF and signature libraries). Never keeps the
passphrase beyond the result dialog; never names a patient in a title or a file name.
"""

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.settings import EXPORT_FOLDER
from cabinet.errors import InvalidInput, KnownError
from cabinet.ui.common.dialogs import (
    ServiceDialog,
    certificate_to_open,
    close_buttons,
    result_label,
    side_by_side,
)
from cabinet.ui.common.file_choice import folder_to_use
from cabinet.ui.exports.signing import Exporter

if TYPE_CHECKING:
    from cryptography import x509

    from cabinet.archive.container import Recipient
    from cabinet.services.portability.export import ArchiveResult, Selection

ABANDONED = "Export abandonné : aucun fichier n'a été écrit."
STOPPED = "Export annulé : aucun fichier n'a été écrit."
HANDOVER_ADVICE = (
    "Notez-la maintenant : Cabinet ne la conserve pas et ne pourra plus l'afficher. Remettez-la "
    "au successeur par un autre moyen que le fichier (en main propre, par téléphone, par "
    "courrier séparé) : sans elle, l'archive ne peut pas être ouverte ; avec elle, quiconque a "
    "le fichier peut l'ouvrir.")
_NUMBERS = re.compile(r"^(\d+)(?:-(\d+))?$")
_MAX_RANGE = 100_000


def parse_numbers(text: str) -> tuple[int, ...]:
    """Patient numbers typed as « 12, 15; 20-25 », in order, without repeats."""
    found: list[int] = []
    for part in re.split(r"[,;\s]+", re.sub(r"\s*-\s*", "-", text.strip())):
        if not part:
            continue
        match = _NUMBERS.match(part)
        if match is None:
            raise InvalidInput(f"« {part[:20]} » n'est pas un numéro de patient (exemple : 12, "
                               "15, 20-25).")
        first, last = int(match[1]), int(match[2] or match[1])
        if first > last or last - first > _MAX_RANGE:
            raise InvalidInput(f"L'intervalle « {part[:20]} » est invalide.")
        found += range(first, last + 1)
    if not found:
        raise InvalidInput("Indiquez les numéros des patients à exporter.")
    return tuple(dict.fromkeys(found))


def french_size(size: int) -> str:
    """« 12,3 Mo (12345678 octets) »."""
    return f"{size / 1e6:.1f}".replace(".", ",") + f" Mo ({size} octets)"


def day_of(edit: QDateEdit) -> dt.date:
    """The day a date field shows."""
    day = edit.date()
    return dt.date(day.year(), day.month(), day.day())


def date_edit(day: dt.date) -> QDateEdit:
    """A date field showing `day`, as dd/mm/yyyy with a calendar."""
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


class ArchiveExportDialog(ServiceDialog):
    """The form; its main button signs, writes on a worker thread, then shows the result."""

    def __init__(self, ctx: AppContext, exporter: Exporter, *, current_patient: int | None = None,
                 preset: "Selection | None" = None, passphrase_only: bool = False,
                 title: str = "Exporter une archive de portabilité",
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.exporter = exporter
        self.current_patient = current_patient
        self.preset = preset
        self.written: ArchiveResult | None = None
        self.certificate: x509.Certificate | None = None
        if preset is None:
            self.body.addWidget(self._patients_box())
        else:
            self.body.addWidget(QLabel(f"<b>{len(preset.patient_ids)} patient(s)</b> — "
                                       f"{preset.comments}"))
        self.body.addWidget(self._recipient_box(passphrase_only))
        self.body.addWidget(self._destination_row())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(
            "&Signer et exporter")
        self.save = self._export
        self.resize(620, 480)

    # --- the form ----------------------------------------------------------------------
    def _patients_box(self) -> QGroupBox:
        box = QGroupBox("Patients à exporter")
        form = QFormLayout(box)
        self.kinds = QButtonGroup(box)
        self.whole = QRadioButton("&Toute la patientèle (export massif)")
        self.current = QRadioButton(
            f"Le patient &ouvert (n° {self.current_patient}, export unitaire : sans ses notes "
            "personnelles)"
            if self.current_patient is not None else "Le patient ouvert (aucun dossier ouvert)")
        self.current.setEnabled(self.current_patient is not None)
        self.by_number = QRadioButton("Patients choisis par &numéro")
        self.by_period = QRadioButton("Patients vus pendant une &période")
        for button in (self.whole, self.current, self.by_number, self.by_period):
            self.kinds.addButton(button)
        self.whole.setChecked(True)
        self.numbers = QLineEdit()
        self.numbers.setPlaceholderText("12, 15, 20-25")
        self.numbers.setAccessibleName("Numéros des patients")
        self.numbers.textEdited.connect(lambda _: self.by_number.setChecked(True))
        today = self.ctx.clock.now().astimezone().date()
        self.since = date_edit(today.replace(year=today.year - 1))
        self.until = date_edit(today)
        self.since.setAccessibleName("Début de la période")
        self.until.setAccessibleName("Fin de la période")
        period = QWidget()
        line = QHBoxLayout(period)
        line.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("du"), self.since, QLabel("au"), self.until):
            line.addWidget(widget)
        self.comments = QLineEdit()
        self.comments.setAccessibleName("Commentaire")
        self.comments.setPlaceholderText("Facultatif : figure dans le manifeste de l'archive")
        form.addRow(self.whole)
        form.addRow(self.current)
        form.addRow(self.by_number, self.numbers)
        form.addRow(self.by_period, period)
        form.addRow("Co&mmentaire", self.comments)
        return box

    def _recipient_box(self, passphrase_only: bool) -> QGroupBox:
        box = QGroupBox("Chiffrée pour")
        layout = QVBoxLayout(box)
        self.to_certificate = QRadioButton("le ce&rtificat du successeur")
        self.to_passphrase = QRadioButton(
            "une p&hrase secrète, affichée une seule fois à la fin de l'export")
        self.certificate_name = QLabel("aucun certificat choisi")
        choose = QPushButton("Choisir le cert&ificat…")
        choose.clicked.connect(self.choose_certificate)
        row = side_by_side(self.certificate_name, choose, indent=24)
        layout.addWidget(self.to_certificate)
        layout.addWidget(row)
        layout.addWidget(self.to_passphrase)
        self.to_passphrase.setChecked(True)
        if passphrase_only:
            for widget in (self.to_certificate, row):
                widget.setEnabled(False)
            layout.addWidget(QLabel("Le reliquat est chiffré par une phrase secrète, à "
                                    "conserver avec la déclaration au conseil de l'Ordre."))
        return box

    def _destination_row(self) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.folder = QLineEdit(self.ctx.settings.value(EXPORT_FOLDER))
        self.folder.setAccessibleName("Dossier de destination")
        self.folder.setPlaceholderText("Clé USB ou disque externe du cabinet")
        choose = QPushButton("Choisir le &dossier…")
        choose.clicked.connect(self.choose_folder)
        label = QLabel("&Enregistrer dans")
        label.setBuddy(self.folder)
        line.addWidget(label)
        line.addWidget(self.folder, 1)
        line.addWidget(choose)
        return row

    def choose_certificate(self) -> None:
        """Read the successor's certificate (PEM or DER)."""
        if (chosen := certificate_to_open(self, "Certificat du successeur")) is not None:
            self.use_certificate(chosen)

    def use_certificate(self, path: Path) -> None:
        """Encrypt for the certificate in `path`, or say in French why it cannot be used."""
        from cabinet.exchange.envelope import certificate_file

        try:
            _, certificate = certificate_file(path)
        except KnownError as error:
            self.error.setText(error.message)
            return
        self.error.clear()
        self.certificate = certificate
        self.certificate_name.setText(certificate.subject.rfc4514_string())
        self.to_certificate.setChecked(True)

    def choose_folder(self) -> None:
        """Pick the folder (a USB key, an external disk) the archive goes to."""
        chosen = folder_to_use(self, "Dossier où enregistrer l'archive", self.folder.text())
        if chosen is not None:
            self.folder.setText(str(chosen))

    # --- what the form says --------------------------------------------------------------
    def selection(self) -> "Selection":
        """The patients chosen; raise `InvalidInput` in French."""
        from cabinet.services.portability.export import Selection

        if self.preset is not None:
            return self.preset
        comments = self.comments.text().strip()
        if self.whole.isChecked():
            return Selection("MASSIF", comments=comments)
        if self.current.isChecked() and self.current_patient is not None:
            return Selection("UNITAIRE", (self.current_patient,), comments=comments)
        if self.by_number.isChecked():
            numbers = parse_numbers(self.numbers.text())
            store = self.ctx.vault.store
            if unknown := [n for n in numbers if not store.patient_exists(n)]:
                raise InvalidInput(f"Aucun patient ne porte le numéro {unknown[0]}.")
            return Selection("CIBLE", numbers, comments=comments)
        since, until = day_of(self.since), day_of(self.until)
        if since > until:
            raise InvalidInput("La période commence après sa fin.")
        return Selection("CIBLE", period=(since.isoformat(), until.isoformat()),
                         comments=comments)

    def recipient(self) -> "Recipient":
        """For whom the archive is encrypted (a new passphrase each time)."""
        from cabinet.archive.container import Recipient

        if self.to_certificate.isChecked():
            if self.certificate is None:
                raise InvalidInput("Choisissez le certificat du successeur, ou une phrase "
                                   "secrète.")
            return Recipient(certificate=self.certificate)
        return Recipient.new_passphrase()

    def destination(self) -> Path:
        """The folder the archive goes to, which must exist."""
        folder = self.folder.text().strip()
        if not folder:
            raise InvalidInput("Choisissez le dossier où enregistrer l'archive.")
        if not Path(folder).is_dir():
            raise InvalidInput("Ce dossier n'existe pas ou n'est pas branché : branchez le "
                               "support ou choisissez un autre dossier.")
        return Path(folder)

    # --- the export ------------------------------------------------------------------------
    def _export(self) -> None:
        selection = self.selection()
        destination = self.destination()
        exporter = self.ctx.archive_exporter
        if not exporter.patients(selection):
            raise InvalidInput("La sélection ne contient aucun patient à exporter.")
        recipient = self.recipient()
        result = self.exporter.signed(
            self, "Export de l'archive de portabilité…", STOPPED, destination,
            lambda out, progress: exporter.export(selection, recipient, out, progress))
        if result is None:
            raise KnownError(ABANDONED)
        self.written = result
        self.exporter.notify(f"Archive de portabilité enregistrée : {result.path}")
        ArchiveWrittenDialog(result, recipient.passphrase, parent=self).exec()


class ArchiveWrittenDialog(QDialog):
    """Where the archive went, what it holds, and its passphrase, shown this once."""

    def __init__(self, result: "ArchiveResult", passphrase: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the passphrase goes with it
        self.setWindowTitle("Archive de portabilité enregistrée")
        layout = QVBoxLayout(self)
        self.path = result_label("archivePath", f"Archive enregistrée : {result.path}")
        self.details = result_label("archiveDetails", (
            f"Patients : {result.patients}\nTaille : {french_size(result.size)}\n"
            f"Empreinte SHA-256 : {result.sha256}"))
        layout.addWidget(self.path)
        layout.addWidget(self.details)
        self.noted: QCheckBox | None = None
        buttons = close_buttons(self)
        if passphrase:
            box = QGroupBox("Phrase secrète de l'archive — affichée une seule fois")
            inner = QVBoxLayout(box)
            self.passphrase = result_label("archivePassphrase", passphrase)
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setPointSize(font.pointSize() + 3)
            font.setBold(True)
            self.passphrase.setFont(font)
            advice = QLabel(HANDOVER_ADVICE)
            advice.setWordWrap(True)
            self.noted = QCheckBox("J'ai &noté la phrase secrète")
            close = buttons.button(QDialogButtonBox.StandardButton.Close)
            close.setEnabled(False)
            self.noted.toggled.connect(close.setEnabled)
            for widget in (self.passphrase, advice, self.noted):
                inner.addWidget(widget)
            layout.addWidget(box)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def reject(self) -> None:
        """Escape closes only once the passphrase is noted (a lock closes it regardless)."""
        if self.noted is None or self.noted.isChecked():
            super().reject()
