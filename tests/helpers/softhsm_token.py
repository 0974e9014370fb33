"""Real PKCS#11 tokens for the card tests: SoftHSM2 under a private configuration.

What it is for: the key and certificate of a test "card" live on a SoftHSM2 token, reached
through python-pkcs11 exactly as the app reaches a CPS card through the Cryptolib CPS module:
log in with the PIN, sign a SHA-256 DigestInfo built by the caller with CKM_RSA_PKCS (the only
mechanism a CPS3 authentication key accepts, DESIGN.md §3), read the certificate object.

How a token is made (`SoftHsm.create_token`):
1. `softhsm2-util --init-token --free` under SOFTHSM2_CONF pointing at a private tokendir;
2. an RSA-2048 key pair generated ON the token (label and id "auth", private key sensitive,
   not extractable, signing only: like a card's key, it never exists outside the token);
3. a self-signed X.509 certificate whose subject carries what the app reads from a CPS
   certificate (holder name in CN, RPPS in serialNumber). cryptography cannot sign with a
   PKCS#11 key, so: CertificateBuilder builds the certificate around the token's public key
   and signs it with a throw-away software key, only to get the TBS bytes (same signature
   algorithm, sha256WithRSAEncryption, so the TBS is identical); the TBS is then signed on
   the token through the same DigestInfo + CKM_RSA_PKCS path as the app's, and the
   certificate is reassembled in DER and checked with `verify_directly_issued_by`;
4. the certificate is stored on the token as a CKO_CERTIFICATE object (label/id "auth").
The token's serial number is the card emulator's serial (card_fixtures.py), so code can tell
which token belongs to the card in the reader.

Pitfalls: SoftHSM reads SOFTHSM2_CONF and scans its tokens at C_Initialize; a token made once
the module is loaded in this process needs `lib.reinitialize()` (done here), which closes every
open session of the process. SoftHSM never blocks a PIN: a wrong PIN gives CKR_PIN_INCORRECT
(`pkcs11.exceptions.PinIncorrect`) and sets CKF_USER_PIN_COUNT_LOW, however many times.
Must never: hold anything real. PINs are the fixed test values; the tokens die with the run.
"""

import os
import secrets
import shutil
import subprocess
import sysconfig
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

INSTALL_HINT = ("run `sudo bash tests/run_all.sh` once (it installs the test stack), or "
                "`sudo apt-get install -y softhsm2`")
KEY_LABEL, KEY_ID = "auth", b"auth"
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
SHA256_WITH_RSA = bytes.fromhex("300d06092a864886f70d01010b0500")  # AlgorithmIdentifier


def find_module() -> str:
    """The path of libsofthsm2.so (Debian's, multiarch or not)."""
    multiarch = sysconfig.get_config_var("MULTIARCH") or "x86_64-linux-gnu"
    for candidate in ("/usr/lib/softhsm/libsofthsm2.so",
                      f"/usr/lib/{multiarch}/softhsm/libsofthsm2.so",
                      "/usr/local/lib/softhsm/libsofthsm2.so"):
        if Path(candidate).exists():
            return candidate
    raise RuntimeError(f"SoftHSM2 is not installed: {INSTALL_HINT}")


def sha256_digest_info(data: bytes) -> bytes:
    """DER DigestInfo { sha256, SHA-256(data) }: what CKM_RSA_PKCS signs for a CPS3 card."""
    return SHA256_DIGEST_INFO_PREFIX + sha256(data).digest()


def sign(session: Any, data: bytes) -> bytes:
    """Sign `data` with the token's "auth" key: SHA-256 DigestInfo, then CKM_RSA_PKCS."""
    import pkcs11

    key = session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=KEY_LABEL)
    return bytes(key.sign(sha256_digest_info(data), mechanism=pkcs11.Mechanism.RSA_PKCS))


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


@dataclass(frozen=True)
class CardToken:
    """What a test needs to reach one token: label, serial, PIN, certificate, module."""

    label: str
    serial: str
    holder: str
    rpps: str
    pin: str
    so_pin: str
    certificate: x509.Certificate
    module_path: str


class SoftHsm:
    """A private SoftHSM2 (own config and token directory); sets SOFTHSM2_CONF for the process."""

    def __init__(self) -> None:
        if shutil.which("softhsm2-util") is None:
            raise RuntimeError(f"softhsm2-util is missing: {INSTALL_HINT}")
        self.module_path = find_module()
        self.root = Path(tempfile.mkdtemp(prefix="cabinet-softhsm-"))
        (self.root / "tokens").mkdir()
        self.config = self.root / "softhsm2.conf"
        self.config.write_text(f"directories.tokendir = {self.root / 'tokens'}\n"
                               "objectstore.backend = file\nlog.level = ERROR\n")
        os.environ["SOFTHSM2_CONF"] = str(self.config)

    def lib(self) -> Any:
        import pkcs11

        return pkcs11.lib(self.module_path)

    def create_token(self, holder: str, rpps: str, *, label: str | None = None,
                     pin: str = "1234", so_pin: str = "12345678",
                     not_after: datetime | None = None, stale_certificate: bool = False,
                     decrypt_only_key: bool = False) -> CardToken:
        """A new token holding an "auth" key pair and a certificate for this holder.

        `stale_certificate`: the certificate object shown is this holder's, but for another
        key (what a middleware's stale cache returns). `decrypt_only_key`: a second key pair,
        "dec", that may decrypt but not sign, whose certificate says non-repudiation (so a
        choice by certificate alone would pick it to sign documents).
        """
        import pkcs11

        label = label or f"CARTE TEST {rpps}"
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label,
                        "--pin", pin, "--so-pin", so_pin],
                       check=True, capture_output=True, env=os.environ)
        lib = self.lib()
        lib.reinitialize()  # SoftHSM lists the tokens made since C_Initialize only after this
        token = lib.get_token(token_label=label)
        with token.open(rw=True, user_pin=pin) as session:
            public, _ = session.generate_keypair(
                pkcs11.KeyType.RSA, 2048, label=KEY_LABEL, id=KEY_ID, store=True,
                capabilities=(pkcs11.MechanismFlag.SIGN | pkcs11.MechanismFlag.VERIFY
                              | pkcs11.MechanismFlag.DECRYPT | pkcs11.MechanismFlag.ENCRYPT),
                private_template={pkcs11.Attribute.SENSITIVE: True,
                                  pkcs11.Attribute.EXTRACTABLE: False})
            public_key = rsa.RSAPublicNumbers(
                int.from_bytes(public[pkcs11.Attribute.PUBLIC_EXPONENT], "big"),
                int.from_bytes(public[pkcs11.Attribute.MODULUS], "big")).public_key()
            certificate = self._certificate(session, public_key, holder, rpps, not_after)
            if stale_certificate:
                certificate = self._software_certificate(holder, rpps, non_repudiation=False)
            if decrypt_only_key:
                self._add_decrypt_only_key(session, holder, rpps)
            session.create_object({
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                pkcs11.Attribute.TOKEN: True,
                pkcs11.Attribute.LABEL: KEY_LABEL,
                pkcs11.Attribute.ID: KEY_ID,
                pkcs11.Attribute.SUBJECT: certificate.subject.public_bytes(),
                pkcs11.Attribute.ISSUER: certificate.issuer.public_bytes(),
                pkcs11.Attribute.VALUE: certificate.public_bytes(Encoding.DER),
            })
        return CardToken(label=label, serial=token.serial.decode("ascii").strip(),
                         holder=holder, rpps=rpps, pin=pin, so_pin=so_pin,
                         certificate=certificate, module_path=self.module_path)

    @staticmethod
    def _certificate(session: Any, public_key: rsa.RSAPublicKey, holder: str, rpps: str,
                     not_after: datetime | None) -> x509.Certificate:
        now = datetime.now(UTC)
        name = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CARTE DE TEST CABINET (LOGICIELLE)"),
            x509.NameAttribute(NameOID.TITLE, "Médecin"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, rpps),
            x509.NameAttribute(NameOID.COMMON_NAME, holder),
        ])
        builder = (x509.CertificateBuilder()
                   .subject_name(name).issuer_name(name).public_key(public_key)
                   .serial_number(int.from_bytes(secrets.token_bytes(8), "big"))
                   .not_valid_before(now - timedelta(days=365))  # before any test clock
                   .not_valid_after(not_after or now + timedelta(days=3 * 365))
                   .add_extension(x509.KeyUsage(True, False, False, False, False, False,
                                                False, False, False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                                  critical=False))
        throwaway = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        tbs = builder.sign(throwaway, hashes.SHA256()).tbs_certificate_bytes
        signature = sign(session, tbs)
        der = _der(0x30, tbs + SHA256_WITH_RSA + _der(0x03, b"\x00" + signature))
        certificate = x509.load_der_x509_certificate(der)
        certificate.verify_directly_issued_by(certificate)  # the token really signed it
        return certificate

    @classmethod
    def _add_decrypt_only_key(cls, session: Any, holder: str, rpps: str) -> None:
        import pkcs11

        public, _ = session.generate_keypair(
            pkcs11.KeyType.RSA, 2048, label="dec", id=b"dec", store=True,
            capabilities=pkcs11.MechanismFlag.DECRYPT | pkcs11.MechanismFlag.ENCRYPT,
            private_template={pkcs11.Attribute.SENSITIVE: True, pkcs11.Attribute.SIGN: False,
                              pkcs11.Attribute.EXTRACTABLE: False})
        public_key = rsa.RSAPublicNumbers(
            int.from_bytes(public[pkcs11.Attribute.PUBLIC_EXPONENT], "big"),
            int.from_bytes(public[pkcs11.Attribute.MODULUS], "big")).public_key()
        certificate = cls._software_certificate(holder, rpps, non_repudiation=True,
                                                public_key=public_key)
        session.create_object({
            pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
            pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
            pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: "dec",
            pkcs11.Attribute.ID: b"dec",
            pkcs11.Attribute.SUBJECT: certificate.subject.public_bytes(),
            pkcs11.Attribute.ISSUER: certificate.issuer.public_bytes(),
            pkcs11.Attribute.VALUE: certificate.public_bytes(Encoding.DER)})

    @staticmethod
    def _software_certificate(holder: str, rpps: str, *, non_repudiation: bool,
                              public_key: rsa.RSAPublicKey | None = None) -> x509.Certificate:
        """This holder's certificate for `public_key` (else a throw-away key's)."""
        issuer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(UTC)
        name = x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, rpps),
                          x509.NameAttribute(NameOID.COMMON_NAME, holder)])
        return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(public_key or issuer_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=365))
                .not_valid_after(now + timedelta(days=3 * 365))
                .add_extension(x509.KeyUsage(True, non_repudiation, not non_repudiation, False,
                                             False, False, False, False, False), critical=True)
                .sign(issuer_key, hashes.SHA256()))

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
