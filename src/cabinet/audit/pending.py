"""Connection attempts made while the vault is closed, sealed until the next unlock.

A failed attempt cannot enter the journal (the vault stays shut), so it is sealed to the
vault's audit public key (X25519, HKDF, AES-GCM) and appended to a small file. Only the
vault, which holds the private key, can read it; the next unlock moves every sealed line into
the journal, idempotently (each line has an id recorded as the event's target).
"""

import base64
import datetime as dt
import json
import os
import re
import uuid
from dataclasses import asdict, fields
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cabinet.domain.audit import AccessMode, Action, AuditEvent
from cabinet.durability import sync_directory
from cabinet.keys.wrapping import derive_key

_PURPOSE = "pending-audit"
MAX_FIELD = 500
MAX_LOG_BYTES = 2_000_000
_PENDING_TARGET = re.compile(r"^pending:[0-9a-f-]{36}$")


def new_keypair() -> tuple[bytes, bytes]:
    """A fresh (private, public) X25519 pair as raw bytes."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def public_key_of(private_key: bytes) -> bytes:
    """The public half of the vault's pending-log key."""
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def _shared_key(private: X25519PrivateKey, peer: X25519PublicKey, ephemeral_pub: bytes) -> bytes:
    return derive_key(private.exchange(peer), salt=ephemeral_pub, purpose=_PURPOSE)


def seal(event: AuditEvent, public_key: bytes) -> str:
    """Encrypt one event for the vault; return one text line."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_pub = ephemeral.public_key().public_bytes_raw()
    key = _shared_key(ephemeral, X25519PublicKey.from_public_bytes(public_key), ephemeral_pub)
    record = dict(asdict(event), target=f"pending:{uuid.uuid4()}")
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, json.dumps(record).encode(), ephemeral_pub)
    return base64.b64encode(ephemeral_pub + nonce + sealed).decode("ascii")


def unseal(line: str, private_key: bytes) -> AuditEvent | None:
    """Decrypt one line; None if it is damaged, foreign, or not a failed attempt.

    Anyone holding the public key can seal a line, so only a failed connection attempt of
    the expected shape is accepted.
    """
    try:
        raw = base64.b64decode(line, validate=True)
        ephemeral_pub, nonce, sealed = raw[:32], raw[32:44], raw[44:]
        private = X25519PrivateKey.from_private_bytes(private_key)
        key = _shared_key(private, X25519PublicKey.from_public_bytes(ephemeral_pub),
                          ephemeral_pub)
        record = json.loads(AESGCM(key).decrypt(nonce, sealed, ephemeral_pub))
    except (ValueError, InvalidTag, TypeError):
        return None
    return _as_failed_attempt(record)


def _as_failed_attempt(record: object) -> AuditEvent | None:
    names = [f.name for f in fields(AuditEvent)]
    if not isinstance(record, dict) or sorted(record) != sorted(names):
        return None
    texts = {k: v for k, v in record.items() if k != "patient_id"}
    if record["patient_id"] is not None or not all(
            isinstance(v, str) and len(v) <= MAX_FIELD for v in texts.values()):
        return None
    if (record["action"] != Action.CONNECT_FAILED.value
            or record["mode"] not in {m.value for m in AccessMode}
            or not _PENDING_TARGET.match(record["target"])):
        return None
    try:
        dt.datetime.fromisoformat(record["at"])
    except ValueError:
        return None
    return AuditEvent(**record)


def append_sealed(path: Path, event: AuditEvent, public_key: bytes) -> None:
    """Append a sealed event durably to the pending log."""
    line = seal(event, public_key) + "\n"
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        sync_directory(path.parent)


def read_sealed(path: Path, private_key: bytes) -> tuple[list[AuditEvent], int]:
    """Every event of the pending log, and how many lines could not be read (bounded)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LOG_BYTES + 1)
    except FileNotFoundError:
        return [], 0
    lines = data[:MAX_LOG_BYTES].decode("ascii", errors="replace").splitlines()
    if len(data) > MAX_LOG_BYTES:
        lines.append("tronqué")  # the cut-off rest counts as one unreadable line
    events = [unseal(line, private_key) for line in lines if line.strip()]
    return [e for e in events if e is not None], sum(e is None for e in events)
