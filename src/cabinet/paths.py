"""Every path the application uses, in one place, on top of platformdirs."""

from pathlib import Path

import platformdirs

APP_NAME = "Cabinet"


def data_dir() -> Path:
    """Where the physician's vault lives by default."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_vault_dir() -> Path:
    """The default folder of the physician's vault."""
    return data_dir() / "coffre"


def demo_vault_dir() -> Path:
    """The default folder of the demo vault (synthetic patients only)."""
    return data_dir() / "demo"


def log_dir() -> Path:
    """Where the technical log goes (never patient data)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def drugs_dir() -> Path:
    """The public drug base (BDPM): public data, kept apart from the vault."""
    return data_dir() / "medicaments"
