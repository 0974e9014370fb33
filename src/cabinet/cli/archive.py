"""`cabinet archive export|verify|import`: the portability archive on the command line (CONT-2/3).

Same rules as the window: the export is signed (card, or the demo certificate in a demo
vault) and encrypted to the successor's certificate or to a passphrase printed once; the
import checks everything, shows the summary and every possible duplicate, asks for a
decision on each, then asks "OUI" before writing anything.
"""

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cabinet.cli.access import opened, signing_output
from cabinet.cli.prompts import ask_line, ask_secret, confirmed
from cabinet.domain.settings import TRUST_FOLDER
from cabinet.errors import KnownError


def _progress(label: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            print(f"\r{label} : {done}/{total}", end="\n" if done == total else "",
                  file=sys.stderr, flush=True)

    return show


def command_export(args: argparse.Namespace) -> int:
    """Export the practice, a selection or one patient."""
    from cabinet.archive.container import Recipient
    from cabinet.exchange.envelope import recipient_certificate
    from cabinet.services.portability.export import Selection

    if args.certificate:
        try:
            recipient = Recipient(certificate=recipient_certificate(args.certificate.read_bytes()))
        except OSError:
            raise KnownError("Le certificat du destinataire est introuvable.") from None
    else:
        recipient = Recipient.new_passphrase()
    period = (args.since or "0001-01-01", args.until or "9999-12-31") \
        if args.since or args.until else None
    if period and args.patient:
        raise KnownError("Choisissez des patients (--patient) ou une période (--since, "
                         "--until), pas les deux.")
    export_type = "CIBLE" if args.patient or period else "MASSIF"
    if len(args.patient) == 1 and not period:
        export_type = "UNITAIRE"
    selection = Selection(export_type, tuple(args.patient), period, args.comment)
    with opened(args.vault) as ctx, signing_output(ctx, args.to) as out:
        result = ctx.archive_exporter.export(selection, recipient, out, _progress("Patients"))
    print(f"Archive écrite : {result.path}")
    print(f"  {result.patients} patient(s), {result.size} octets, SHA-256 {result.sha256}")
    if recipient.passphrase:
        print("Phrase secrète de l'archive (affichée une seule fois, à transmettre au "
              "successeur par un autre canal que l'archive) :")
        print(f"  {recipient.passphrase}")
    return 0


@contextlib.contextmanager
def _reader(args: argparse.Namespace) -> Iterator[Any]:
    from cabinet.archive.container import key_opener, read_header, software_decrypter
    from cabinet.archive.reader import ArchiveReader

    try:
        with args.file.open("rb") as handle:
            kind = read_header(handle)["recipient"].get("kind")
    except OSError:
        raise KnownError("Le fichier d'archive est introuvable ou illisible.") from None
    if kind == "certificate":
        opener = key_opener(decrypter=software_decrypter(_private_key(args.key)))
    else:
        opener = key_opener(passphrase=ask_secret("Phrase secrète de l'archive : "))
    reader = ArchiveReader.open(args.file, opener)
    try:
        yield reader
    finally:
        reader.close()


def _private_key(path: Path | None) -> Any:
    """The recipient's private key from a PEM file (a card is used from the window)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    if path is None:
        raise KnownError("Cette archive est chiffrée pour un certificat : indiquez la clé "
                         "privée du destinataire (--key).")
    try:
        data = path.read_bytes()
    except OSError:
        raise KnownError("La clé privée est introuvable.") from None
    password = ask_secret("Mot de passe de la clé privée (vide si aucun) : ") if \
        b"ENCRYPTED" in data else ""
    try:
        return load_pem_private_key(data, password.encode() or None)
    except (TypeError, ValueError):
        raise KnownError("Clé privée illisible ou mot de passe incorrect.") from None


def command_verify(args: argparse.Namespace) -> int:
    """Check an archive completely without importing it."""
    with _reader(args) as reader:
        checked = reader.check(_progress("Sous-archives vérifiées"))
    print(f"Archive intègre, signée par {checked.signer.name} (RPPS "
          f"{checked.signer.rpps or '—'}).")
    print(f"  {checked.patients} patient(s), {checked.entries} entrées, "
          f"{checked.documents} documents, type {checked.manifest.export_type}.")
    if checked.journal is not None:
        print(f"  Journal du prédécesseur : {checked.journal.summary()}")
        return 0 if checked.journal.intact else 1
    return 0


def command_import(args: argparse.Namespace) -> int:
    """Check, summarise, decide duplicates, confirm, import."""
    with opened(args.vault) as ctx, _reader(args) as reader:
        from cabinet.documents.verification import practice_anchors

        anchors = practice_anchors(ctx.settings.value(TRUST_FOLDER))
        prepared = ctx.archive_importer.prepare(reader, _progress("Sous-archives vérifiées"),
                                                anchors)
        print("\n".join(prepared.summary()))
        if prepared.needs_fingerprint:
            ctx.archive_importer.confirm_signer(prepared, args.empreinte or ask_line(
                "Empreinte SHA-256 du certificat du signataire, lue par le médecin qui a "
                "exporté l'archive (vide : abandonner) : "))
        skip = set()
        for duplicate in prepared.duplicates:
            answer = ask_line(f"{duplicate.archive} : {duplicate.incoming} ressemble au(x) "
                           f"patient(s) n° {', '.join(map(str, duplicate.existing))} "
                           f"({duplicate.reason}). Créer un dossier distinct (D) ou ne pas "
                           "importer ce patient (N) ? ").strip().upper()
            if answer == "N":
                skip.add(duplicate.archive)
            elif answer != "D":
                raise KnownError("Réponse attendue : D ou N. Rien n'a été importé.")
        if not confirmed("Importer cette archive ? Tapez OUI : "):
            print("Import abandonné : rien n'a été écrit.")
            return 1
        counts = ctx.archive_importer.run(reader, prepared, skip, _progress("Patients"))
    print(f"Importé : {counts['patients']} patient(s), {counts['entries']} entrées, "
          f"{counts['files']} fichiers, {counts['journal']} évènements du journal du "
          "prédécesseur.")
    return 0


def add_commands(commands: Any) -> None:
    """Register `cabinet archive …`."""
    archive = commands.add_parser("archive", help="archive de portabilité").add_subparsers(
        dest="archive_command", required=True)
    export = archive.add_parser("export", help="exporter une archive de portabilité")
    export.add_argument("--vault", type=Path, required=True)
    export.add_argument("--to", type=Path, required=True, help="dossier de destination")
    export.add_argument("--patient", type=int, action="append", default=[],
                        help="numéro d'un patient (répéter ; un seul : export unitaire ; "
                             "aucun : toute la patientèle)")
    export.add_argument("--since", default="", help="patients vus depuis (AAAA-MM-JJ)")
    export.add_argument("--until", default="", help="patients vus jusqu'au (AAAA-MM-JJ)")
    export.add_argument("--certificate", type=Path,
                        help="certificat du successeur ; sans lui, une phrase secrète")
    export.add_argument("--comment", default="", help="commentaire du manifeste")
    export.set_defaults(handler=command_export)
    for name, handler, text in (("verify", command_verify, "vérifier une archive"),
                                ("import", command_import, "importer une archive")):
        parser = archive.add_parser(name, help=text)
        parser.add_argument("file", type=Path, help="fichier .cabarch")
        parser.add_argument("--key", type=Path, help="clé privée du destinataire (PEM)")
        if name == "import":
            parser.add_argument("--vault", type=Path, required=True)
            parser.add_argument("--empreinte", default="",
                                help="empreinte SHA-256 du certificat du signataire, lue par "
                                     "le médecin sortant (s'il n'est pas reconnu)")
        parser.set_defaults(handler=handler)
