"""Say in French whether a signed PDF is intact, who signed it, when, and whether to trust them.

pyHanko does the checking, offline: the signature over the signed byte ranges, coverage of
the whole file (nothing appended after signing, each appended revision named), the
certification « no changes allowed », and the chain to the trust anchors the user configured
(e.g. the IGC-Santé roots). Without anchors the signer is named but not vouched for.
"""

import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from cabinet.documents.amendments import amendments
from cabinet.documents.typography import date_and_time
from cabinet.errors import KnownError

# pyHanko logs an unrecognised certificate, or a revision appended after signing, as a warning
# with a traceback (naming the signer); the report already says it in French, and the log must
# stay free of people's names.
for _logger in ("pyhanko.sign.validation", "pyhanko.sign.diff_analysis"):
    logging.getLogger(_logger).setLevel(logging.ERROR)

SIGNING_USAGES = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                     match_all_key_usages=False)


@dataclass
class VerificationReport:
    """The verdict on one file, and the French lines that explain it."""

    intact: bool = False
    trusted: bool = False
    signer: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One French sentence for a status bar or a terminal."""
        return self.lines[0] if self.lines else "Vérification impossible."


CERTIFICATE_SUFFIXES = {".pem", ".cer", ".crt", ".der"}


def load_anchors(blobs: Sequence[bytes]) -> list[x509.Certificate]:
    """Trust anchors from PEM or DER certificate files."""
    anchors: list[x509.Certificate] = []
    for blob in blobs:
        if pem.detect(blob):
            anchors.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(blob, True))
        else:
            anchors.append(x509.Certificate.load(blob))
    return anchors


def default_anchors() -> list[x509.Certificate]:
    """Cabinet's default trust anchors, the IGC-Santé authorities (fingerprints checked)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from cabinet.trust.anchors import igc_sante

    return load_anchors([c.public_bytes(Encoding.DER) for c in igc_sante().all()])


def practice_anchors(folder: str) -> list[x509.Certificate]:
    """What the practice trusts: the IGC-Santé authorities, and the settings' trust folder's."""
    return default_anchors() + trust_anchors(folder)


def trust_anchors(folder: str) -> list[x509.Certificate]:
    """The root certificates in the trust folder (none when the setting is empty)."""
    if not folder:
        return []
    path = Path(folder)
    if not path.is_dir():
        raise KnownError("Le dossier des autorités de confiance indiqué dans les paramètres "
                         "n'existe pas ou n'est pas accessible.")
    anchors: list[x509.Certificate] = []
    for file in sorted(path.iterdir()):
        if file.suffix.lower() not in CERTIFICATE_SUFFIXES or not file.is_file():
            continue
        try:
            loaded = load_anchors([file.read_bytes()])
            for anchor in loaded:
                anchor.native  # noqa: B018 - parse fully now, not during the verification
        except (OSError, ValueError, TypeError):
            raise KnownError(f"Le certificat « {file.name} » du dossier des autorités de "
                             "confiance est illisible : retirez-le ou remplacez-le.") from None
        anchors.extend(loaded)
    return anchors


def verify_pdf(content: bytes, anchors: Sequence[x509.Certificate] = ()) -> VerificationReport:
    """Check every signature of `content`; the report's first line is the verdict."""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError):
        return VerificationReport(lines=["Fichier illisible : ce n'est pas un PDF valide, ou il "
                                         "a été tronqué ou modifié."])
    if not signatures:
        return VerificationReport(lines=["Ce document ne porte aucune signature électronique."])
    report = VerificationReport(intact=True, trusted=True)
    details: list[str] = []
    for signature in signatures:
        context = ValidationContext(trust_roots=list(anchors), allow_fetching=False,
                                    revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(signature, context,
                                            key_usage_settings=SIGNING_USAGES)
        except (PdfError, ValueError, KeyError, TypeError):
            report.intact = report.trusted = False
            details.append("Signature illisible : le document a été modifié.")
            continue
        certificate = status.signing_cert
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        intact = bool(status.intact and status.valid and whole)
        report.intact &= intact
        report.trusted &= bool(status.trusted)
        report.signer = certificate.subject.native.get("common_name", "")
        details += _describe(status, certificate, bool(anchors))
        details += _integrity(reader, signature, whole, intact)
    report.lines = [_verdict(report, bool(anchors)), *details]
    return report


def _verdict(report: VerificationReport, has_anchors: bool) -> str:
    if not report.intact:
        return "Document modifié après signature : il ne doit pas être utilisé."
    if report.trusted:
        return f"Document intact, signé par {report.signer}, certificat reconnu."
    if not has_anchors:
        return (f"Document intact, signé par {report.signer} ; aucune autorité de confiance "
                "n'est configurée pour reconnaître ce certificat.")
    return (f"Document intact, signé par {report.signer}, mais le certificat ne provient "
            "d'aucune autorité de confiance configurée.")


def _integrity(reader: PdfFileReader, signature: EmbeddedPdfSignature, whole: bool,
               intact: bool) -> list[str]:
    """The certification, and what was changed after signing, named when it can be."""
    lines = []
    if signature.docmdp_level == MDPPerm.NO_CHANGES:
        lines.append("Certification : aucune modification permise après la signature.")
    if whole:
        return lines + ([] if intact else ["L'empreinte du contenu ne correspond plus à la "
                                           "signature."])
    try:
        changes = amendments(reader, signature.signed_revision)
    except (PdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        changes = []  # an update too malformed to read is still refused, just not named
    if changes:
        return [*lines, "Le document a été modifié après sa signature : " + ", ".join(changes)
                + "."]
    return [*lines, "Des données ont été ajoutées après la signature."]


def _describe(status: object, certificate: x509.Certificate, has_anchors: bool) -> list[str]:
    subject = certificate.subject.native
    lines = [f"Signataire : {subject.get('common_name', '?')}"]
    if subject.get("serial_number"):
        lines.append(f"Identifiant : {subject['serial_number']}")
    lines.append(f"Certificat émis par : {certificate.issuer.native.get('common_name', '?')}, "
                 f"valable du {date_and_time(certificate.not_valid_before)} au "
                 f"{date_and_time(certificate.not_valid_after)}")
    lines.append("Empreinte SHA-256 du certificat : "
                 + hashlib.sha256(certificate.dump()).hexdigest())
    timestamp = getattr(status, "timestamp_validity", None)
    if timestamp is not None:
        lines.append(f"Horodatage qualifié du {date_and_time(timestamp.timestamp)} "
                     f"({'valide' if timestamp.intact and timestamp.valid else 'invalide'})")
    elif (reported := getattr(status, "signer_reported_dt", None)) is not None:
        lines.append(f"Signé le {date_and_time(reported)}, selon l'horloge du poste du signataire "
                     "(sans horodatage par un tiers)")
    if has_anchors:
        lines.append("Chaîne de certification : " + ("reconnue" if getattr(status, "trusted", False)
                                                    else "non reconnue"))
    return lines

