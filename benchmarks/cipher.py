"""What encryption costs: the same workload on the vault and on a plaintext copy of it.

The copy is made by SQLCipher itself (`sqlcipher_export` into a database attached with an
empty key), so both files hold the same rows and are read by the same SQLite build; the
plain connection gets the vault connection's pragmas, read back from the live connection
so the two never drift. Reads run through `SqlRecordStore` (the store's SQL, with no audit
write that would add an fsync to both sides); inserts run through `RecordService.add_entry`
on both sides, the app's real write. Caches are warmed before timing: DESIGN's 1.3x target
is for a working set kept in SQLCipher's cache.
"""

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from benchmarks.measures import insert_plan
from benchmarks.queries import FULL_TEXT_QUERIES, SearchQuery
from benchmarks.timing import Stats, time_each
from cabinet.bootstrap import AppContext
from cabinet.domain.record import EntryKind
from cabinet.services.archive_gate import ArchiveGate
from cabinet.services.auditing import AuditTrail
from cabinet.services.patients import PatientService
from cabinet.services.records import FULL_TEXT_LIMIT, RecordService, full_text_query
from cabinet.vault.database import Connection
from cabinet.vault.retention_store import SqlRetentionStore
from cabinet.vault.store import SqlRecordStore

MIRRORED_PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "temp_store", "cache_size",
                    "mmap_size")
PLAIN_HEADER = b"SQLite format 3\x00"
SEARCHES = 600
RECORD_OPENS = 20
FULL_TEXT_ROUNDS = 3
INSERTS = 60


@dataclass
class Side:
    """One database and the objects that run the workload on it."""

    name: str
    store: SqlRecordStore
    patients: PatientService
    records: RecordService


@dataclass(frozen=True)
class Comparison:
    """Per-operation ratios encrypted/plain (p50), with the medians behind them."""

    ratios: dict[str, float]
    encrypted_p50_ms: dict[str, float]
    plain_p50_ms: dict[str, float]
    export_seconds: float

    def as_json(self) -> dict[str, Any]:
        """The detail block of the JSON report."""
        return {"export_seconds": round(self.export_seconds, 2),
                "encrypted_p50_ms": _rounded(self.encrypted_p50_ms),
                "plain_p50_ms": _rounded(self.plain_p50_ms)}


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 3) for key, value in values.items()}


def export_plain(conn: Connection, target: Path) -> float:
    """Write a plaintext copy of the open vault to `target`; return the seconds it took."""
    remove_plain(target)
    start = time.perf_counter()
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
    try:
        conn.execute("SELECT sqlcipher_export('plain')")
    finally:
        conn.execute("DETACH DATABASE plain")
    with target.open("rb") as copy:
        if copy.read(len(PLAIN_HEADER)) != PLAIN_HEADER:
            raise RuntimeError("the exported copy is not a plaintext SQLite database")
    return time.perf_counter() - start


def remove_plain(target: Path) -> None:
    """Delete the plaintext copy and its WAL files (it can be gigabytes at "huge")."""
    for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        path.unlink(missing_ok=True)


def connect_plain(target: Path, like: Connection) -> Connection:
    """Open the copy without a key, with the pragmas `like` (the vault connection) runs with."""
    conn: Connection = sqlcipher3.connect(str(target), isolation_level=None,
                                          check_same_thread=False)
    for pragma in MIRRORED_PRAGMAS:
        value = like.execute(f"PRAGMA {pragma}").fetchone()[0]
        conn.execute(f"PRAGMA {pragma} = {value}")
        mirrored = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
        if str(mirrored).lower() != str(value).lower():
            raise RuntimeError(f"PRAGMA {pragma} is {mirrored} on the copy, {value} on the vault")
    return conn


def plain_side(ctx: AppContext, conn: Connection) -> Side:
    """Services over the plain copy, acting as the same person as the open vault."""
    store = SqlRecordStore(conn)
    trail = AuditTrail(store, ctx.vault.actor, ctx.clock)
    gate = ArchiveGate(SqlRetentionStore(conn), trail)
    return Side("plain", store, PatientService(store, trail), RecordService(store, trail, gate))


def encrypted_side(ctx: AppContext) -> Side:
    """The open vault's own store and services."""
    return Side("encrypted", ctx.vault.store, ctx.patients, ctx.records)


def _workloads(side: Side, searches: Sequence[SearchQuery], record_patient_id: int,
               inserts: Sequence[tuple[int, dict[str, Any]]]
               ) -> dict[str, tuple[Callable[[Any], Any], list[Any]]]:
    texts = [t for family in FULL_TEXT_QUERIES.values() for t in family] * FULL_TEXT_ROUNDS

    def add(item: tuple[int, dict[str, Any]]) -> int:
        return side.records.add_entry(item[0], EntryKind.ENCOUNTER, item[1])

    return {
        "patient_search": (side.patients.search, [q.text for q in searches[:SEARCHES]]),
        "open_record_500": (side.store.current_entries, [record_patient_id] * RECORD_OPENS),
        "full_text": (lambda text: side.store.full_text(full_text_query(text),
                                                        FULL_TEXT_LIMIT), texts),
        "insert_encounter": (add, list(inserts)),
    }


def _same_answers(encrypted: Side, plain: Side, searches: Sequence[SearchQuery],
                  record_patient_id: int) -> None:
    """Refuse to compare timings of two databases that do not answer the same."""
    for query in searches[:50]:
        if encrypted.patients.search(query.text) != plain.patients.search(query.text):
            raise RuntimeError(f"the plain copy answers {query.text!r} differently")
    if [e.id for e in encrypted.store.current_entries(record_patient_id)] != \
            [e.id for e in plain.store.current_entries(record_patient_id)]:
        raise RuntimeError("the plain copy opens the record differently")
    for text in FULL_TEXT_QUERIES["common"]:
        match = full_text_query(text)
        if [e.id for e in encrypted.store.full_text(match, FULL_TEXT_LIMIT)] != \
                [e.id for e in plain.store.full_text(match, FULL_TEXT_LIMIT)]:
            raise RuntimeError(f"the plain copy finds {text!r} differently")


def compare(ctx: AppContext, target: Path, searches: Sequence[SearchQuery],
            record_patient_id: int, rounds: int, seed: int) -> Comparison:
    """Export, then alternate the workload between both sides `rounds` times; clean up."""
    export_seconds = export_plain(ctx.vault.conn, target)
    plain_conn = connect_plain(target, ctx.vault.conn)
    try:
        encrypted, plain = encrypted_side(ctx), plain_side(ctx, plain_conn)
        _same_answers(encrypted, plain, searches, record_patient_id)
        samples: dict[tuple[str, str], Stats] = {}
        for number in range(rounds):
            # Each side gets its own inserts per round, for the same patients and payloads.
            plan = insert_plan(ctx, INSERTS, seed + number)
            for side in (encrypted, plain):
                for operation, (call, arguments) in _workloads(
                        side, searches, record_patient_id, plan).items():
                    warmup = len(arguments) // 10 if operation == "insert_encounter" else \
                        len(arguments)
                    stats = time_each(call, arguments, warmup=warmup if number == 0 else 0)
                    key = (side.name, operation)
                    samples[key] = samples[key].merged(stats) if key in samples else stats
    finally:
        plain_conn.close()
        remove_plain(target)
    operations = sorted({operation for _, operation in samples})
    enc = {op: samples[("encrypted", op)].p50 for op in operations}
    pln = {op: samples[("plain", op)].p50 for op in operations}
    ratios = {op: enc[op] / pln[op] for op in operations}
    ratios["overall"] = math.exp(sum(math.log(r) for r in ratios.values()) / len(ratios))
    return Comparison(ratios, enc, pln, export_seconds)
