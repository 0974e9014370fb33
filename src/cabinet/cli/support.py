"""`cabinet support-bundle`: the diagnostic a technician asks for, written into a folder."""

import argparse
from pathlib import Path
from typing import Any

from cabinet.cli.access import opened
from cabinet.errors import KnownError


def command_support(args: argparse.Namespace) -> int:
    """Write the support bundle into a folder, with the vault's self-checks when one is given."""
    from cabinet import support
    from cabinet.vault.atomic import write_atomically

    if not Path(args.to).is_dir():
        raise KnownError("Le dossier de destination n'existe pas.")
    checks = None
    if args.vault is not None:
        with opened(args.vault) as ctx:
            checks = support.vault_checks(ctx)
    target = Path(args.to) / "cabinet-diagnostic.zip"
    write_atomically(target, support.bundle(checks))
    print(f"Diagnostic écrit : {target} (aucune donnée de patient, aucune clé).")
    return 0


def add_commands(commands: Any) -> None:
    """Register `cabinet support-bundle`."""
    support = commands.add_parser("support-bundle",
                                  help="diagnostic pour le support, sans donnée de patient")
    support.add_argument("--vault", type=Path, help="inclure les vérifications de ce coffre")
    support.add_argument("--to", type=Path, required=True, help="dossier de destination")
    support.set_defaults(handler=command_support)
