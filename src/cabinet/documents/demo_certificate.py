"""The demo vault's signing certificate: self-signed, named "DEMO — sans valeur".

Generated once per process and never stored: a demo document proves nothing, and its
verification says so (no trust anchor can accept it).
"""

import datetime as dt
import functools

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from cabinet.documents.signing import DocumentSigner

DEMO_NAME = "DEMO — sans valeur"


@functools.cache
def demo_signer() -> DocumentSigner:
    """A software signer whose certificate says it is worthless."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DEMO_NAME),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Cabinet (démonstration)")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=False, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))

    def sign(data: bytes) -> bytes:
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    return DocumentSigner(certificate.public_bytes(serialization.Encoding.DER), sign,
                          holder=DEMO_NAME, demo=True)
