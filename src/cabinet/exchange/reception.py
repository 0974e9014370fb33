"""The reception folder where the secure-messaging client drops the laboratories' files.

Reading it never changes it: a file leaves only once the vault has committed what it carried
(`remove`), so a crash in between leaves it to be read again, and the vault, keyed by the
file's SHA-256, receives it once. A refused file moves to the « refusés » subfolder with a
short reason beside it (`*.motif.txt`, no patient data: the reason names a line, never a
value). Hidden files, subfolders and files still being written (changed in the last
seconds) are left alone.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

from cabinet.durability import sync_directory

REFUSED_FOLDER = "refusés"
REASON_SUFFIX = ".motif.txt"
SETTLED_SECONDS = 2.0
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Arrival:
    """One file of the reception folder, read whole."""

    path: Path
    content: bytes

    @property
    def name(self) -> str:
        """The file's name as the laboratory gave it."""
        return self.path.name



def is_pdf(content: bytes) -> bool:
    """A PDF report (by its first bytes), else HPRIM text."""
    return content.startswith(b"%PDF-")


def arrivals(folder: Path, *, settled_seconds: float = SETTLED_SECONDS) -> list[Arrival]:
    """The files waiting in `folder`, by name; none when the folder does not exist."""
    if not folder.is_dir():
        return []
    found = []
    now = time.time()
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        stat = path.stat()
        if now - stat.st_mtime < settled_seconds or stat.st_size > MAX_BYTES:
            continue
        found.append(Arrival(path, path.read_bytes()))
    return found


def remove(arrival: Arrival) -> None:
    """Take a file the vault now holds out of the folder.

    Should the removal not reach the disk, the file is read again and found already received.
    """
    arrival.path.unlink(missing_ok=True)


def refuse(arrival: Arrival, reason: str) -> Path:
    """Move a refused file to the « refusés » subfolder with its reason; return where."""
    refused = arrival.path.parent / REFUSED_FOLDER
    refused.mkdir(exist_ok=True)
    target = refused / arrival.name
    if target.exists():
        target = refused / f"{arrival.path.stem}-{int(time.time())}{arrival.path.suffix}"
    (refused / (target.name + REASON_SUFFIX)).write_text(reason + "\n", encoding="utf-8")
    os.replace(arrival.path, target)
    sync_directory(refused)
    sync_directory(arrival.path.parent)
    return target
