"""The `cabinet` command: the application, the demo, and the vault's maintenance commands.

Secrets are asked on the terminal, never taken from arguments or the environment, so they
never appear in a command line or a shell history.
"""

import argparse
import getpass
import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from cabinet import paths, support
from cabinet.audit import anchor, journal
from cabinet.bootstrap import (
    AppContext,
    VaultDoor,
    build_context,
    system_secret_store,
    workstation_name,
)
from cabinet.cli import archive as cli_archive
from cabinet.cli import exports as cli_exports
from cabinet.demo.prescriber import DEMO_PHYSICIAN, name_demo_prescriber
from cabinet.domain.audit import AccessMode
from cabinet.domain.clock import SystemClock
from cabinet.errors import KnownError, WrongKey
from cabinet.keys.card import CardHolder
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault import database
from cabinet.vault.header import read_header
from cabinet.vault.layout import VaultLayout
from cabinet.vault.occupancy import VaultLock
from cabinet.vault.session import Credential, OpenVault, Owner, create_vault, unlock

DEMO_OWNER = Owner(DEMO_PHYSICIAN, "DEMO-00000000")
EXIT_KNOWN_ERROR = 2
EXIT_CHECK_FAILED = 1


def _ask(prompt: str) -> str:
    """Read a secret from the terminal, or one line of standard input when it is a pipe."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    print(prompt, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().rstrip("\n")


def open_vault(folder: Path) -> OpenVault:
    """Open a vault from the command line: a demo vault without prompt, else ask.

    The one place where every command chooses the way in: an enrolled card in a reader and
    its PIN first, then the degraded-mode password, then the recovery key.
    """
    clock, workstation = SystemClock(), workstation_name()
    layout = VaultLayout(folder)
    header = read_header(layout.header)
    VaultLock.acquire(layout.lock_file).release()  # refused now, before any secret is typed
    if header.demo:
        print("Coffre de DÉMONSTRATION (patients fictifs).", file=sys.stderr)
        return unlock(folder, Credential(AccessMode.DEMO, DEMO_PASSWORD), clock, workstation)
    if header.slots_of("card") and (opened := _open_with_inserted_card(folder)):
        return opened
    if header.slots_of("password"):
        password = _ask("Mot de passe du mode dégradé (vide : utiliser la clé de secours) : ")
        if password:
            return unlock(folder, Credential(AccessMode.DEGRADED, password), clock, workstation,
                          secrets=system_secret_store())
    secret = _ask("Clé de secours (ABCD-EFGH-…) : ")
    return unlock(folder, Credential(AccessMode.RECOVERY, secret), clock, workstation)


def _open_with_inserted_card(folder: Path) -> OpenVault | None:
    """Unlock with the card in a reader and its PIN; None without a card or with no PIN typed."""
    from cabinet.card.presence import read_readers

    readers = read_readers().card_readers()
    if not readers:
        return None
    door = VaultDoor(folder)
    if notice := door.pin_notice(readers[0]):
        print(notice, file=sys.stderr)
    pin = _ask("Code PIN de la carte CPS (vide : utiliser un autre moyen d'accès) : ")
    return door.open_with_card(readers[0], pin).vault if pin else None


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


def command_demo(args: argparse.Namespace) -> int:
    """Create (or reopen) the demo vault, fill it, print its summary and credentials."""
    from cabinet.demo.generator import DemoSize, generate

    folder: Path = args.vault or paths.demo_vault_dir()
    clock = SystemClock()
    if VaultLayout(folder).header.exists():
        ctx = build_context(open_vault(folder), clock)
        recovery_key = "(imprimée à la création du coffre)"
    else:
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


def run_gui(folder: Path) -> int:
    """Open the window on the vault in `folder` (Qt is imported only now)."""
    if not has_screen():
        print("Aucun écran n'est disponible (DISPLAY non défini) : la fenêtre ne peut pas "
              "s'ouvrir. Lancez la commande depuis une session graphique.", file=sys.stderr)
        return EXIT_KNOWN_ERROR
    from cabinet.ui.app import run

    return run(VaultDoor(folder))


def command_vault_create(args: argparse.Namespace) -> int:
    """Create an empty vault for the physician and print its recovery key once.

    With --card, a creation that fails on the way (no card, a wrong PIN, a refused card)
    leaves nothing on disk: a vault whose recovery key was never shown could never be opened,
    and the physician simply runs the command again.
    """
    name = input("Nom du médecin titulaire : ").strip()
    identifier = input("Numéro RPPS : ").strip()
    reader = _card_reader() if args.card else ""
    created_folder = not args.vault.exists()
    opened, recovery_key = create_vault(args.vault, Owner(name, identifier), SystemClock(),
                                        workstation_name())
    vault_id = opened.header.vault_id
    try:
        if reader:
            _enrol_first_card(args.vault, opened, args.card_module, reader)
    except BaseException:
        opened.lock(SystemClock())
        _discard_vault(args.vault, created_folder)
        raise
    opened.lock(SystemClock())
    print("Coffre créé. Clé de secours, à imprimer et à mettre sous pli scellé :")
    print(f"  {recovery_key}")
    if args.sheet:
        write_recovery_sheet(args.sheet, Owner(name, identifier), vault_id, recovery_key)
    return 0


def _card_reader() -> str:
    """The reader holding the card to enrol first, asked before anything is created."""
    from cabinet.card.presence import read_readers

    readers = read_readers().card_readers()
    if not readers:
        raise KnownError("Aucune carte dans le lecteur : le coffre n'a pas été créé. Insérez "
                         "votre carte CPS et recommencez (ou créez le coffre sans --card).")
    return readers[0]


def _enrol_first_card(folder: Path, opened: OpenVault, module: Path | None,
                      reader: str) -> None:
    """Enrol the CPS card in `reader` as the vault's first card (its PIN is asked)."""
    door = VaultDoor(folder, card_module=module)
    notice = door.pin_notice(reader)
    if notice:
        print(notice, file=sys.stderr)
    door.enrol_card(build_context(opened), reader, _ask("Code PIN de la carte CPS : "),
                    confirm_outside_igc_sante)
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


def confirm_outside_igc_sante(holder: CardHolder) -> bool:
    """The typed « hors IGC-Santé » confirmation for a card no IGC-Santé authority vouches for."""
    print(f"La carte de {holder.name} (RPPS {holder.rpps}) n'est pas émise par l'IGC-Santé "
          "(carte de test, de développement ou étrangère) : elle ne prouve pas que son "
          "titulaire est un professionnel de santé.", file=sys.stderr)
    try:
        answer = input("Pour l'enregistrer quand même, tapez HORS IGC-SANTÉ : ")
    except EOFError:
        return False
    unaccented = unicodedata.normalize("NFKD", answer).encode("ascii", "ignore").decode()
    return " ".join(unaccented.upper().split()) == "HORS IGC-SANTE"


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
    opened = open_vault(args.vault)
    try:
        new = _ask("Nouveau mot de passe du mode dégradé : ")
        if _ask("Confirmez le mot de passe : ") != new:
            print("Les deux saisies diffèrent : rien n'a changé.", file=sys.stderr)
            return EXIT_KNOWN_ERROR
        opened.set_password(new, system_secret_store(), SystemClock())
    finally:
        opened.lock(SystemClock())
    print("Mot de passe du mode dégradé enregistré. Chaque connexion par mot de passe sera "
          "signalée dans le journal ; revenez à la carte CPS dès que possible.")
    return 0


def command_audit_verify(args: argparse.Namespace) -> int:
    """Verify the audit chain, and each predecessor's imported journal; exit 1 if one breaks."""
    ctx = build_context(open_vault(args.vault))
    try:
        reports = [journal.verify(ctx.vault.conn)]
        print(reports[0].summary())
        for archive in ctx.portability.imported_archives():
            reports.append(ctx.archive_importer.verify_predecessor_journal(archive.archive_ref))
            print(f"Journal de {archive.exporter} (archive importée le "
                  f"{archive.imported_at[:10]}) : {reports[-1].summary()}")
    finally:
        ctx.lock()
    return 0 if all(r.intact for r in reports) else EXIT_CHECK_FAILED


def command_vault_check(args: argparse.Namespace) -> int:
    """Check page integrity, schema version and audit chain."""
    try:
        opened = open_vault(args.vault)
        damaged = database.damaged_pages(opened.conn)
        if damaged:
            opened.abandon()
            raise database.DamagedVault(damaged)
    except database.DamagedVault as damage:
        _print_damage(damage)
        return EXIT_CHECK_FAILED
    try:
        problems = database.structure_problems(opened.conn)
        version = opened.conn.execute("PRAGMA user_version").fetchone()[0]
        report = journal.verify(opened.conn)
        anchor_problem = anchor.anchor_problem(opened.conn, opened.header,
                                               bytes(opened.data_key))
    finally:
        opened.lock(SystemClock())
    print(f"Version du schéma : {version} (attendue : {database.latest_schema_version()})")
    print("Intégrité des pages chiffrées : " + ("correcte" if not problems else
                                                 f"{len(problems)} problème(s)"))
    for problem in problems[:20]:
        print(f"  - {problem}")
    print(report.summary())
    print("Ancre du journal : " + (anchor_problem or "conforme au dernier verrouillage"))
    healthy = (not problems and report.intact and not anchor_problem
               and version == database.latest_schema_version())
    return 0 if healthy else EXIT_CHECK_FAILED


def _print_damage(damage: database.DamagedVault) -> None:
    """The check's report on a damaged file: which pages, what to do; nothing else is read."""
    print(f"Intégrité des pages chiffrées : {len(damage.pages)} page(s) endommagée(s)")
    for page in damage.pages[:20]:
        print(f"  - page {page} : contenu altéré ou illisible")
    print(damage.message)
    print("Les autres contrôles (schéma, journal) ne sont pas faits sur un coffre endommagé.")


def has_screen() -> bool:
    """On Linux, a window needs an X11 or Wayland display (or an explicit Qt platform)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in
               ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def build_parser() -> argparse.ArgumentParser:
    """The command line's grammar."""
    parser = argparse.ArgumentParser(prog="cabinet", description="Cabinet : dossier médical.")
    parser.add_argument("--vault", type=Path, default=paths.default_vault_dir(),
                        help="dossier du coffre à ouvrir")
    commands = parser.add_subparsers(dest="command")

    demo = commands.add_parser("demo", help="ouvrir un coffre de démonstration")
    demo.add_argument("--vault", type=Path, help="dossier du coffre de démonstration")
    demo.add_argument("--patients", type=int, default=200, help="nombre de patients fictifs")
    demo.add_argument("--seed", type=int, default=1, help="graine du générateur")
    demo.add_argument("--no-gui", action="store_true", help="afficher le résumé seulement")
    demo.set_defaults(handler=command_demo)

    audit = commands.add_parser("audit", help="journal des accès").add_subparsers(
        dest="audit_command", required=True)
    verify = audit.add_parser("verify", help="vérifier la chaîne du journal")
    verify.add_argument("--vault", type=Path, required=True)
    verify.set_defaults(handler=command_audit_verify)

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
    cli_exports.add_commands(commands)
    cli_archive.add_commands(commands)
    support.add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; a known error prints its French message and exits with 2."""
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


if __name__ == "__main__":
    sys.exit(main())
