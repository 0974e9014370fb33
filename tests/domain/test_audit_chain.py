import dataclasses
import hashlib
import re

import pytest

from cabinet.domain.audit import GENESIS_HASH, AccessMode, Action, Actor, AuditEvent, chain_hash

ACTOR = Actor(name="Dr Jeanne Martin", identifier="10001234567", mode=AccessMode.CARD,
              workstation="POSTE-1")
EVENT = AuditEvent.by(ACTOR, at="2024-06-15T09:30:00+00:00", action=Action.READ,
                      patient_id=42, target="record", detail="")

# A different value for each field of AuditEvent.
CHANGES = {
    "at": "2024-06-15T09:30:01+00:00",
    "actor": "Dr Paul Martin",
    "actor_id": "10001234568",
    "mode": AccessMode.DEGRADED.value,
    "workstation": "POSTE-2",
    "action": Action.EXPORT.value,
    "patient_id": 43,
    "target": "entry:7",
    "detail": "history",
}


def test_changes_cover_every_field() -> None:
    assert set(CHANGES) == {f.name for f in dataclasses.fields(AuditEvent)}


def test_by_copies_the_actor() -> None:
    assert (EVENT.actor, EVENT.actor_id, EVENT.mode, EVENT.workstation, EVENT.action) == (
        "Dr Jeanne Martin", "10001234567", "card", "POSTE-1", "read")


def test_hash_is_deterministic_sha256_hex() -> None:
    first = chain_hash(GENESIS_HASH, EVENT)
    again = chain_hash(GENESIS_HASH, dataclasses.replace(EVENT))
    assert first == again
    assert re.fullmatch(r"[0-9a-f]{64}", first)


def test_hash_matches_the_documented_canonical_form() -> None:
    canonical = (
        '{"action":"read","actor":"Dr Jeanne Martin","actor_id":"10001234567",'
        '"at":"2024-06-15T09:30:00+00:00","detail":"","mode":"card","patient_id":42,'
        '"target":"record","workstation":"POSTE-1"}'
    )
    expected = hashlib.sha256(f"{GENESIS_HASH}\n{canonical}".encode()).hexdigest()
    assert chain_hash(GENESIS_HASH, EVENT) == expected


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_hash_changes_when_any_field_changes(field: str) -> None:
    changed = dataclasses.replace(EVENT, **{field: CHANGES[field]})
    assert chain_hash(GENESIS_HASH, changed) != chain_hash(GENESIS_HASH, EVENT)


def test_no_patient_differs_from_patient_zero() -> None:
    none = dataclasses.replace(EVENT, patient_id=None)
    zero = dataclasses.replace(EVENT, patient_id=0)
    assert chain_hash(GENESIS_HASH, none) != chain_hash(GENESIS_HASH, zero)


def test_hash_changes_when_previous_hash_changes() -> None:
    other = "0" * 63 + "1"
    assert chain_hash(other, EVENT) != chain_hash(GENESIS_HASH, EVENT)


def test_altering_an_event_breaks_every_later_link() -> None:
    events = [dataclasses.replace(EVENT, at=f"2024-06-15T09:3{i}:00+00:00") for i in range(3)]

    def links(chain: list[AuditEvent]) -> list[str]:
        hashes, previous = [], GENESIS_HASH
        for event in chain:
            previous = chain_hash(previous, event)
            hashes.append(previous)
        return hashes

    original = links(events)
    tampered = links([events[0], dataclasses.replace(events[1], detail="x"), events[2]])
    assert tampered[0] == original[0]
    assert tampered[1] != original[1]
    assert tampered[2] != original[2]
