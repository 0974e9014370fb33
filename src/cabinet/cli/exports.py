"""The `cabinet` commands for signed documents and exports; `cabinet verify` needs no vault.

Patients are named by their number in the vault, never by name: a command line is visible to
other programs and kept in shell histories. Free text (a certificate, the requester's name,
the persons present at a seizure) is typed at the prompt or piped on standard input.
"""

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cabinet.cli.access import opened, signing_output
from cabinet.cli.prompts import ask_line, ask_text, confirmed
from cabinet.domain.record import EntryKind
from cabinet.domain.rights import HEIR_PURPOSES, IDENTITY_CHECKS, REQUESTERS
from cabinet.errors import KnownError

if TYPE_CHECKING:
    from cabinet.services.issuing import ExportResult

SEIZURE_RULE = (
    "Saisie judiciaire du dossier médical. Rappel : le secret médical s'oppose à une simple "
    "réquisition. Seule une saisie ordonnée par un magistrat, en présence d'un représentant "
    "du conseil de l'Ordre des médecins, porte sur un dossier précisément désigné ; seul ce "
    "dossier est exporté.")
PARTS = {kind.value: kind for kind in EntryKind if kind is not EntryKind.PRIVATE_NOTE}
RULE = "─" * 60


def _done(result: "ExportResult") -> int:
    """Say what was written, with each file's SHA-256."""
    print(f"Écrit : {result.path}")
    for written in result.files:
        print(f"  {written.sha256}  {written.name}")
    return 0


def command_verify(args: argparse.Namespace) -> int:
    """Say whether a signed PDF is intact and who signed it; exit 1 when it is not intact."""
    from cabinet.documents.verification import default_anchors, load_anchors, verify_pdf

    try:
        content = Path(args.file).read_bytes()
        anchors = default_anchors() + load_anchors([Path(p).read_bytes() for p in args.trust])
    except OSError:
        raise KnownError("Fichier introuvable ou illisible.") from None
    except ValueError:
        raise KnownError("Un certificat de confiance donné n'est pas lisible.") from None
    report = verify_pdf(content, anchors)
    print("\n".join(report.lines))
    return 0 if report.intact else 1


def command_prescription(args: argparse.Namespace) -> int:
    """Sign a stored prescription."""
    with opened(args.vault) as ctx, signing_output(ctx, args.to) as out:
        return _done(ctx.exports.prescription(args.entry, out))


def command_certificate(args: argparse.Namespace) -> int:
    """Sign a medical certificate typed at the prompt, once its whole text is shown and confirmed.

    The customary formulas are offered, never added: what is typed is what is signed.
    """
    with opened(args.vault) as ctx:
        formula = ctx.exports.certificate_formula(args.patient)
        print(f"Formules d'usage, à reprendre dans votre texte si vous le souhaitez :\n"
              f"  {formula.opening}\n  {formula.closing}", file=sys.stderr)
        prepared = ctx.exports.prepare_certificate(args.patient, ask_text("Texte du certificat"))
        print(f"Le document qui sera signé dit exactement :\n{RULE}\n{prepared.text.strip()}\n"
              f"{RULE}", file=sys.stderr)
        if not confirmed("Signer ce certificat ? Tapez OUI : "):
            print("Certificat abandonné : rien n'a été signé.", file=sys.stderr)
            return 1
        with signing_output(ctx, args.to) as out:
            return _done(ctx.exports.sign_prepared(prepared, out))


def command_copy_request(args: argparse.Namespace) -> int:
    """Register a request for a copy of the record and print its legal dates."""
    from cabinet.domain.rights import CopyRequest

    with opened(args.vault) as ctx:
        name = ask_line("Nom du demandeur : ")
        received = dt.date.fromisoformat(args.received) if args.received else \
            ctx.clock.now().astimezone().date()
        request_id = ctx.copies.register(args.patient, CopyRequest(
            args.requester, name, tuple(args.check), received, args.purpose or ""))
        registered = next(r for r in ctx.copies.requests(args.patient)
                          if r.row.request_id == request_id)
        print(f"Demande n° {request_id} enregistrée : copie à remettre au plus tôt le "
              f"{registered.dates.earliest:%d/%m/%Y}, au plus tard le "
              f"{registered.dates.latest:%d/%m/%Y}.")
    return 0


def command_copy_list(args: argparse.Namespace) -> int:
    """The register: one patient's requests, or every request still to answer."""
    with opened(args.vault) as ctx:
        for registered in ctx.copies.requests(args.patient):
            row, dates = registered.row, registered.dates
            status = f"remise le {row.delivered_at[:10]}" if row.delivered_at is not None else \
                f"à remettre du {dates.earliest:%d/%m/%Y} au {dates.latest:%d/%m/%Y}"
            print(f"n° {row.request_id}  patient {row.patient_id}  reçue le "
                  f"{dt.date.fromisoformat(row.received_on):%d/%m/%Y}  {status}")
    return 0


def command_copy_deliver(args: argparse.Namespace) -> int:
    """Write the copy for a registered request."""
    with opened(args.vault) as ctx, signing_output(ctx, args.to) as out:
        return _done(ctx.copies.deliver(args.request, out, with_history=args.history))


def command_transmit(args: argparse.Namespace) -> int:
    """Send chosen parts of a record to a colleague (XDM zip, encrypted when a certificate)."""
    from cabinet.services.exports import Transmission

    certificate = Path(args.recipient_certificate).read_bytes() \
        if args.recipient_certificate else None
    with opened(args.vault) as ctx, signing_output(ctx, args.to) as out:
        recipient = ask_line("Destinataire (nom et qualité) : ")
        consent = ask_line("Consentement ou demande du patient (date, forme) : ")
        unknown = set(args.parts.split(",")) - set(PARTS)
        if unknown:
            raise KnownError(f"Partie inconnue : {', '.join(sorted(unknown))}.")
        parts = frozenset(PARTS[p] for p in args.parts.split(","))
        return _done(ctx.exports.transmit(args.patient, Transmission(
            parts, recipient, consent, certificate), out))


def command_seizure(args: argparse.Namespace) -> int:
    """The guided judicial seizure of one record."""
    from cabinet.domain.rights import Seizure

    print(SEIZURE_RULE, file=sys.stderr)
    with opened(args.vault) as ctx, signing_output(ctx, args.to) as out:
        seizure = Seizure(ask_line("Magistrat (nom et qualité) : "),
                          ask_line("Référence de la décision : "),
                          ask_line("Représentant du conseil de l'Ordre : "),
                          ask_line("Autres personnes présentes : "), ask_line("Lieu : "))
        if not confirmed("Exporter ce seul dossier ? Tapez OUI : "):
            print("Saisie abandonnée : rien n'a été exporté.", file=sys.stderr)
            return 1
        return _done(ctx.exports.seize(args.patient, seizure, out))


def add_commands(commands: Any) -> None:
    """Register the commands on the `cabinet` parser."""
    verify = commands.add_parser("verify", help="vérifier un PDF signé")
    verify.add_argument("file", help="fichier PDF à vérifier")
    verify.add_argument("--trust", action="append", default=[],
                        help="certificat d'une autorité de confiance (PEM ou DER), en plus "
                             "des autorités IGC-Santé")
    verify.set_defaults(handler=command_verify)

    def with_output(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--vault", type=Path, required=True)
        parser.add_argument("--to", type=Path, required=True, help="dossier de destination")
        return parser

    sign = commands.add_parser("sign", help="documents signés").add_subparsers(
        dest="sign_command", required=True)
    prescription = with_output(sign.add_parser("prescription", help="ordonnance signée"))
    prescription.add_argument("--entry", type=int, required=True, help="numéro de l'ordonnance")
    prescription.set_defaults(handler=command_prescription)
    certificate = with_output(sign.add_parser("certificate", help="certificat médical"))
    certificate.add_argument("--patient", type=int, required=True)
    certificate.set_defaults(handler=command_certificate)

    copy = commands.add_parser("copy", help="demandes de copie du dossier").add_subparsers(
        dest="copy_command", required=True)
    request = copy.add_parser("request", help="enregistrer une demande")
    request.add_argument("--vault", type=Path, required=True)
    request.add_argument("--patient", type=int, required=True)
    request.add_argument("--requester", required=True,
                         choices=list(REQUESTERS))
    request.add_argument("--check", action="append", required=True,
                         choices=list(IDENTITY_CHECKS))
    request.add_argument("--purpose", choices=list(HEIR_PURPOSES))
    request.add_argument("--received", help="date de réception AAAA-MM-JJ (défaut : ce jour)")
    request.set_defaults(handler=command_copy_request)
    listing = copy.add_parser("list", help="registre des demandes")
    listing.add_argument("--vault", type=Path, required=True)
    listing.add_argument("--patient", type=int)
    listing.set_defaults(handler=command_copy_list)
    deliver = with_output(copy.add_parser("deliver", help="remettre la copie"))
    deliver.add_argument("--request", type=int, required=True)
    deliver.add_argument("--history", action="store_true", help="joindre l'historique des accès")
    deliver.set_defaults(handler=command_copy_deliver)

    transmit = with_output(commands.add_parser("transmit", help="transmettre à un confrère"))
    transmit.add_argument("--patient", type=int, required=True)
    transmit.add_argument("--parts", required=True, help=f"parmi : {','.join(PARTS)}")
    transmit.add_argument("--recipient-certificate", help="certificat du destinataire")
    transmit.set_defaults(handler=command_transmit)

    seizure = with_output(commands.add_parser("seizure", help="saisie judiciaire d'un dossier"))
    seizure.add_argument("--patient", type=int, required=True)
    seizure.set_defaults(handler=command_seizure)
