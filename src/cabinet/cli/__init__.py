"""The `cabinet` command: the application, the demo, and the vault's maintenance commands.

Each module of this package registers the commands of one concern; they share the prompts
(`prompts`) and the one way into a vault and to the card (`access`).
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cabinet import paths
from cabinet.cli.exit_codes import EXIT_KNOWN_ERROR
from cabinet.cli.window import run_gui
from cabinet.errors import KnownError, WrongKey


def build_parser() -> argparse.ArgumentParser:
    """The command line's grammar."""
    from cabinet.cli import archive, backup, demo, drugs, exports, results, support, vault

    parser = _vault_option(argparse.ArgumentParser(prog="cabinet",
                                                   description="Cabinet : dossier médical."))
    commands = parser.add_subparsers(dest="command")
    for concern in (demo, vault, exports, archive, backup, drugs, results, support):
        concern.add_commands(commands)
    return parser


def _vault_option(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--vault", type=Path, default=paths.default_vault_dir(),
                        help="dossier du coffre à ouvrir")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; a known error prints its French message and exits with 2.

    `cabinet [--vault DIR]` alone opens the window without loading the commands' modules:
    the lock screen paints sooner.
    """
    window, rest = _vault_option(argparse.ArgumentParser(add_help=False)).parse_known_args(argv)
    if not rest:
        return run_gui(window.vault)
    args = build_parser().parse_args(argv)
    if args.command is None:
        return run_gui(args.vault)
    try:
        return int(args.handler(args))
    except WrongKey as error:
        print(f"Accès refusé : {error.message}", file=sys.stderr)
    except KnownError as error:
        print(f"Erreur : {error.message}", file=sys.stderr)
    return EXIT_KNOWN_ERROR
