"""The support bundle (CONF-4): what a technician needs, and nothing about patients.

A zip of plain text files: versions of Python, the platform and every installed package;
the integrity guard's findings; the card stack as PC/SC sees it (reader names, whether a
card is in) and which allowed PKCS#11 modules are installed; the technical logs (which
never hold patient data); and, when a vault is given, its self-checks (schema version, page
integrity, journal chain, counts) and the practice settings. Never a record, a name of a
patient, a key or a key slot.
"""

import importlib.metadata
import io
import json
import platform
import sys
import zipfile
from typing import TYPE_CHECKING, Any

from cabinet import guard, paths

if TYPE_CHECKING:
    from cabinet.bootstrap import AppContext


def _versions() -> str:
    packages = sorted(f"{d.metadata['Name']}=={d.version}"
                      for d in importlib.metadata.distributions())
    return "\n".join([f"Python {sys.version}", f"Plateforme {platform.platform()}",
                      *packages]) + "\n"


def _card_stack() -> str:
    from cabinet.card.presence import read_readers
    from cabinet.card.token import allowed_modules

    lines = [read_readers().describe()]
    lines += [f"Module PKCS#11 {'présent' if p.exists() else 'absent'} : {p}"
              for p in allowed_modules()]
    return "\n".join(lines) + "\n"


def _logs(archive: zipfile.ZipFile) -> None:
    folder = paths.log_dir()
    for log in sorted(folder.glob("cabinet.log*")) if folder.is_dir() else []:
        archive.write(log, f"journaux/{log.name}")


def vault_checks(ctx: "AppContext") -> dict[str, Any]:
    """Self-checks and settings of the open vault: counts and verdicts only."""
    from cabinet.audit import journal
    from cabinet.vault import database

    conn = ctx.vault.conn
    return {
        "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
        "schema_expected": database.latest_schema_version(),
        "cipher_version": conn.execute("PRAGMA cipher_version").fetchone()[0],
        "page_problems": len(database.integrity_problems(conn)),
        "journal_intact": journal.verify(conn).intact,
        "counts": ctx.vault.store.counts(),
        "demo": ctx.vault.header.demo,
        "key_slot_types": sorted({slot.type for slot in ctx.vault.header.slots}),
        "settings": ctx.settings.current(),
    }


def bundle(checks: dict[str, Any] | None) -> bytes:
    """The support bundle as zip bytes, with the vault's `checks` when one was given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("versions.txt", _versions())
        archive.writestr("garde-integrite.txt",
                         "\n".join(guard.open_doors()) or "Aucune anomalie.\n")
        archive.writestr("cartes.txt", _card_stack())
        _logs(archive)
        if checks is not None:
            archive.writestr("coffre.json", json.dumps(checks, indent=2, ensure_ascii=False))
    return buffer.getvalue()
