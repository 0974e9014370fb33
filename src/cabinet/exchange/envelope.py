"""Encrypt an export to its recipient's certificate: CMS EnvelopedData (S/MIME), AES-256.

Only the holder of the certificate's private key (a colleague's CPS, a successor's card)
opens it, with any S/MIME tool (`openssl cms -decrypt`).
"""

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7

from cabinet.errors import KnownError


def recipient_certificate(blob: bytes) -> x509.Certificate:
    """Load a recipient's certificate (PEM or DER), refusing anything else in French."""
    try:
        if b"-----BEGIN" in blob:
            return x509.load_pem_x509_certificate(blob)
        return x509.load_der_x509_certificate(blob)
    except ValueError:
        raise KnownError("Le fichier choisi n'est pas un certificat (.pem, .cer ou .der).") \
            from None


def encrypt_for(content: bytes, certificate: x509.Certificate) -> bytes:
    """`content` as DER CMS EnvelopedData for `certificate`'s holder."""
    try:
        return (pkcs7.PKCS7EnvelopeBuilder().set_data(content)
                .set_content_encryption_algorithm(algorithms.AES256)
                .add_recipient(certificate)
                .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary]))
    except (TypeError, ValueError):
        raise KnownError("Ce certificat ne permet pas le chiffrement (clé RSA attendue).") \
            from None
