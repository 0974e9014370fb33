"""`cabinet results import FOLDER`: the laboratories' files of a folder received into the vault.

The same pass the window makes on its reception folder: each file filed in the one record it
certainly belongs to, else left « À classer » for the window, a malformed one moved to the
« refusés » subfolder; a file leaves the folder only once the vault holds it. Nothing printed
names a patient: counts, file names and the reasons of refusals.
"""

import argparse
from pathlib import Path
from typing import Any

from cabinet import paths
from cabinet.cli.access import opened
from cabinet.errors import KnownError


def command_import(args: argparse.Namespace) -> int:
    """Receive every settled file of the folder."""
    from cabinet.exchange import reception
    from cabinet.services.results import import_arrivals

    folder = Path(args.folder)
    if not folder.is_dir():
        raise KnownError("Ce dossier n'existe pas.")
    with opened(args.vault) as ctx:
        summary = import_arrivals(ctx.results, reception.arrivals(folder))
    print(summary.text())
    for name, reason in summary.refused:
        print(f"  refusé : {name} — {reason}")
    if summary.pending:
        print("Les fichiers à classer attendent dans Fichier › Résultats à classer… de la "
              "fenêtre.")
    return 0


def add_commands(commands: Any) -> None:
    """Register `cabinet results import`."""
    results = commands.add_parser("results", help="résultats de laboratoire (HPRIM, PDF)")
    concern = results.add_subparsers(dest="results_command", required=True)
    load = concern.add_parser(
        "import", help="ranger dans les dossiers les fichiers reçus d'un dossier",
        description="Classe chaque fichier dans le dossier du patient quand l'identité ne "
                    "laisse aucun doute, sinon le laisse à classer dans la fenêtre ; les "
                    "fichiers illisibles vont dans le sous-dossier « refusés ».")
    load.add_argument("folder", type=Path, help="dossier des fichiers reçus des laboratoires")
    load.add_argument("--vault", type=Path, default=paths.default_vault_dir(),
                      help="dossier du coffre")
    load.set_defaults(handler=command_import)
