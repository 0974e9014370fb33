"""Builders for real vaults in temporary folders."""

import datetime as dt
from pathlib import Path

from cabinet.bootstrap import AppContext, build_context
from cabinet.domain.identity import Identity, Sex
from cabinet.vault.session import Owner, create_vault

OWNER = Owner("Dr Jeanne Martin", "10101010101")
# The settings' prescriber; 10101010105 ends with its Luhn key (computed by hand in test_rpps).
PRESCRIBER = {"physician_name": "Dr Jeanne Martin", "rpps": "10101010105"}


def as_prescriber(ctx: AppContext) -> AppContext:
    """Name the prescriber in the settings, as a practice that signs documents has."""
    ctx.settings.change(PRESCRIBER)
    return ctx


def new_context(folder: Path, clock, *, demo: bool = False) -> tuple[AppContext, str]:
    """A fresh vault, open, wired, its prescriber set; and its recovery key."""
    opened, recovery_key = create_vault(folder, OWNER, clock, "poste-test", demo_vault=demo)
    return as_prescriber(build_context(opened, clock)), recovery_key


def valid_nir(body13: str) -> str:
    """Complete a 13-character NIR with its key (computed here by the textbook formula)."""
    numeric = int(body13.replace("2A", "19").replace("2B", "18"))
    return f"{body13}{97 - numeric % 97:02d}"


def identity(birth_name: str = "Lefèvre", first_names: str = "Émilie", *,
             birth_date: dt.date = dt.date(1961, 3, 12), nir: str = "", **extra) -> Identity:
    """A valid identity with sensible defaults."""
    return Identity(birth_name=birth_name, first_names=first_names, sex=Sex.FEMALE,
                    birth_date=birth_date, nir=nir, **extra)


