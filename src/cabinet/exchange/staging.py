"""Exports are written beside their destination under a hidden name, then renamed at once.

A cancelled export (card removed, session locked) or a failed one leaves nothing under its
final name: the staging folder is deleted. A crash leaves it behind, hidden; the next export
to the same folder removes it. The cancel token may be set from any thread (the
card watcher's); the export checks it before every file and before the final rename.
"""

import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from cabinet.durability import sync_directory
from cabinet.errors import KnownError

PARTIAL_SUFFIX = ".partiel"


class ExportCancelled(KnownError):
    """The export stopped before its end; nothing was left behind."""

    def __init__(self) -> None:
        super().__init__("Export annulé (carte retirée ou session verrouillée) : aucun fichier "
                         "n'a été laissé sur le support.")


class CancelToken:
    """Set once, from any thread, to stop an export at its next step."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the export to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether `cancel` was called."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise `ExportCancelled` once cancelled."""
        if self._event.is_set():
            raise ExportCancelled


@dataclass(frozen=True)
class WrittenFile:
    """One exported file: its name inside the export and its SHA-256."""

    name: str
    sha256: str
    size: int


@dataclass
class Stage:
    """The hidden folder an export is written into."""

    folder: Path
    cancel: CancelToken
    files: list[WrittenFile] = field(default_factory=list)

    def add(self, name: str, content: bytes) -> WrittenFile:
        """Write one file (private, fsynced) under `name`, a relative POSIX path."""
        self.cancel.check()
        path = self.folder / name
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        written = WrittenFile(name, hashlib.sha256(content).hexdigest(), len(content))
        self.files.append(written)
        return written


def _free(destination: Path, name: str) -> Path:
    """The final path, once checked free; stages left by a crashed export are removed first."""
    if not destination.is_dir():
        raise KnownError("Le dossier de destination n'existe pas ou n'est pas accessible.")
    for stale in destination.glob(f".*{PARTIAL_SUFFIX}"):  # one export at a time: not ours
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    final = destination / name
    if final.exists():
        raise KnownError(f"« {name} » existe déjà dans ce dossier : choisissez-en un autre.")
    return final


@contextlib.contextmanager
def staged_folder(destination: Path, name: str, cancel: CancelToken) -> Iterator[Stage]:
    """Yield a stage; on a clean exit rename it to `destination/name`, else delete it."""
    final = _free(destination, name)
    folder = tempfile.mkdtemp(prefix=f".{name}.", suffix=PARTIAL_SUFFIX, dir=destination)
    stage = Stage(Path(folder), cancel)
    try:
        yield stage
        cancel.check()
        stage.folder.rename(final)
    except BaseException:
        shutil.rmtree(stage.folder, ignore_errors=True)
        raise
    sync_directory(destination)


def _rename_without_replacing(source: Path, target: Path) -> None:
    """Give `source` the name `target`, never replacing a file that appeared meanwhile.

    A hard link fails when the name exists; media without hard links (FAT sticks) fall back
    to a rename after a last check.
    """
    try:
        os.link(source, target)
    except FileExistsError:
        raise KnownError(f"« {target.name} » existe déjà dans ce dossier : choisissez-en un "
                         "autre.") from None
    except OSError:
        if target.exists():
            raise KnownError(f"« {target.name} » existe déjà dans ce dossier.") from None
        source.rename(target)
        return
    source.unlink()


@contextlib.contextmanager
def staged_stream(destination: Path, name: str, cancel: CancelToken) -> Iterator[BinaryIO]:
    """Yield a hidden file to stream into; on a clean exit it becomes `destination/name`."""
    final = _free(destination, name)
    cancel.check()
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=PARTIAL_SUFFIX,
                                             dir=destination)
    partial = Path(temporary)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        cancel.check()
        _rename_without_replacing(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sync_directory(destination)


def write_file(destination: Path, name: str, content: bytes, cancel: CancelToken) -> WrittenFile:
    """Write one file at `destination/name` the same way: whole, or not at all."""
    with staged_stream(destination, name, cancel) as handle:
        handle.write(content)
    return WrittenFile(name, hashlib.sha256(content).hexdigest(), len(content))
