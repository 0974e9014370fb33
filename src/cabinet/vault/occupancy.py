"""One vault, one session: an operating-system file lock held while the vault is open.

Two processes on one vault (two windows, or the window and a command) would each journal,
anchor and rewrite the key header over the other. The lock is the operating system's
(`flock`, or `msvcrt.locking` on Windows), taken without waiting: the system releases it
when its process ends, even killed, so a dead process never keeps the vault shut and a
reused process number holds nothing. The file's text (process number, program, workstation,
time) only names the holder in the refusal; it holds no patient data. The file is kept
between sessions: removing it could let two processes lock two different files.
"""

import datetime as dt
import json
import os
import socket
import sys
from pathlib import Path

from cabinet.errors import VaultError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

LOCKED_OFFSET = 1 << 20  # Windows locks bytes: lock one far from the text others must read
MAX_NOTE = 4096


class VaultInUse(VaultError):
    """The vault is open in another process."""


class VaultLock:
    """The lock this process holds on one vault folder, until `release`."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor

    @classmethod
    def acquire(cls, path: Path) -> "VaultLock":
        """Take the vault whose lock file is `path`, or raise `VaultInUse` naming its holder."""
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not _lock(descriptor):
                raise VaultInUse(_refusal(_read_note(descriptor)))
            os.ftruncate(descriptor, 0)
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.write(descriptor, json.dumps(_note()).encode("utf-8"))
        except BaseException:
            os.close(descriptor)
            raise
        return cls(descriptor)

    def release(self) -> None:
        """Let the vault go; harmless when done twice."""
        if self._descriptor < 0:
            return
        descriptor, self._descriptor = self._descriptor, -1
        try:
            os.ftruncate(descriptor, 0)
        finally:
            os.close(descriptor)  # closing releases the lock, on every system


def _lock(descriptor: int) -> bool:
    """Try to lock without waiting; False when another process holds the lock."""
    try:
        if sys.platform == "win32":
            os.lseek(descriptor, LOCKED_OFFSET, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _note() -> dict[str, str | int]:
    return {"pid": os.getpid(), "program": _program(), "workstation": socket.gethostname(),
            "since": dt.datetime.now().astimezone().isoformat(timespec="minutes")}


def _program() -> str:
    """The program as the physician sees it in the task manager ("cabinet")."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None and spec.name:
        return str(spec.name).removesuffix(".__main__")[:60]
    return Path(sys.argv[0]).stem[:60] or "python"


def _read_note(descriptor: int) -> dict[str, object]:
    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        note = json.loads(os.read(descriptor, MAX_NOTE).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return note if isinstance(note, dict) else {}


def _refusal(note: dict[str, object]) -> str:
    """The French refusal, naming the holder when its note is readable."""
    pid, program = note.get("pid"), note.get("program")
    workstation = note.get("workstation")
    where = ("sur ce poste" if workstation in (None, socket.gethostname())
             else f"sur le poste « {workstation} »")
    since = note.get("since")
    when = f", depuis {since[11:16]}" if isinstance(since, str) and len(since) >= 16 else ""
    holder = (f" (processus {pid}, {program}{when})" if isinstance(pid, int) and program
              else " par un autre programme")
    return (f"Ce dossier est déjà ouvert {where}{holder}. Un coffre ne s'ouvre qu'une fois "
            "à la fois : fermez l'autre fenêtre ou attendez la fin de la commande, puis "
            "recommencez.")
