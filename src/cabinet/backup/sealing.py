"""The backup's keys, all derived from the vault's data key: nothing on the medium is clear.

Chunk ids are an HMAC of the chunk, so they tell nothing about the content; chunks and
indexes are sealed with AES-256-GCM, bound to what names them, so a chunk moved under another
id, or an index from another practice, fails to open.
"""

import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cabinet.errors import KnownError
from cabinet.keys.wrapping import derive_key

NONCE_BYTES = 12
TAG_BYTES = 16


class DamagedBackup(KnownError):
    """The backup on the medium is incomplete, altered, or not this practice's."""


class BackupKeys:
    """Chunk ids, sealing and markers of one vault's backups."""

    def __init__(self, data_key: bytes, vault_id: str) -> None:
        salt = vault_id.encode()
        self._id_key = derive_key(data_key, salt=salt, purpose="backup-chunk-id")
        self._seal = AESGCM(derive_key(data_key, salt=salt, purpose="backup-seal"))
        self._mark_key = derive_key(data_key, salt=salt, purpose="backup-verified")

    def chunk_id(self, data: bytes) -> str:
        """The chunk's name on the medium."""
        return hmac.new(self._id_key, data, hashlib.sha256).hexdigest()

    def seal(self, data: bytes, bound_to: str) -> bytearray:
        """Encrypt and authenticate `data`, bound to the name `bound_to`.

        Sealed straight into its buffer, nonce first: `encrypt` would allocate the ciphertext
        and then copy it behind the nonce, which costs a full backup more than the cipher.
        """
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = bytearray(NONCE_BYTES + len(data) + TAG_BYTES)
        sealed[:NONCE_BYTES] = nonce
        self._seal.encrypt_into(nonce, data, bound_to.encode(),
                                memoryview(sealed)[NONCE_BYTES:])
        return sealed

    def open(self, sealed: bytes, bound_to: str) -> bytes:
        """The data sealed under `bound_to`, or `DamagedBackup`."""
        try:
            return self._seal.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:],
                                      bound_to.encode())
        except (InvalidTag, ValueError):
            raise DamagedBackup(
                "La sauvegarde est altérée, incomplète, ou ne vient pas de ce cabinet : "
                "elle est refusée.") from None

    def mark(self, statement: str) -> str:
        """The MAC that makes a marker (« verified ») unforgeable without the data key."""
        return hmac.new(self._mark_key, statement.encode(), hashlib.sha256).hexdigest()
