"""The key-slot header's format: a small versioned JSON document beside the vault.

The format is the keys' own: every slot module builds and reads its slots here, below the
vault, which only reads and writes the file (`cabinet.vault.header`). It holds the vault's
identity, whether it is a demo vault, the public key that seals pending connection
attempts, and one slot per way in. A slot holds the data key wrapped by
a key derived from that way in; the data key itself is never written here.
The card slot type is added by the card module with the same shape: `type`, `id`,
`created_at`, `wrapped` and type-specific fields under `params`.
"""

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from cabinet.errors import VaultError

FORMAT_NAME = "cabinet-key-slots"
FORMAT_VERSION = 1


def b64(data: bytes) -> str:
    """Encode bytes for the JSON header."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Decode bytes from the JSON header."""
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass
class Slot:
    """One way in: the data key wrapped under a key only that way can rebuild."""

    type: str
    id: str
    created_at: str
    wrapped: dict[str, str]
    params: dict[str, Any] = field(default_factory=dict)
    label: str = ""


@dataclass
class KeyHeader:
    """The whole header file."""

    vault_id: str
    created_at: str
    demo: bool
    audit_public_key: str
    slots: list[Slot] = field(default_factory=list)
    journal_anchor: dict[str, str] = field(default_factory=dict)

    def slots_of(self, slot_type: str) -> list[Slot]:
        """The slots of one type."""
        return [s for s in self.slots if s.type == slot_type]

    def to_bytes(self) -> bytes:
        """Serialise with the format name and version first."""
        doc = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "vault_id": self.vault_id,
            "created_at": self.created_at,
            "demo": self.demo,
            "audit_public_key": self.audit_public_key,
            "slots": [vars(s) for s in self.slots],
            "journal_anchor": self.journal_anchor,
        }
        return json.dumps(doc, indent=2, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "KeyHeader":
        """Parse a header, refusing anything that is not one or comes from a newer version."""
        try:
            doc = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise VaultError("Le fichier de clés du coffre est illisible.") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
            raise VaultError("Ce dossier ne contient pas un coffre Cabinet (fichier inconnu).")
        if not isinstance(doc.get("version"), int) or doc["version"] > FORMAT_VERSION:
            raise VaultError(
                "Ce coffre a été créé par une version plus récente de Cabinet : "
                "mettez le logiciel à jour pour l'ouvrir."
            )
        try:
            slots = [Slot(**s) for s in doc["slots"]]
            return cls(vault_id=str(doc["vault_id"]), created_at=str(doc["created_at"]),
                       demo=bool(doc["demo"]), audit_public_key=str(doc["audit_public_key"]),
                       slots=slots, journal_anchor=dict(doc.get("journal_anchor") or {}))
        except (KeyError, TypeError):
            raise VaultError("Le fichier de clés du coffre est incomplet ou corrompu.") from None

