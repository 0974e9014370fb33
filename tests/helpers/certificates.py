"""Card-like certificates and software signers for tests of the card slot's logic.

The real token path (SoftHSM2 through PKCS#11) is tested separately; here a software RSA key
signs what a card's `Signer` returns: PKCS#1 v1.5 over the message's SHA-256.
"""

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def card_certificate(name: str, rpps: str, *, key: rsa.RSAPrivateKey | None = None,
                     valid_until: dt.datetime | None = None,
                     common_name: str | None = None) -> tuple[rsa.RSAPrivateKey, bytes]:
    """A self-signed certificate whose subject looks like a CPS holder's."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CARTE DE TEST"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name or f"8{rpps}/{name}"),
    ])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(start)
                   .not_valid_after(valid_until or start + dt.timedelta(days=3 * 365))
                   .sign(key, hashes.SHA256()))
    return key, certificate.public_bytes(serialization.Encoding.DER)


def authority(common_name: str, issuer: tuple[rsa.RSAPrivateKey, x509.Certificate] | None = None
              ) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A test certificate authority (a root, or an intermediate under `issuer`), 2025-2035."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "AUTORITE DE TEST"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer_key, issuer_certificate = issuer or (key, None)
    certificate = (
        x509.CertificateBuilder().subject_name(name)
        .issuer_name(issuer_certificate.subject if issuer_certificate else name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2035, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                     False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256()))
    return key, certificate


def issued_card_certificate(issuer: tuple[rsa.RSAPrivateKey, x509.Certificate], name: str,
                            rpps: str, *, valid_until: dt.datetime | None = None
                            ) -> tuple[rsa.RSAPrivateKey, bytes]:
    """A card-like certificate issued by a test authority, valid from 2026-01-01."""
    issuer_key, issuer_certificate = issuer
    key, self_signed_der = card_certificate(name, rpps, valid_until=valid_until)
    template = x509.load_der_x509_certificate(self_signed_der)
    certificate = (
        x509.CertificateBuilder().subject_name(template.subject)
        .issuer_name(issuer_certificate.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(template.not_valid_before_utc)
        .not_valid_after(template.not_valid_after_utc)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_key.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256()))
    return key, certificate.public_bytes(serialization.Encoding.DER)


def self_signed(common_name: str, *extensions: tuple[x509.ExtensionType, bool]
                ) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A key and a self-signed certificate valid from yesterday for 30 days."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1))
               .not_valid_after(now + dt.timedelta(days=30)))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return key, builder.sign(key, hashes.SHA256())


def signer(key: rsa.RSAPrivateKey):
    """A card's `Signer` with a software key: PKCS#1 v1.5 over the message's SHA-256."""

    def sign(message: bytes) -> bytes:
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    return sign
