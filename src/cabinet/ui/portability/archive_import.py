"""Importing a predecessor's portability archive (CONT-3): open, check, confirm, import.

Page 1, the archive: the file, then how it opens, as its header says: the passphrase the
predecessor gave, or, for an archive encrypted to a certificate, the recipient's CPS card in
the reader (its PIN is asked), or the private key in a PEM file with its password.
« Vérifier l'archive » checks everything on a worker thread (signature, manifest, every hash
and schema, the predecessor's journal); a refusal keeps the page with its French message and
nothing is written.

Page 2, the confirmation: the summary (who exported, when, how many patients, entries and
documents, the size, anything unusual) and, for each patient who may already be here, the
physician's decision: a separate record, or not imported. Nothing merges and nothing is
decided by default: « Importer » stays disabled until every possible duplicate is decided.

Page 3, what was imported. The import is one transaction: « Annuler », a failure or the lock
leave the vault as it was. The archive file stays open from the check to the end and is
closed on every way out. The services load on use (signature and schema libraries).
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cabinet.bootstrap import AppContext
from cabinet.domain.settings import TRUST_FOLDER
from cabinet.errors import InvalidInput, KnownError
from cabinet.ui.common.dialogs import result_label, side_by_side
from cabinet.ui.common.file_choice import file_to_open
from cabinet.ui.common.pin import DialogPin
from cabinet.ui.common.worker import BackgroundJob, Progress

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from cabinet.archive.container import Decrypter
    from cabinet.archive.reader import ArchiveReader
    from cabinet.card.session import PinHandler
    from cabinet.services.portability.importer import Prepared

CardDecrypter = Callable[["x509.Certificate", "PinHandler"],
                         AbstractContextManager["Decrypter | None"]]
"""The card in the reader for the block (`Exporter.decrypter`), for the archive's recipient
certificate, its PIN asked by the handler given; None if the PIN is cancelled."""
BY_PHRASE, BY_CERTIFICATE = "passphrase", "certificate"  # the header's recipient kinds
SEPARATE, SKIP = "separate", "skip"
DECISIONS = (("— à décider —", None), ("Créer un dossier distinct", SEPARATE),
             ("Ne pas importer", SKIP))
CHECK_STOPPED = "Vérification interrompue : rien n'a été importé."
IMPORT_STOPPED = "Import annulé : rien n'a été importé, le coffre est inchangé."
BY_CARD_NOTE = ("Sans fichier de clé, l'archive s'ouvre avec la carte CPS du destinataire "
                "insérée dans le lecteur (son code PIN vous sera demandé).")
DUPLICATE_COLUMNS = ("Patient de l'archive", "Déjà présent (n°)", "Motif", "Décision")


def load_private_key(path: Path, password: str) -> "RSAPrivateKey":
    """The RSA private key in the PEM file at `path`; raise `KnownError` in French."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        data = path.read_bytes()
    except OSError:
        raise KnownError("Le fichier de la clé privée ne peut pas être lu.") from None
    try:
        key = load_pem_private_key(data, password.encode() if password else None)
    except TypeError:
        raise KnownError("Cette clé est protégée par un mot de passe : indiquez-le."
                         if not password else "Cette clé n'a pas de mot de passe : laissez le "
                         "champ vide.") from None
    except (ValueError, UnsupportedAlgorithm):
        raise KnownError("Le mot de passe de la clé est incorrect, ou ce fichier n'est pas une "
                         "clé privée (PEM).") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KnownError("Cette clé n'est pas une clé RSA : elle ne peut pas ouvrir l'archive.")
    return key


def _secret_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class ArchiveImportDialog(QDialog):
    """Three pages: the archive and its key; the summary and decisions; what was imported."""

    def __init__(self, ctx: AppContext, card: CardDecrypter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Importer une archive de portabilité")
        self.ctx = ctx
        self.card = card
        self.kind = ""
        self.recipient: x509.Certificate | None = None  # whom the archive is encrypted to
        self.reader: ArchiveReader | None = None
        self.prepared: Prepared | None = None
        self.decisions: dict[str, QComboBox] = {}
        self.imported: dict[str, int] | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self._archive_page())
        self.pages.addWidget(self._confirmation_page())
        self.outcome = result_label("importResult")
        self.pages.addWidget(self.outcome)
        self.error = QLabel()
        self.error.setObjectName("dialogError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.check = QPushButton("&Vérifier l'archive")
        self.check.setEnabled(False)
        self.check.clicked.connect(lambda: self._guarded(self.check_archive))
        self.start = QPushButton("&Importer")
        self.start.setEnabled(False)
        self.start.hide()
        self.start.clicked.connect(lambda: self._guarded(self.import_archive))
        self.close_button = QPushButton("Annuler")
        self.close_button.clicked.connect(self.reject)
        for button in (self.check, self.start):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(820, 520)  # narrower, the duplicates' decisions show truncated

    # --- page 1: the archive and how it opens --------------------------------------------
    def _archive_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setAccessibleName("Archive")
        choose = QPushButton("&Choisir l'archive…")
        choose.clicked.connect(self.choose_archive)
        form.addRow("Archive", side_by_side(self.path, choose))
        self.opening = QLabel("Choisissez le fichier « .cabarch » reçu du prédécesseur.")
        self.opening.setWordWrap(True)
        form.addRow(self.opening)
        self.passphrase = _secret_field("Phrase secrète")
        self.passphrase.setPlaceholderText("XXXX-XXXX-…, remise par le prédécesseur")
        shown = QCheckBox("Afficher")
        shown.toggled.connect(lambda on: self.passphrase.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        self.passphrase_row = side_by_side(self.passphrase, shown)
        form.addRow("&Phrase secrète", self.passphrase_row)
        self.key_path = QLineEdit()
        self.key_path.setReadOnly(True)
        self.key_path.setAccessibleName("Clé privée")
        choose_key = QPushButton("Choisir la c&lé…")
        choose_key.clicked.connect(self.choose_key)
        self.key_row = side_by_side(self.key_path, choose_key)
        self.key_password = _secret_field("Mot de passe de la clé")
        self.key_password.setPlaceholderText("Vide si la clé n'en a pas")
        form.addRow("Clé &privée (fichier PEM)", self.key_row)
        form.addRow("&Mot de passe de la clé", self.key_password)
        self.card_note = QLabel(BY_CARD_NOTE)
        self.card_note.setWordWrap(True)
        form.addRow(self.card_note)
        self._form = form
        self._show_opening("")
        return page

    def _show_opening(self, kind: str) -> None:
        self.kind = kind
        form = self._form
        form.setRowVisible(self.passphrase_row, kind == BY_PHRASE)
        for widget in (self.key_row, self.key_password, self.card_note):
            form.setRowVisible(widget, kind == BY_CERTIFICATE)

    def choose_archive(self) -> None:
        """Pick the archive file."""
        chosen = file_to_open(self, "Archive de portabilité",
                              "Archives de portabilité (*.cabarch);;Tous les fichiers (*)")
        if chosen is not None:
            self.use_archive(chosen)

    def use_archive(self, path: Path) -> None:
        """Read the archive's header to tell how it opens (passphrase or private key)."""
        from cabinet.archive.container import read_header, recipient_certificate_of

        self._close_reader()
        self.path.setText(str(path))
        self.error.clear()
        try:
            with path.open("rb") as handle:
                header = read_header(handle)
            certificate = self.recipient = recipient_certificate_of(header)
        except OSError:
            self._refuse("Ce fichier ne peut pas être lu.")
            return
        except KnownError as error:
            self._refuse(error.message)
            return
        kind = str(header["recipient"].get("kind", ""))
        if kind == BY_PHRASE:
            self.opening.setText("Cette archive s'ouvre avec la phrase secrète que le "
                                 "prédécesseur vous a remise à part.")
        elif certificate is not None:
            self.opening.setText("Cette archive est chiffrée pour le certificat de : "
                                 f"{escape(certificate.subject.rfc4514_string())}.")
        else:
            self._refuse("L'en-tête de l'archive est d'une version inconnue.")
            return
        self._show_opening(kind)
        self.check.setEnabled(True)
        self.check.setDefault(True)
        (self.passphrase if kind == BY_PHRASE else self.key_password).setFocus()

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.opening.setText("Choisissez le fichier « .cabarch » reçu du prédécesseur.")
        self._show_opening("")
        self.check.setEnabled(False)

    def choose_key(self) -> None:
        """Pick the recipient's private key file."""
        chosen = file_to_open(self, "Clé privée du destinataire",
                              "Clés privées (*.pem *.key);;Tous les fichiers (*)")
        if chosen is not None:
            self.key_path.setText(str(chosen))

    def _opener(self, job: BackgroundJob) -> Callable[[], "ArchiveReader"]:
        """How to open the archive: with the passphrase, the key file, or else the card.

        The fields are read here, on the GUI thread, where the card's PIN prompt is made too;
        the opening itself (the PIN asked, the deciphering) runs in `job`, whose stop ends a
        wait for the PIN.
        """
        from cabinet.archive.container import key_opener, software_decrypter
        from cabinet.archive.reader import ArchiveReader

        path = Path(self.path.text())
        if self.kind == BY_PHRASE:
            if not self.passphrase.text().strip():
                raise InvalidInput("Tapez la phrase secrète remise par le prédécesseur.")
            opener = key_opener(passphrase=self.passphrase.text())
            return lambda: ArchiveReader.open(path, opener)
        if self.key_path.text():
            key = load_private_key(Path(self.key_path.text()), self.key_password.text())
            return lambda: ArchiveReader.open(path, key_opener(decrypter=software_decrypter(key)))
        card, recipient = self.card, self.recipient
        if card is None or recipient is None:
            raise InvalidInput("Choisissez le fichier de la clé privée du destinataire.")

        pins = DialogPin(self, "Archive", "Code PIN de votre carte CPS pour ouvrir l'archive :",
                         job.stopping)

        def by_card() -> "ArchiveReader":
            with card(recipient, pins) as decrypt:
                if decrypt is None:
                    raise InvalidInput("Code PIN non saisi : l'archive n'a pas été ouverte.")
                return ArchiveReader.open(path, key_opener(decrypter=decrypt))

        return by_card

    # --- page 2: summary and decisions ----------------------------------------------------
    def _confirmation_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = result_label("importSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.duplicates_label = QLabel(
            "<b>Patients peut-être déjà présents dans ce coffre</b> : décidez pour chacun "
            "(rien n'est fusionné).")
        self.duplicates = QTableWidget(0, len(DUPLICATE_COLUMNS))
        self.duplicates.setHorizontalHeaderLabels(DUPLICATE_COLUMNS)
        self.duplicates.verticalHeader().hide()
        self.duplicates.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.duplicates.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.duplicates.horizontalHeader().setStretchLastSection(True)
        self.fingerprint = QLineEdit()
        self.fingerprint.setAccessibleName("Empreinte SHA-256 du certificat du signataire")
        self.fingerprint_label = QLabel(
            "<b>Certificat du signataire non reconnu</b> : tapez son empreinte SHA-256, lue par "
            "le médecin qui a exporté l'archive (téléphone, en personne) ; sans elle, l'import "
            "est refusé.")
        self.fingerprint_label.setWordWrap(True)
        self.fingerprint_label.setBuddy(self.fingerprint)
        layout.addWidget(self.summary)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.fingerprint)
        layout.addWidget(self.duplicates_label)
        layout.addWidget(self.duplicates, 1)
        layout.addWidget(QLabel("L'import est fait en une fois : tout, ou rien si une erreur "
                                "survient ou si vous l'annulez."))
        return page

    def check_archive(self) -> None:
        """Open the archive and check all of it on a worker thread; then show the summary."""
        from cabinet.documents.verification import practice_anchors

        anchors = practice_anchors(self.ctx.settings.value(TRUST_FOLDER))
        self._close_reader()
        importer = self.ctx.archive_importer
        job = BackgroundJob(self, "Vérification de l'archive…", CHECK_STOPPED)
        open_archive = self._opener(job)

        def check(progress: Progress) -> "tuple[ArchiveReader, Prepared]":
            reader = open_archive()
            try:
                return reader, importer.prepare(reader, progress, anchors)
            except BaseException:
                reader.close()
                raise

        self.reader, prepared = job.run(check, release=lambda opened: opened[0].close())
        self.prepared = prepared
        self._show_summary(prepared)

    def _show_summary(self, prepared: "Prepared") -> None:
        items = "".join(f"<li>{escape(line)}</li>" for line in prepared.summary())
        self.summary.setText(f"<p><b>Archive vérifiée.</b></p><ul>{items}</ul>")
        self.decisions.clear()
        self.duplicates.setRowCount(len(prepared.duplicates))
        for row, duplicate in enumerate(prepared.duplicates):
            cells = (duplicate.incoming, ", ".join(str(n) for n in duplicate.existing),
                     duplicate.reason)
            for column, text in enumerate(cells):
                self.duplicates.setItem(row, column, QTableWidgetItem(text))
            choice = QComboBox()
            choice.setAccessibleName(f"Décision pour {duplicate.archive}")
            for label, value in DECISIONS:
                choice.addItem(label, value)
            choice.currentIndexChanged.connect(self._decided)
            self.duplicates.setCellWidget(row, len(cells), choice)
            self.decisions[duplicate.archive] = choice
        shown: tuple[tuple[QWidget, bool], ...] = (
            (self.duplicates_label, bool(prepared.duplicates)),
            (self.duplicates, bool(prepared.duplicates)),
            (self.fingerprint_label, prepared.needs_fingerprint),
            (self.fingerprint, prepared.needs_fingerprint))
        for widget, visible in shown:
            widget.setVisible(visible)
        self.pages.setCurrentIndex(1)
        self.check.hide()
        self.start.show()
        self._decided()

    def _decided(self) -> None:
        undecided = [a for a, box in self.decisions.items() if box.currentData() is None]
        self.start.setEnabled(not undecided)
        self.start.setDefault(not undecided)
        self.error.setText(f"Décidez pour chaque patient déjà présent ({len(undecided)} "
                           "restant(s)) avant d'importer." if undecided else "")

    def skipped(self) -> set[str]:
        """The archive names the physician chose not to import."""
        return {a for a, box in self.decisions.items() if box.currentData() == SKIP}

    # --- page 3: the import -------------------------------------------------------------
    def import_archive(self) -> None:
        """Import everything but the skipped patients, in one transaction, on a worker thread."""
        reader, prepared = self.reader, self.prepared
        if reader is None or prepared is None or \
                any(box.currentData() is None for box in self.decisions.values()):
            raise InvalidInput("Décidez pour chaque patient déjà présent avant d'importer.")
        skip = self.skipped()
        importer = self.ctx.archive_importer
        if prepared.needs_fingerprint:
            importer.confirm_signer(prepared, self.fingerprint.text())
        counts = BackgroundJob(self, "Import de l'archive…", IMPORT_STOPPED).run(
            lambda progress: importer.run(reader, prepared, skip, progress))
        self._close_reader()
        self.imported = counts
        lines = [f"Patients importés : {counts['patients']}",
                 f"Entrées (toutes versions) : {counts['entries']}",
                 f"Documents : {counts['files']}",
                 f"Évènements du journal du prédécesseur : {counts['journal']} (conservé à "
                 "part, en lecture seule)"]
        if skip:
            lines.append(f"Non importés à votre demande : {len(skip)}")
        self.outcome.setText("Import terminé.\n\n" + "\n".join(lines))
        self.pages.setCurrentIndex(2)
        self.start.hide()
        self.close_button.setText("&Fermer")

    # --- every way out ---------------------------------------------------------------------
    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except KnownError as error:
            self.error.setText(error.message)

    def _close_reader(self) -> None:
        reader, self.reader, self.prepared = self.reader, None, None
        if reader is not None:
            reader.close()

    def done(self, result: int) -> None:
        """Closing (or the lock) releases the archive file."""
        self._close_reader()
        super().done(result)
