"""`cabinet backup create|list|verify|restore`: encrypted backups onto a folder (BAK-1).

Create, list and verify open the vault the usual way. A restore needs no vault here: the
backup carries its key slots, opened with the enrolled card in the reader and its PIN, or
the recovery key of the sealed envelope.
"""

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cabinet import paths
from cabinet.bootstrap import BackupDoor
from cabinet.cli.access import card_reader, opened
from cabinet.cli.exit_codes import EXIT_CHECK_FAILED
from cabinet.cli.prompts import TerminalPin, ask_secret, ask_text
from cabinet.domain.audit import AccessMode
from cabinet.errors import KnownError
from cabinet.keys.header import KeyHeader

if TYPE_CHECKING:
    from cabinet.services.ports import SnapshotInfo


def _line(info: "SnapshotInfo") -> str:
    state = "vérifiée" if info.verified else "NON vérifiée (ne compte pas)"
    when = info.taken_at[:16].replace("T", " à ")
    return (f"{info.snapshot_id}  {when} UTC  {state}  {info.facts.get('patients', '?')} "
            f"patient(s), {info.facts.get('documents', '?')} document(s)")


def command_create(args: argparse.Namespace) -> int:
    """Take a backup, verify it by restoring it, rotate the old ones."""
    with opened(args.vault) as ctx:
        info = ctx.backups(args.dest).back_up()
    print(f"Sauvegarde vérifiée : {_line(info)}")
    return 0


def command_list(args: argparse.Namespace) -> int:
    """The practice's backups on the medium, oldest first."""
    with opened(args.vault) as ctx:
        snapshots = ctx.backups(args.dest).snapshots()
    for info in snapshots:
        print(_line(info))
    if not snapshots:
        print("Aucune sauvegarde de ce cabinet sur ce support.")
    return 0


def command_verify(args: argparse.Namespace) -> int:
    """Verify one backup again (the newest by default) by restoring it into a scratch folder."""
    with opened(args.vault) as ctx:
        service = ctx.backups(args.dest)
        snapshots = service.snapshots()
        if not snapshots:
            print("Aucune sauvegarde de ce cabinet sur ce support.", file=sys.stderr)
            return EXIT_CHECK_FAILED
        info = service.verify(args.snapshot or snapshots[-1].snapshot_id)
    print(f"Sauvegarde vérifiée : {_line(info)}")
    return 0


def command_restore(args: argparse.Namespace) -> int:
    """Restore a backup into a new folder, on this workstation or a new one."""
    from cabinet.services.backup import RollbackRefused

    door = BackupDoor(args.dest)
    vault_id = door.vault_id(args.vault_id or "")
    snapshots = door.snapshots(vault_id)
    if not snapshots:
        raise KnownError("Ce support ne contient aucune sauvegarde lisible de ce cabinet.")
    snapshot_id = args.snapshot or snapshots[-1][0]
    data_key, mode = _backup_key(door, door.key_header(vault_id, snapshot_id))
    reason = ""
    if args.rollback:
        reason = ask_text("Motif du retour à une sauvegarde plus ancienne")
    try:
        info = door.restore(vault_id, snapshot_id, data_key=data_key, mode=mode, target=args.to,
                            local=args.vault, rollback_reason=reason)
    except RollbackRefused as refusal:
        raise KnownError(f"{refusal.message} Relancez avec --rollback pour saisir ce "
                         "motif.") from None
    print(f"Coffre restauré dans {args.to} : {_line(info)}")
    print("Ouvrez-le avec votre carte CPS ou la clé de secours (cabinet --vault "
          f"{args.to}).")
    return 0


def _backup_key(door: BackupDoor, header: KeyHeader) -> tuple[bytes, AccessMode]:
    """The data key from the backup's own slots: the card first, else the recovery key."""
    from cabinet.keys import demo, recovery

    if header.demo:
        return demo.unlock_demo(header), AccessMode.DEMO
    reader = card_reader() if header.slots_of("card") else None
    if reader is not None:
        from cabinet.card.session import handler

        data_key = door.key_by_card(header, reader, handler(TerminalPin(
            "Code PIN de la carte CPS (vide : utiliser la clé de secours) : ")))
        if data_key is not None:
            return data_key, AccessMode.CARD
    typed = ask_secret("Clé de secours (ABCD-EFGH-…) : ")
    return recovery.unlock_with_recovery_key(header, typed), AccessMode.RECOVERY


def add_commands(commands: Any) -> None:
    """Register `cabinet backup …`."""
    backup = commands.add_parser("backup", help="sauvegardes chiffrées").add_subparsers(
        dest="backup_command", required=True)
    for name, handler, text in (("create", command_create, "faire une sauvegarde vérifiée"),
                                ("list", command_list, "lister les sauvegardes"),
                                ("verify", command_verify, "vérifier une sauvegarde")):
        parser = backup.add_parser(name, help=text)
        parser.add_argument("--vault", type=Path, default=paths.default_vault_dir())
        parser.add_argument("--dest", type=Path, required=True,
                            help="dossier du support de sauvegarde (disque externe, partage)")
        if name == "verify":
            parser.add_argument("--snapshot", help="identifiant (défaut : la plus récente)")
        parser.set_defaults(handler=handler)
    restore = backup.add_parser("restore", help="restaurer une sauvegarde dans un dossier neuf")
    restore.add_argument("--dest", type=Path, required=True, help="support de sauvegarde")
    restore.add_argument("--to", type=Path, required=True, help="dossier neuf du coffre")
    restore.add_argument("--snapshot", help="identifiant (défaut : la plus récente)")
    restore.add_argument("--vault-id", help="cabinet à restaurer, si le support en a plusieurs")
    restore.add_argument("--vault", type=Path, default=paths.default_vault_dir(),
                         help="coffre de ce poste, pour refuser un retour en arrière")
    restore.add_argument("--rollback", action="store_true",
                         help="restaurer une sauvegarde plus ancienne (motif demandé)")
    restore.set_defaults(handler=command_restore)
