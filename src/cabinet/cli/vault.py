"""`cabinet vault create|check|set-password` and `cabinet audit verify|acknowledge`: upkeep."""

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

from cabinet import paths
from cabinet.audit import journal
from cabinet.bootstrap import (
    AppContext,
    VaultDoor,
    build_context,
    system_secret_store,
    workstation_name,
)
from cabinet.cli.access import card_reader, open_context, opened
from cabinet.cli.exit_codes import EXIT_CHECK_FAILED, EXIT_KNOWN_ERROR
from cabinet.cli.prompts import TerminalPin, ask_line, ask_secret, confirm_outside_igc_sante
from cabinet.domain.clock import SystemClock
from cabinet.domain.wording import french_datetime
from cabinet.errors import KnownError
from cabinet.vault import database, evidence
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import OpenVault, Owner, create_vault

MAX_LISTED = 20


def command_vault_create(args: argparse.Namespace) -> int:
    """Create an empty vault for the physician and print its recovery key once.

    With --card, a creation that fails on the way (no card, a wrong PIN, a refused card)
    leaves nothing on disk: a vault whose recovery key was never shown could never be opened,
    and the physician simply runs the command again.
    """
    name = input("Nom du médecin titulaire : ").strip()
    identifier = input("Numéro RPPS : ").strip()
    reader = _reader_to_enrol() if args.card else ""
    created_folder = not args.vault.exists()
    vault, recovery_key = create_vault(args.vault, Owner(name, identifier), SystemClock(),
                                       workstation_name())
    vault_id = vault.header.vault_id
    try:
        _keep_prescriber(vault, name, identifier)
        if reader:
            _enrol_first_card(args.vault, vault, args.card_module, reader)
    except BaseException:
        vault.lock(SystemClock())
        _discard_vault(args.vault, created_folder)
        raise
    vault.lock(SystemClock())
    print("Coffre créé. Clé de secours, à imprimer et à mettre sous pli scellé :")
    print(f"  {recovery_key}")
    if args.sheet:
        write_recovery_sheet(args.sheet, Owner(name, identifier), vault_id, recovery_key)
    return 0


def _keep_prescriber(vault: OpenVault, name: str, identifier: str) -> None:
    """Keep the physician's name and RPPS as the practice's: signed documents name them."""
    from cabinet.domain.rpps import is_valid_rpps

    valid = is_valid_rpps(identifier)
    build_context(vault).settings.change(
        {"physician_name": name, **({"rpps": identifier} if valid else {})})
    if not valid:
        print("Ce numéro RPPS n'a pas 11 chiffres avec sa clé de contrôle : aucun document ne "
              "sera signé avant qu'il soit corrigé dans Fichier › Paramètres du cabinet.",
              file=sys.stderr)


def _reader_to_enrol() -> str:
    """The reader holding the card to enrol first, asked before anything is created."""
    reader = card_reader()
    if reader is None:
        raise KnownError("Aucune carte dans le lecteur : le coffre n'a pas été créé. Insérez "
                         "votre carte CPS et recommencez (ou créez le coffre sans --card).")
    return reader


def _enrol_first_card(folder: Path, vault: OpenVault, module: Path | None,
                      reader: str) -> None:
    """Enrol the CPS card in `reader` as the vault's first card (its PIN is asked)."""
    VaultDoor(folder, card_module=module).enrol_card(build_context(vault), reader,
                                                     TerminalPin(), confirm_outside_igc_sante)
    print("Carte CPS enregistrée : elle ouvre désormais le coffre.")


def _discard_vault(folder: Path, created_folder: bool) -> None:
    """Remove a vault whose creation failed: its files, and its folder if made for it."""
    if created_folder:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        layout = VaultLayout(folder)
        for path in (layout.database, layout.header, layout.pending_log,
                     *layout.sidecar_files(), *layout.stale_temporary_files()):
            path.unlink(missing_ok=True)
    print("La création du coffre a échoué : rien n'a été gardé. Corrigez la cause "
          "ci-dessous et recommencez.", file=sys.stderr)


def write_recovery_sheet(path: Path, owner: Owner, vault_id: str, recovery_key: str) -> None:
    """The recovery sheet as a PDF readable by its owner only, to print then delete."""
    import datetime as dt

    from cabinet.documents.layout import Letterhead
    from cabinet.documents.recovery_sheet import recovery_sheet
    from cabinet.vault.atomic import write_atomically

    letterhead = Letterhead(owner.name, "", owner.identifier, "", "")
    write_atomically(path, recovery_sheet(letterhead, vault_id, recovery_key, dt.date.today()))
    print(f"Feuille de secours écrite dans {path} : imprimez-la, puis supprimez ce fichier.")


def command_vault_set_password(args: argparse.Namespace) -> int:
    """Enable or change the degraded-mode password (the vault is opened first)."""
    with opened(args.vault) as ctx:
        new = ask_secret("Nouveau mot de passe du mode dégradé : ")
        if ask_secret("Confirmez le mot de passe : ") != new:
            print("Les deux saisies diffèrent : rien n'a changé.", file=sys.stderr)
            return EXIT_KNOWN_ERROR
        ctx.vault.set_password(new, system_secret_store(), ctx.clock)
    print("Mot de passe du mode dégradé enregistré. Chaque connexion par mot de passe sera "
          "signalée dans le journal ; revenez à la carte CPS dès que possible.")
    return 0


def command_audit_verify(args: argparse.Namespace) -> int:
    """Verify the audit chain, its anchor, and each predecessor's imported journal.

    Exit 1 when a chain breaks or an anchor alert (older or truncated journal) is still raised.
    """
    with opened(args.vault) as ctx:
        reports = [journal.verify(ctx.vault.conn)]
        print(reports[0].summary())
        for archive in ctx.portability.imported_archives():
            reports.append(ctx.archive_importer.verify_predecessor_journal(archive.archive_ref))
            print(f"Journal de {archive.exporter} (archive importée le "
                  f"{archive.imported_at[:10]}) : {reports[-1].summary()}")
        alerts = _print_anchor_alerts(ctx)
    return 0 if all(r.intact for r in reports) and not alerts else EXIT_CHECK_FAILED


def command_audit_acknowledge(args: argparse.Namespace) -> int:
    """Show the raised anchor alerts, ask the titular physician's reason, journal it."""
    with opened(args.vault) as ctx:
        alerts = ctx.journal.anchor_alerts()
        if not alerts:
            print("Aucune alerte du journal à lever.")
            return 0
        _print_anchor_alerts(ctx)
        reason = ask_line("Motif pour lequel vous levez l'alerte (restauration voulue, "
                          "incident expliqué…) : ")
        ctx.journal.acknowledge_anchor_alerts(alerts[0]["id"], reason)
    print("Alerte levée ; votre motif est inscrit au journal.")
    return 0


def _print_anchor_alerts(ctx: AppContext) -> list[dict[str, Any]]:
    """Print the anchor alerts still raised; return them."""
    alerts = ctx.journal.anchor_alerts()
    if not alerts:
        print("Ancre du journal : aucune alerte en attente")
    for alert in reversed(alerts):
        print(f"Alerte du journal non levée (évènement n° {alert['id']} du "
              f"{french_datetime(alert['at'])}) : {alert['detail']}")
    if alerts:
        print("Vérifiez la cause, puis levez l'alerte avec « cabinet audit acknowledge » "
              "(médecin titulaire, motif demandé).")
    return alerts


def command_vault_check(args: argparse.Namespace) -> int:
    """Check page integrity, schema version and audit chain."""
    try:
        ctx = open_context(args.vault)
        damaged = database.damaged_pages(ctx.vault.conn)
        if damaged:
            ctx.vault.abandon()
            raise database.DamagedVault(damaged)
    except database.DamagedVault as damage:
        _print_damage(damage)
        return EXIT_CHECK_FAILED
    try:
        problems = database.structure_problems(ctx.vault.conn)
        version = ctx.vault.conn.execute("PRAGMA user_version").fetchone()[0]
        print(f"Version du schéma : {version} (attendue : {database.latest_schema_version()})")
        _print_problems("Intégrité des pages chiffrées", problems, "correcte")
        schema = evidence.schema_differences(ctx.vault.conn)
        _print_problems("Schéma", schema, "conforme")
        entries = evidence.entry_evidence(ctx.vault.conn)
        print(entries.summary())
        files = evidence.blob_problems(ctx.vault.conn)
        for problem in [*entries.problems, *files][:MAX_LISTED]:
            print(f"  - {problem}")
        report = journal.verify(ctx.vault.conn)
        print(report.summary())
        alerts = _print_anchor_alerts(ctx)
    finally:
        ctx.lock()
    healthy = (not problems and not schema and not entries.problems and not files
               and report.intact and not alerts and version == database.latest_schema_version())
    return 0 if healthy else EXIT_CHECK_FAILED


def _print_problems(title: str, problems: list[str], fine: str) -> None:
    """A check's line, then the first of its problems."""
    print(f"{title} : " + (fine if not problems else f"{len(problems)} problème(s)"))
    for problem in problems[:MAX_LISTED]:
        print(f"  - {problem}")


def _print_damage(damage: database.DamagedVault) -> None:
    """The check's report on a damaged file: which pages, what to do; nothing else is read."""
    print(f"Intégrité des pages chiffrées : {len(damage.pages)} page(s) endommagée(s)")
    for page in damage.pages[:20]:
        print(f"  - page {page} : contenu altéré ou illisible")
    print(damage.message)
    print("Les autres contrôles (schéma, journal) ne sont pas faits sur un coffre endommagé.")


def add_commands(commands: Any) -> None:
    """Register `cabinet audit …` and `cabinet vault …`."""
    audit = commands.add_parser("audit", help="journal des accès").add_subparsers(
        dest="audit_command", required=True)
    verify = audit.add_parser("verify", help="vérifier la chaîne du journal")
    verify.add_argument("--vault", type=Path, required=True)
    verify.set_defaults(handler=command_audit_verify)
    acknowledge = audit.add_parser("acknowledge",
                                   help="lever une alerte du journal (motif demandé)")
    acknowledge.add_argument("--vault", type=Path, required=True)
    acknowledge.set_defaults(handler=command_audit_acknowledge)

    vault = commands.add_parser("vault", help="coffre chiffré").add_subparsers(
        dest="vault_command", required=True)
    check = vault.add_parser("check", help="vérifier l'intégrité du coffre")
    check.add_argument("--vault", type=Path, required=True)
    check.set_defaults(handler=command_vault_check)
    create = vault.add_parser("create", help="créer le coffre du cabinet")
    create.add_argument("--vault", type=Path, default=paths.default_vault_dir())
    create.add_argument("--sheet", type=Path, help="écrire aussi la feuille de secours (PDF)")
    create.add_argument("--card", action="store_true",
                        help="enregistrer la carte CPS insérée comme première carte")
    create.add_argument("--card-module", type=Path,
                        help="module PKCS#11 de la carte, parmi ceux autorisés (défaut : le "
                             "premier installé, Cryptolib CPS d'abord)")
    create.set_defaults(handler=command_vault_create)
    password = vault.add_parser("set-password", help="définir le mot de passe du mode dégradé")
    password.add_argument("--vault", type=Path, required=True)
    password.set_defaults(handler=command_vault_set_password)
