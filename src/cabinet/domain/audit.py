"""The audit journal's rules (TRACE-1, TRACE-2): what an event holds and how the chain links.

Each event carries the SHA-256 of the previous one, so changing, inserting or removing an
event in the middle of the journal breaks every hash after it. Events never hold patient
data in clear text beyond the patient's internal number: the journal says who did what to
which record, not what the record says.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64
ANCHOR_ALERT = "journal anchor"
"""The target of an alert raised when the journal is older or shorter than at the last lock."""
ANCHOR_ACKNOWLEDGED = "journal anchor acknowledged"
"""The target of the titular physician's acknowledgement of the anchor alerts so far."""
_DIGEST_MARK = " sha256="
ENTRY_DIGESTED = ("patient_id", "kind", "lineage", "version", "effective_date", "payload",
                  "non_communicable", "author", "created_at", "reason")
"""What an entry version's digest covers: every stored column but its row number."""


class AccessMode(StrEnum):
    """How the person at the keyboard got in."""

    CARD = "card"
    DEGRADED = "degraded"
    BREAK_GLASS = "break_glass"
    RECOVERY = "recovery"
    DEMO = "demo"


ACCESS_MODE_LABELS = {
    AccessMode.CARD: "carte CPS",
    AccessMode.DEGRADED: "mode dégradé (mot de passe)",
    AccessMode.BREAK_GLASS: "bris de glace",
    AccessMode.RECOVERY: "clé de secours",
    AccessMode.DEMO: "démonstration",
}


class Action(StrEnum):
    """What was done."""

    CONNECT = "connect"
    CONNECT_FAILED = "connect_failed"
    LOCK = "lock"
    READ = "read"
    CREATE = "create"
    CORRECT = "correct"
    EXPORT = "export"
    PRINT = "print"
    SEARCH = "search"
    ADMIN = "admin"
    ERASE = "erase"


@dataclass(frozen=True)
class Actor:
    """The person at the keyboard, as identified by how they got in (AUTH-5)."""

    name: str
    identifier: str
    mode: AccessMode
    workstation: str


@dataclass(frozen=True)
class AuditEvent:
    """One line of the journal, before it is chained."""

    at: str
    actor: str
    actor_id: str
    mode: str
    workstation: str
    action: str
    patient_id: int | None
    target: str
    detail: str

    @classmethod
    def by(cls, actor: Actor, *, at: str, action: Action, patient_id: int | None = None,
           target: str = "", detail: str = "") -> "AuditEvent":
        """Build an event done by `actor`."""
        return cls(at=at, actor=actor.name, actor_id=actor.identifier, mode=actor.mode.value,
                   workstation=actor.workstation, action=action.value, patient_id=patient_id,
                   target=target, detail=detail)


def chain_hash(previous_hash: str, event: AuditEvent) -> str:
    """Return the hash that links `event` to the one before it."""
    canonical = json.dumps(asdict(event), sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


def entry_digest(version: Mapping[str, Any]) -> str:
    """The SHA-256 of an entry version's content, recorded in the event that wrote it.

    The chain protects the event, so an entry changed in place afterwards (its triggers
    dropped by someone holding the data key) no longer matches its event.
    """
    content = {name: version[name] for name in ENTRY_DIGESTED}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def with_digest(detail: str, digest: str) -> str:
    """An entry event's detail carrying the entry version's digest."""
    return f"{detail}{_DIGEST_MARK}{digest}"


def split_digest(detail: str) -> tuple[str, str]:
    """(the detail without its digest, the digest or '')."""
    head, mark, digest = detail.rpartition(_DIGEST_MARK)
    return (head, digest) if mark else (detail, "")


@dataclass(frozen=True)
class ChainReport:
    """The verdict on the journal: how many events were checked and the first broken one."""

    checked: int
    first_broken_id: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        """True when every event links to the one before it."""
        return self.first_broken_id is None

    def summary(self) -> str:
        """A French sentence for the physician."""
        if self.intact:
            return f"Journal intègre : {self.checked} évènement(s) vérifié(s)."
        return (f"Journal altéré à partir de l'évènement n° {self.first_broken_id} : "
                f"{self.reason}.")


JournalRow = tuple[int, AuditEvent, str, str]
"""(id, event, previous hash, hash) as stored."""


class ChainWalker:
    """Checks the journal piece by piece, so a long journal never blocks anyone for long."""

    def __init__(self) -> None:
        self.previous = GENESIS_HASH
        self.last_id = 0
        self.checked = 0
        self.broken: ChainReport | None = None

    def feed(self, rows: Iterable[JournalRow]) -> bool:
        """Check the next rows in journal order; False once a break was found."""
        for event_id, event, prev_hash, stored_hash in rows:
            if prev_hash != self.previous:
                self.broken = ChainReport(self.checked, event_id,
                                          "le lien avec l'évènement précédent est rompu")
                return False
            if chain_hash(self.previous, event) != stored_hash:
                self.broken = ChainReport(self.checked, event_id,
                                          "le contenu a été modifié après écriture")
                return False
            self.previous, self.last_id = stored_hash, event_id
            self.checked += 1
        return True

    def report(self) -> ChainReport:
        """The verdict so far."""
        return self.broken or ChainReport(self.checked)
