"""A real OpenPGP card application (PyPI's smartcard-app-openpgp) in a vpcd reader.

Run by openpgp_card.py with the Python of its own virtual environment: the package's import
name, `smartcard`, clashes with pyscard's. This script only personalises the card the way an
issuer would, through the card's own APDUs (admin PIN, RSA-2048 key attributes, keys
generated on the card, fingerprints, a reset code, the cardholder certificate), then plugs it
into vpcd with virtual_card.py's transport. Every APDU OpenSC sends is answered by the
package's code, except two departures, both named below.

Protocol with the parent: one JSON line {"certificate": base64 DER} once personalised, then
one "ok" line for each "insert" or "remove" line read from standard input; end of input ends.
"""

import base64
import datetime
import hashlib
import json
import logging
import sys
import time

import smartcard.app.openpgp as openpgp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from smartcard import MASTER_FILE_IDENTIFIER, Card
from smartcard.status import SUCCESS
from virtual_card import CTRL_ATR, VirtualCard

ADMIN_PIN = b"12345678"
RESET_CODE = b"87654321"
RSA_2048 = "010800002000"  # algorithm attributes: RSA, 2048-bit modulus, 32-bit exponent
KEYS = (("B6", "C7"), ("B8", "C8"), ("A4", "C9"))  # (control reference, fingerprint DO)

# Departure 1: announce version 2.1. OpenSC reads a version 3 card's certificates with SELECT
# DATA, which this package does not implement; a version 2 card keeps its one certificate in
# DO 7F21, which OpenSC shows as the authentication key's.
openpgp.FSFE_OPENPGP_PIX_VERSION = b"\x02\x01"


class OpenPgp(openpgp.OpenPGP):  # type: ignore[misc]
    """Departure 2: INTERNAL AUTHENTICATE's answer lacks its status word in the package."""

    def internalAuthenticate(self, *args: object, **kwargs: object) -> bytes:  # noqa: N802
        return bytes(super().internalAuthenticate(*args, **kwargs)) + bytes(SUCCESS)


def run(card: Card, apdu: str | bytes) -> bytes:
    command = bytes.fromhex(apdu) if isinstance(apdu, str) else apdu
    response = bytes(card.runAPDU(bytearray(command)))
    if response[-2:] != b"\x90\x00":
        raise RuntimeError(f"{command[:4].hex()} -> {response[-2:].hex()}")
    return response


def put_data(card: Card, tag: str, value: bytes) -> None:
    run(card, bytes.fromhex(f"00DA{tag}") + bytes([0, len(value) >> 8, len(value) & 0xFF])
        + value)


def personalise(holder: str, rpps: str) -> tuple[Card, bytes]:
    card = Card(name=b"py-openpgp")
    application = OpenPgp(identifier=b"\x12\x34")
    application.activateSelf()
    card.createFile(card.traverse((MASTER_FILE_IDENTIFIER,)), application)
    run(card, "00A4040006D27600012401")
    run(card, bytes.fromhex("00200083") + bytes([len(ADMIN_PIN)]) + ADMIN_PIN)
    put_data(card, "00C2", bytes.fromhex(RSA_2048))  # the decryption key: RSA, not X25519
    for reference, _ in KEYS:
        for _ in range(500):  # the package makes keys in a thread: ready within seconds
            answer = bytes(card.runAPDU(bytearray.fromhex(f"00478000000002{reference}000000")))
            if answer[-2:] == b"\x90\x00":
                break
            time.sleep(0.02)
        else:
            raise RuntimeError("no key generated")
    keys = application._v_key_list  # the issuer's view of its own keys
    for (_, fingerprint), key in zip(KEYS, keys, strict=True):
        public = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
        put_data(card, f"00{fingerprint}", hashlib.sha1(public).digest())  # OpenSC skips 0s
    put_data(card, "00D3", RESET_CODE)
    certificate = _certificate(keys[2], holder, rpps)
    put_data(card, "7F21", certificate)
    card.clearVolatile()
    return card, certificate


def _certificate(key: object, holder: str, rpps: str) -> bytes:
    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "CARTE DE TEST CABINET (OPENPGP)"),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, rpps),
        x509.NameAttribute(NameOID.COMMON_NAME, holder)])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key())  # type: ignore[attr-defined]
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=365))
                   .not_valid_after(now + datetime.timedelta(days=3 * 365))
                   .add_extension(x509.KeyUsage(True, False, False, False, False, False,
                                                False, False, False), critical=True)
                   .sign(key, hashes.SHA256()))  # type: ignore[arg-type]
    return certificate.public_bytes(serialization.Encoding.DER)


class InReader(VirtualCard):
    """The personalised card behind vpcd: the package answers; a reset forgets PIN states."""

    card: Card = None

    def respond(self, apdu: bytes) -> bytes:
        return bytes(self.card.runAPDU(bytearray(apdu)))

    def control(self, code: int) -> bytes | None:
        if code != CTRL_ATR:
            self.card.clearVolatile()
        return super().control(code)


def main() -> None:
    logging.disable(logging.CRITICAL)  # the package logs PINs at debug level
    port, holder, rpps = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    card, certificate = personalise(holder, rpps)
    InReader.card = card
    slot = InReader(port=port, atr=bytes(card.getATR()))
    print(json.dumps({"certificate": base64.b64encode(certificate).decode()}), flush=True)
    for line in sys.stdin:
        getattr(slot, line.strip())()
        print("ok", flush=True)
    slot.remove()


if __name__ == "__main__":
    main()
