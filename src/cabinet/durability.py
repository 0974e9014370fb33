"""Durable renames: after a rename or a new file, the folder itself must reach the disk."""

import os
from pathlib import Path


def sync_directory(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable (no-op where folders can't be opened)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
