"""The release shipped with Cabinet, and the one way the application gets an open base.

The January 2026 BDPM snapshot travels compressed inside the package (see
`bdpm/PROVENANCE.md`). When no base is installed yet, or the installed one is damaged, that
snapshot is imported by the same importer as a downloaded release, so it is checked the same
way. `open_drug_base` hashes and may import: the application calls it off the GUI thread.
"""

import datetime as dt
import logging
import lzma
import os
from importlib import resources
from pathlib import Path

from cabinet.drugs import formats
from cabinet.drugs.base import DrugBase
from cabinet.drugs.errors import DrugBaseUnusable
from cabinet.drugs.importer import import_release

SHIPPED_RELEASE = dt.date(2026, 1, 28)
_log = logging.getLogger(__name__)


def shipped_files() -> dict[str, bytes]:
    """The shipped snapshot's files, decompressed, by name."""
    folder = resources.files("cabinet.drugs") / "bdpm"
    return {fmt.name: lzma.decompress((folder / f"{fmt.name}.xz").read_bytes())
            for fmt in formats.FORMATS}


def open_drug_base(folder: Path) -> DrugBase:
    """The installed base, else the shipped release imported first (slow: off the GUI thread)."""
    try:
        return DrugBase.open(folder)
    except DrugBaseUnusable as error:
        _log.info("Drug base unusable, importing the shipped release: %s", error.message)
    import_release(shipped_files(), folder, SHIPPED_RELEASE)
    return DrugBase.open(folder)


def folder_files(folder: Path) -> dict[str, bytes]:
    """The BDPM files found in a downloaded folder, by name (the others are ignored)."""
    return {fmt.name: (folder / fmt.name).read_bytes() for fmt in formats.FORMATS
            if (folder / fmt.name).is_file()}


def newest_date(folder: Path) -> dt.date:
    """The newest modification date of the folder's BDPM files: the release's date by default."""
    stamps = [os.stat(folder / fmt.name).st_mtime for fmt in formats.FORMATS
              if (folder / fmt.name).is_file()]
    return dt.date.fromtimestamp(max(stamps)) if stamps else dt.date.today()
