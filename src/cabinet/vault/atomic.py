"""Atomic private file writes: a crash leaves either the old file or the new one, whole.

Write a temporary file in the same folder, restrict it to the owner before any byte goes in,
fsync it, replace the target, then fsync the folder so the rename itself is durable.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from cabinet.durability import sync_directory


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, readable by the owner only."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    sync_directory(path.parent)
