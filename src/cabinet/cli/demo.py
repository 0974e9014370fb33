"""`cabinet demo`: a vault of fictitious patients, made or reopened, then the window."""

import argparse
import sys
from pathlib import Path
from typing import Any

from cabinet import paths
from cabinet.audit import journal
from cabinet.bootstrap import AppContext, build_context, workstation_name
from cabinet.cli.access import open_context
from cabinet.cli.window import run_gui
from cabinet.demo.prescriber import DEMO_PHYSICIAN, name_demo_prescriber
from cabinet.domain.clock import SystemClock
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Owner, create_vault

DEMO_OWNER = Owner(DEMO_PHYSICIAN, "DEMO-00000000")


def command_demo(args: argparse.Namespace) -> int:
    """Create (or reopen) the demo vault, fill it, print its summary and credentials."""
    from cabinet.demo.generator import DemoSize, generate

    folder: Path = args.vault or paths.demo_vault_dir()
    if VaultLayout(folder).header.exists():
        ctx = open_context(folder)
        recovery_key = "(imprimée à la création du coffre)"
    else:
        clock = SystemClock()
        opened, recovery_key = create_vault(folder, DEMO_OWNER, clock, workstation_name(),
                                            demo_vault=True)
        ctx = build_context(opened, clock)
        print(f"Création de {args.patients} patients fictifs (graine {args.seed})…",
              file=sys.stderr)
        generate(ctx, DemoSize(args.patients), args.seed)
    try:
        name_demo_prescriber(ctx.settings)
        _print_summary(ctx)
        print("Identifiants de démonstration (sans valeur, patients fictifs) :")
        print(f"  Mot de passe de démonstration : {DEMO_PASSWORD}")
        print(f"  Clé de secours : {recovery_key}")
    finally:
        ctx.lock()
    return 0 if args.no_gui else run_gui(folder)


def _print_summary(ctx: AppContext) -> None:
    counts = ctx.vault.store.counts()
    kind = "démonstration" if ctx.vault.header.demo else "cabinet"
    print(f"Coffre ({kind}) : {ctx.vault.layout.folder}")
    print(f"  Patients : {counts['patients']}")
    print(f"  Consultations : {counts.get('entries.encounter', 0)}")
    print(f"  Ordonnances : {counts.get('entries.prescription', 0)}")
    print(f"  Documents : {counts.get('entries.document', 0)}")
    print(f"  Évènements du journal : {counts['audit_events']}")
    print("  " + journal.verify(ctx.vault.conn).summary())


def add_commands(commands: Any) -> None:
    """Register `cabinet demo`."""
    demo = commands.add_parser("demo", help="ouvrir un coffre de démonstration")
    demo.add_argument("--vault", type=Path, help="dossier du coffre de démonstration")
    demo.add_argument("--patients", type=int, default=200, help="nombre de patients fictifs")
    demo.add_argument("--seed", type=int, default=1, help="graine du générateur")
    demo.add_argument("--no-gui", action="store_true", help="afficher le résumé seulement")
    demo.set_defaults(handler=command_demo)
