"""The IGC-Santé authorities, shipped with Cabinet, and whether they vouch for a certificate.

Each shipped file's SHA-256 is pinned here: a file changed or missing on disk is refused rather
than trusted. Paths are built and checked by cryptography's X.509 path validation (RFC 5280,
web-PKI rules for the authorities, no extra constraint on the holder's certificate, whose
profile differs between cards), never by hand.
"""

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

from cryptography import x509
from cryptography.x509 import verification

from cabinet.errors import KnownError

PINNED = {
    "ACR_ELEMENTAIRE_20130625.cer":
        "2d9e22ca19f777c6b745257c723ecb8df3c35fa6f1f6ec36b83600c97346967f",
    "ACR_FORT_20130625.cer":
        "53d30a19570826bde0c0762501f1f1c7a659f976c6c023123df5239df34a4eea",
    "ACR_STANDARD_20130625.cer":
        "5891815e864506c662afb32f8de5b8de38bffa1af721780b69e19a0c050386c3",
    "AC_ELEMENTAIRE_ORGANISATIONS_20130625.cer":
        "d834ee5b40686b73573f60547bf6052c6d404d942a5665cdb2c0b9137b5d27b2",
    "AC_ELEMENTAIRE_PERSONNES_20130625.cer":
        "19c1eaeab477b6fbc233cda3b53fbdbc3f4e9bf6cf6973e46f7dfaef89c06c6c",
    "AC_FORT_ORGANISATIONS_20130625.cer":
        "23f69674002d1dd4b018baecd908dc92687942bb48e5140ff895e2f56bc49c0d",
    "AC_FORT_PERSONNES_20130625.cer":
        "38284e4f6107456e70c7439c85da7d564d0fe1fe1a968c9eb6d43e1fc0d63c3a",
    "AC_STANDARD_ORGANISATIONS_20130625.cer":
        "c0520a2b14fb68836a807bf86ab2b3e07d1b6061d91bc9c7b86a6f8de4b5638e",
    "AC_STANDARD_PERSONNES_20130625.cer":
        "6c339ebcb3e1b0102b143c9694225c2a4ab2ef6fedf7d364da8db305e7f7d997",
}
"""SHA-256 of each shipped file, as documented with them (igc_sante/FINGERPRINTS.txt)."""


@dataclass(frozen=True)
class Anchors:
    """Self-signed roots, and the intermediate authorities a path may go through."""

    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...]

    @classmethod
    def of(cls, certificates: list[x509.Certificate]) -> "Anchors":
        """Sort certificates into roots (self-issued) and intermediates."""
        return cls(tuple(c for c in certificates if c.subject == c.issuer),
                   tuple(c for c in certificates if c.subject != c.issuer))

    def all(self) -> tuple[x509.Certificate, ...]:
        """Roots then intermediates."""
        return self.roots + self.intermediates


def load(folder: Traversable) -> Anchors:
    """The pinned files of `folder`, each checked against its fingerprint."""
    certificates = []
    for name, fingerprint in PINNED.items():
        try:
            data = (folder / name).read_bytes()
        except OSError:
            data = b""
        if hashlib.sha256(data).hexdigest() != fingerprint:
            raise KnownError(f"L'autorité de confiance IGC-Santé « {name} » livrée avec Cabinet "
                             "manque ou a été modifiée : réinstallez Cabinet.")
        certificates.append(x509.load_der_x509_certificate(data))
    return Anchors.of(certificates)


@functools.cache
def igc_sante() -> Anchors:
    """Cabinet's default trust anchors, read once from the package's data."""
    return load(resources.files("cabinet.trust") / "igc_sante")


def chains_to(certificate: x509.Certificate, anchors: Anchors, at: dt.datetime) -> bool:
    """Whether a valid path at `at` leads from `certificate` to one of the anchors' roots."""
    verifier = (verification.PolicyBuilder()
                .store(verification.Store(list(anchors.roots)))
                .time(at)
                .extension_policies(ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(),
                                    ee_policy=verification.ExtensionPolicy.permit_all())
                .build_client_verifier())
    try:
        verifier.verify(certificate, list(anchors.intermediates))
    except verification.VerificationError:
        return False
    return True
