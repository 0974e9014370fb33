"""One signed export from the desktop: where it goes, who signs it, what stops it.

The signer is the demo certificate in a demo vault, otherwise the CPS card in the reader,
unlocked by its PIN for this export only. The card's session and the export run together off
the GUI thread (`signed`), the PIN dialog alone on it; pulling the card out while they run
(the signing card, or the card that unlocked Cabinet) stops them: nothing is left on the
medium, and the usual removal lock follows.

Never keeps a PIN or a signer beyond one export; never names the patient in a file name or
a window title.
"""

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from cabinet.bootstrap import AppContext, VaultDoor
from cabinet.domain.settings import EXPORT_FOLDER
from cabinet.errors import KnownError
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import ExportResult, Output
from cabinet.ui.common.card_bridge import CardBridge
from cabinet.ui.common.file_choice import folder_to_use
from cabinet.ui.common.pin import DialogPin
from cabinet.ui.common.worker import BackgroundJob, Progress

if TYPE_CHECKING:
    from cryptography import x509

    from cabinet.archive.container import Decrypter
    from cabinet.card.session import PinHandler
    from cabinet.documents.signing import DocumentSigner

NO_CARD = "Insérez votre carte CPS pour signer ce document."
CANCELLED = "Export annulé : aucun fichier n'a été écrit."
MISSING_FOLDER = ("Le dossier des exports indiqué dans les paramètres du cabinet n'existe pas "
                  "ou n'est pas branché : branchez le support ou changez le paramètre.")

Export = Callable[[Output], ExportResult]
T = TypeVar("T")


class Exporter:
    """Runs one export at a time with a signer, a destination and a cancel token."""

    def __init__(self, door: VaultDoor, cards: CardBridge, context: Callable[[], AppContext],
                 unlocking_reader: Callable[[], str],
                 notify: Callable[[str], None] = lambda _: None) -> None:
        self._door = door
        self._cards = cards
        self._context = context
        self._unlocking_reader = unlocking_reader
        self.notify = notify

    def destination(self, parent: QWidget) -> Path | None:
        """The settings' export folder, else a folder chosen now; None if none is chosen."""
        folder = self._context().settings.value(EXPORT_FOLDER)
        if folder:
            if not Path(folder).is_dir():
                raise KnownError(MISSING_FOLDER)
            return Path(folder)
        return folder_to_use(parent, "Dossier où enregistrer l'export")

    def signing_reader(self) -> str:
        """The first reader holding a card, or the French request to insert one."""
        readers = self._cards.current.card_readers()
        if not readers:
            raise KnownError(NO_CARD)
        return readers[0]

    @contextlib.contextmanager
    def signer(self, reader: str, pins: "PinHandler",
               ctx: AppContext) -> Iterator["DocumentSigner"]:
        """The demo certificate when `reader` is "" (a demo vault), else its card's signer."""
        if not reader:
            from cabinet.documents.demo_certificate import demo_signer

            yield demo_signer()
            return
        with self._door.document_signer(reader, pins, ctx) as card_signer:
            yield card_signer

    @contextlib.contextmanager
    def decrypter(self, recipient: "x509.Certificate",
                  pins: "PinHandler") -> Iterator["Decrypter | None"]:
        """The card in the reader, deciphering an archive sent to `recipient`'s certificate.

        Used from a background job: `pins` (made on the GUI thread) asks the PIN there.
        Another card is refused before its PIN is asked. Yields None when the PIN prompt is
        cancelled.
        """
        with self._door.archive_decrypter(self.signing_reader(), recipient, pins,
                                          self._context()) as decrypt:
            yield decrypt

    def run(self, parent: QWidget, export: Export, what: str = "Export enregistré", *,
            job: str = "Signature du document…") -> ExportResult | None:
        """Run `export` signed and cancellable; None if the physician gave up on the way.

        `what` starts the status-bar message that gives the written path; `job` (what runs,
        in French) labels the progress shown while it runs off the GUI thread.

        Raises `KnownError` in French: no card, wrong PIN, refused input, export cancelled.
        """
        destination = self.destination(parent)
        if destination is None:
            return None
        result = self.signed(parent, job, CANCELLED, destination,
                             lambda out, _progress: export(out))
        if result is not None:
            self.notify(f"{what} : {result.path}")
        return result

    def signed(self, parent: QWidget, label: str, stopped: str, destination: Path,
               work: Callable[[Output, Progress], T]) -> T | None:
        """Run `work(out, progress)` in one background job, signed; None if no PIN is given.

        `out` holds the signer, `destination` and the job's cancel token (see `signing`).
        """
        return self.signing(parent, label, stopped, lambda signer, cancel, progress: work(
            Output(signer, destination, cancel), progress))

    def signing(self, parent: QWidget, label: str, stopped: str,
                work: Callable[["DocumentSigner", CancelToken, Progress], T]) -> T | None:
        """Run `work(signer, cancel, progress)` in one background job; None if no PIN is given.

        The card's whole signing session (its token, its PIN's flags, the login, every
        signature) runs in the job. The job stops when the signing card or the card that
        unlocked Cabinet leaves its reader.
        """
        from cabinet.card.session import PinNotGiven

        ctx = self._context()
        reader = "" if ctx.vault.header.demo else self.signing_reader()
        cancel = CancelToken()
        job = BackgroundJob(parent, label, stopped, cancel=cancel)
        pins = DialogPin(parent, "Signature", "Code PIN de votre carte CPS pour signer :",
                         job.stopping)
        watched = [r for r in (reader, self._unlocking_reader()) if r]
        if watched:
            job.watch(self._cards, watched)

        def with_signer(progress: Progress) -> T:
            with self.signer(reader, pins, ctx) as signer:
                return work(signer, cancel, progress)

        try:
            return job.run(with_signer)
        except PinNotGiven:
            return None
        finally:
            pins.deleteLater()


def show_result(parent: QWidget, result: ExportResult, what: str) -> None:
    """Say where the export was written (`what`: "Certificat signé enregistré"…)."""
    QMessageBox.information(parent, "Export terminé", f"{what} :\n{result.path}")
