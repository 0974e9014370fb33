"""The archive's transport envelope: the zip, encrypted in authenticated chunks.

A practice is gigabytes, so the envelope is written as a stream and read back with random
access (a zip's directory is at its end) without any clear byte touching the disk:

    "CABARCH1" | header length (4 bytes, big-endian) | header (JSON, UTF-8) | chunks

Every chunk is AES-256-GCM over at most `chunk_size` bytes; its nonce is the header's 7-byte
prefix, the chunk's number (4 bytes) and a last-chunk flag (1 byte), and the whole header is
its additional data. A reordered, dropped, altered or truncated chunk, or a changed header,
fails authentication. The 256-bit content key is wrapped for one recipient: the successor's
certificate (RSA PKCS#1 v1.5, what CPS cards decrypt and S/MIME uses), or a passphrase shown
once (random, 184 bits, so HKDF suffices and no slow derivation is needed).
"""

import base64
import hashlib
import hmac
import io
import json
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding

from cabinet.errors import KnownError
from cabinet.exchange.envelope import NOT_FOR_ENCRYPTION
from cabinet.keys.recovery import format_recovery_key, parse_recovery_key
from cabinet.keys.wrapping import KEY_BYTES, derive_key

MAGIC = b"CABARCH1"
FORMAT = "cabinet-archive-envelope/1"
CHUNK_SIZE = 1 << 20
TAG_BYTES = 16
_PREFIX_BYTES = 7
_MAX_HEADER = 64 * 1024
_KEK_PURPOSE = "archive-passphrase"

BY_PASSPHRASE = "passphrase"  # noqa: S105 - a label, not a secret
WRONG_KEY = "Cette clé n'ouvre pas l'archive : elle a été chiffrée pour quelqu'un d'autre."
Decrypter = Callable[[bytes], bytes]
"""Decrypts the wrapped content key with the recipient's private key (card or file)."""


class EnvelopeError(KnownError):
    """The file is not an archive envelope, or it was altered, truncated or not for us."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise EnvelopeError("L'en-tête de l'archive est mal formé.") from None


@dataclass(frozen=True)
class Recipient:
    """Who can open the envelope: a certificate's holder, or whoever has the passphrase."""

    certificate: x509.Certificate | None = None
    passphrase: str = ""

    @classmethod
    def new_passphrase(cls) -> "Recipient":
        """A random passphrase, to be shown once to the outgoing physician."""
        return cls(passphrase=format_recovery_key(secrets.token_bytes(23)))

    def description(self) -> str:
        """The recipient as the export's journal line names it (never the passphrase)."""
        if self.certificate is not None:
            return f"certificat {self.certificate.subject.rfc4514_string()}"
        return "phrase secrète"

    def manifest_name(self) -> str:
        """How the signed manifest names this recipient, to tell apart a re-wrapped envelope.

        « passphrase », or the certificate's SHA-256 fingerprint.
        """
        if self.certificate is not None:
            return _fingerprint(self.certificate)
        return BY_PASSPHRASE

    def wrap(self, content_key: bytes) -> dict[str, str]:
        """The header's description of this recipient, holding the wrapped content key."""
        if self.certificate is not None:
            public_key = self.certificate.public_key()
            if not isinstance(public_key, rsa.RSAPublicKey):
                raise KnownError(NOT_FOR_ENCRYPTION)
            return {"kind": "certificate",
                    "certificate": _b64(self.certificate.public_bytes(Encoding.DER)),
                    "wrapped_key": _b64(public_key.encrypt(content_key, padding.PKCS1v15()))}
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        kek = derive_key(parse_recovery_key(self.passphrase), salt=salt,
                         purpose=_KEK_PURPOSE)
        return {"kind": "passphrase", "kdf": "HKDF-SHA256", "salt": _b64(salt),
                "nonce": _b64(nonce),
                "wrapped_key": _b64(AESGCM(kek).encrypt(nonce, content_key, MAGIC))}


def _fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def _key_check(content_key: bytes) -> bytes:
    """Tells a wrong key at once (RSA PKCS#1 v1.5 decryption never fails loudly)."""
    return hmac.digest(content_key, b"cabinet archive key check", "sha256")[:16]


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, int(last))


class EnvelopeWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given into `sink`, chunk by chunk.

    `tell()` counts clear bytes, which is all `zipfile` needs to write a zip into it.
    """

    def __init__(self, sink: IO[bytes], recipient: Recipient,
                 chunk_size: int = CHUNK_SIZE) -> None:
        super().__init__()
        content_key = secrets.token_bytes(KEY_BYTES)
        self._prefix = secrets.token_bytes(_PREFIX_BYTES)
        header = {"format": FORMAT, "cipher": "AES-256-GCM", "chunk_size": chunk_size,
                  "nonce_prefix": _b64(self._prefix), "recipient": recipient.wrap(content_key),
                  "key_check": _b64(_key_check(content_key))}
        body = json.dumps(header, sort_keys=True).encode()
        self._aad = MAGIC + struct.pack(">I", len(body)) + body
        sink.write(self._aad)
        self._sink = sink
        self._aead = AESGCM(content_key)
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._index = 0
        self._written = 0

    def writable(self) -> bool:
        """Part of the file-object protocol."""
        return True

    def tell(self) -> int:
        """Clear bytes written so far."""
        return self._written

    def write(self, data: Any) -> int:
        """Buffer `data`, encrypting every full chunk as it fills."""
        view = bytes(data)
        self._buffer += view
        self._written += len(view)
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[:self._chunk_size]), last=False)
            del self._buffer[:self._chunk_size]
        return len(view)

    def _emit(self, clear: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index, last)
        self._sink.write(self._aead.encrypt(nonce, clear, self._aad))
        self._index += 1

    def close(self) -> None:
        """Write the last chunk (flagged, possibly empty): a truncated file cannot pass."""
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


class EnvelopeReader(io.RawIOBase):
    """A read-only, seekable view of the clear archive, decrypting one chunk at a time."""

    def __init__(self, source: IO[bytes], open_key: Callable[[dict[str, Any]], bytes]) -> None:
        super().__init__()
        self._source = source
        header, self._aad = _read_header(source)
        self.header = header
        self._prefix = _unb64(header["nonce_prefix"])
        self._chunk_size = header["chunk_size"]
        if len(self._prefix) != _PREFIX_BYTES or not 0 < self._chunk_size <= 64 * CHUNK_SIZE:
            raise EnvelopeError("L'en-tête de l'archive est mal formé.")
        content_key = open_key(header["recipient"])
        expected = _unb64(header.get("key_check"))
        if len(content_key) != KEY_BYTES or \
                not hmac.compare_digest(_key_check(content_key), expected):
            raise EnvelopeError(WRONG_KEY)
        certificate = recipient_certificate_of(header)
        # who opened it, named as the manifest names its recipient
        self.opened_for = BY_PASSPHRASE if certificate is None else _fingerprint(certificate)
        self._aead = AESGCM(content_key)
        self._body_start = source.seek(0, io.SEEK_CUR)
        body = source.seek(0, io.SEEK_END) - self._body_start
        stride = self._chunk_size + TAG_BYTES
        full, rest = divmod(body, stride)
        if rest == 0 and full:  # the last chunk is full: the clear size is a multiple
            self._chunks, last_size = full, self._chunk_size
        else:
            self._chunks, last_size = full + 1, rest - TAG_BYTES
        if last_size < 0:
            raise EnvelopeError("L'archive est tronquée : elle a été coupée pendant la copie.")
        self.size = (self._chunks - 1) * self._chunk_size + last_size
        self._position = 0
        self._cached: tuple[int, bytes] = (-1, b"")
        self._chunk(self._chunks - 1)  # a truncated file fails here, before any use

    def _chunk(self, index: int) -> bytes:
        if self._cached[0] == index:
            return self._cached[1]
        stride = self._chunk_size + TAG_BYTES
        self._source.seek(self._body_start + index * stride)
        sealed = self._source.read(stride)
        try:
            clear = self._aead.decrypt(_nonce(self._prefix, index, index == self._chunks - 1),
                                       sealed, self._aad)
        except InvalidTag:
            raise EnvelopeError(
                "L'archive a été modifiée ou tronquée (bloc chiffré n° "
                f"{index + 1} invalide) : elle ne peut pas être importée.") from None
        self._cached = (index, clear)
        return clear

    def readable(self) -> bool:
        """Part of the file-object protocol."""
        return True

    def seekable(self) -> bool:
        """Part of the file-object protocol."""
        return True

    def tell(self) -> int:
        """Position in the clear archive."""
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move within the clear archive (no decryption until read)."""
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        """Fill `buffer` from the current position, crossing chunks as needed."""
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._position < self.size:
            index, offset = divmod(self._position, self._chunk_size)
            piece = self._chunk(index)[offset:offset + len(view) - done]
            view[done:done + len(piece)] = piece
            done += len(piece)
            self._position += len(piece)
        return done


def read_header(source: IO[bytes]) -> dict[str, Any]:
    """The envelope's header (who it is for), read without any key."""
    return _read_header(source)[0]


def _read_header(source: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    """The parsed header, and its bytes as written (the chunks' additional data)."""
    start = source.read(len(MAGIC) + 4)
    if len(start) < len(MAGIC) + 4 or not start.startswith(MAGIC):
        raise EnvelopeError("Ce fichier n'est pas une archive de portabilité Cabinet.")
    (length,) = struct.unpack(">I", start[len(MAGIC):])
    body = source.read(length) if length <= _MAX_HEADER else b""
    try:
        header = json.loads(body)
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT or \
            header.get("cipher") != "AES-256-GCM" or \
            not isinstance(header.get("recipient"), dict) or \
            type(header.get("chunk_size")) is not int or \
            not all(isinstance(header.get(k), str) for k in ("nonce_prefix", "key_check")):
        raise EnvelopeError("L'en-tête de l'archive est mal formé ou d'une version inconnue.")
    return header, start + body


def recipient_certificate_of(header: dict[str, Any]) -> x509.Certificate | None:
    """The certificate the archive was encrypted for, if any (to name its holder)."""
    recipient = header["recipient"]
    if recipient.get("kind") != "certificate":
        return None
    try:
        return x509.load_der_x509_certificate(_unb64(recipient.get("certificate")))
    except ValueError:
        raise EnvelopeError("L'en-tête de l'archive est mal formé.") from None


def key_opener(*, passphrase: str = "",
               decrypter: Decrypter | None = None) -> Callable[[dict[str, Any]], bytes]:
    """How to unwrap the content key: with the passphrase, or the recipient's private key."""

    def open_key(recipient: dict[str, Any]) -> bytes:
        kind = recipient.get("kind")
        wrapped = _unb64(recipient.get("wrapped_key"))
        if kind == "passphrase":
            if not passphrase:
                raise EnvelopeError("Cette archive s'ouvre avec sa phrase secrète.")
            kek = derive_key(parse_recovery_key(passphrase, what="La phrase secrète"),
                             salt=_unb64(recipient.get("salt")), purpose=_KEK_PURPOSE)
            try:
                return AESGCM(kek).decrypt(_unb64(recipient.get("nonce")), wrapped, MAGIC)
            except (InvalidTag, ValueError):
                raise EnvelopeError("Cette phrase secrète n'ouvre pas l'archive.") from None
        if kind == "certificate":
            if decrypter is None:
                raise EnvelopeError("Cette archive s'ouvre avec la carte de son destinataire.")
            if isinstance(decrypter, SoftwareDecrypter):
                decrypter.check(recipient_certificate_of({"recipient": recipient}))
            return decrypter(wrapped)
        raise EnvelopeError("L'en-tête de l'archive est d'une version inconnue.")

    return open_key


@dataclass(frozen=True)
class SoftwareDecrypter:
    """A recipient's key held in a file (a successor without a CPS, and the tests).

    A card shows its certificate before deciphering; a file key must match the header's
    certificate too, or an envelope wrapped for it under another's name would pass as theirs.
    """

    private_key: rsa.RSAPrivateKey

    def check(self, certificate: x509.Certificate | None) -> None:
        """Refuse a header certificate that is not this key's."""
        if certificate is None or certificate.public_key() != self.private_key.public_key():
            raise EnvelopeError(WRONG_KEY)

    def __call__(self, wrapped: bytes) -> bytes:
        """The content key, deciphered."""
        try:
            return self.private_key.decrypt(wrapped, padding.PKCS1v15())
        except ValueError:
            raise EnvelopeError(WRONG_KEY) from None


def software_decrypter(private_key: rsa.RSAPrivateKey) -> SoftwareDecrypter:
    """The file key as a `Decrypter`."""
    return SoftwareDecrypter(private_key)
