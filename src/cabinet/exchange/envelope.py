"""Encrypt an export to its recipient's certificate: CMS EnvelopedData (S/MIME), AES-256.

Only the holder of the certificate's private key (a colleague's CPS, a successor's card)
opens it, with any S/MIME tool (`openssl cms -decrypt`).
"""

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7

from cabinet.errors import KnownError

NOT_FOR_ENCRYPTION = "Ce certificat ne permet pas le chiffrement (clé RSA attendue)."


def recipient_certificate(blob: bytes) -> x509.Certificate:
    """Load a recipient's certificate (PEM or DER) with an RSA key to encrypt to.

    Anything else is refused in French.
    """
    try:
        certificate = (x509.load_pem_x509_certificate(blob) if b"-----BEGIN" in blob
                       else x509.load_der_x509_certificate(blob))
    except ValueError:
        raise KnownError("Le fichier choisi n'est pas un certificat (.pem, .cer ou .der).") \
            from None
    if not isinstance(certificate.public_key(), rsa.RSAPublicKey):
        raise KnownError(NOT_FOR_ENCRYPTION)
    return certificate


def certificate_file(path: Path) -> tuple[bytes, x509.Certificate]:
    """A recipient's certificate file: its bytes and the certificate, or `KnownError`."""
    try:
        blob = path.read_bytes()
    except OSError:
        raise KnownError("Ce fichier ne peut pas être lu.") from None
    return blob, recipient_certificate(blob)


def encrypt_for(content: bytes, certificate: x509.Certificate) -> bytes:
    """`content` as DER CMS EnvelopedData for `certificate`'s holder."""
    try:
        return (pkcs7.PKCS7EnvelopeBuilder().set_data(content)
                .set_content_encryption_algorithm(algorithms.AES256)
                .add_recipient(certificate)
                .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary]))
    except (TypeError, ValueError):
        raise KnownError(NOT_FOR_ENCRYPTION) from None
