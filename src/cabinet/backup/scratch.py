"""Private scratch folders for a backup's capture and a verification's restore.

They hold ciphertext only (SQLCipher pages, the key header), yet a process killed mid-backup
must not leave them behind to fill the disk: each folder's name carries its process id, and
the next one made sweeps those whose process is gone.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "cabinet-scratch-"


def _owner(folder: Path) -> int | None:
    """The process id in a scratch folder's name, None for another name."""
    pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive, and not ours to sweep
    return True


def sweep_abandoned(root: Path | None = None) -> list[Path]:
    """Remove the scratch folders of this user whose process has ended; those removed."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        pid = _owner(folder)
        with contextlib.suppress(OSError):
            if (pid is not None and folder.is_dir() and folder.stat().st_uid == os.getuid()
                    and not _alive(pid)):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


@contextlib.contextmanager
def scratch_folder(purpose: str) -> Iterator[Path]:
    """A private folder for `purpose` (« backup », « check »), removed afterwards."""
    sweep_abandoned()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-{purpose}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
