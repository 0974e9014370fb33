"""The technical log: what went wrong in the program, never what the record says.

Messages name code places, counts and durations only; exception messages, which may quote
patient data, are never logged (the crash path logs the exception's type and frames).
"""

import logging
import logging.handlers

from cabinet import paths

MAX_BYTES = 1_000_000
BACKUPS = 3


def configure_logging() -> None:
    """Send warnings and errors to a small rotating file private to the user."""
    folder = paths.log_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / "cabinet.log", maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.WARNING)
    root.addHandler(handler)
