"""What `vault check` compares with the evidence the vault keeps (TRACE-2, DESIGN §2).

Someone holding the data key can drop the append-only triggers and change an entry in place.
The chained journal records the SHA-256 of every entry version it saw written, and the
migrations say which tables, indexes and triggers the vault must have: both are compared
here with what the file holds. Only numbers and names are reported, never record content.
"""

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field

import sqlcipher3

from cabinet.domain.audit import ENTRY_DIGESTED, Action, entry_digest, split_digest
from cabinet.vault.database import Connection, migrate

_KINDS = {"table": ("table", "absente", "modifiée", "ajoutée"),
          "index": ("index", "absent", "modifié", "ajouté"),
          "trigger": ("déclencheur", "absent", "modifié", "ajouté"),
          "view": ("vue", "absente", "modifiée", "ajoutée")}
_VERSION = re.compile(r"^version (\d+)$")
_SCHEMA = ("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
           "ESCAPE '\\'")


@functools.cache
def expected_schema() -> frozenset[tuple[str, str, str]]:
    """(type, name, SQL) of every object the shipped migrations create, built in memory."""
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn)
        return frozenset(conn.execute(_SCHEMA).fetchall())
    finally:
        conn.close()


def schema_differences(conn: Connection) -> list[str]:
    """Each table, index or trigger missing, changed or added outside Cabinet, in French."""
    expected = {(kind, name): sql for kind, name, sql in expected_schema()}
    found = {(kind, name): sql for kind, name, sql in conn.execute(_SCHEMA)}
    problems = []
    for key in sorted(expected.keys() | found.keys()):
        noun, missing, changed, added = _KINDS.get(key[0], (key[0], "absent", "modifié",
                                                            "ajouté"))
        if key not in found:
            problems.append(f"{noun} « {key[1]} » : {missing}")
        elif key not in expected:
            problems.append(f"{noun} « {key[1]} » : {added} hors de Cabinet")
        elif found[key] != expected[key]:
            problems.append(f"{noun} « {key[1]} » : {changed}")
    return problems


@dataclass
class EntryEvidence:
    """The verdict on entries against the digests their journal events carry."""

    matching: int = 0
    without_digest: int = 0
    imported: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One French line for the check's report."""
        line = f"Empreintes des entrées : {self.matching} version(s) conforme(s)"
        if self.without_digest:
            line += f", {self.without_digest} antérieure(s) aux empreintes"
        if self.imported:
            line += f", {self.imported} importée(s) d'une archive"
        return line + (f", {len(self.problems)} problème(s)" if self.problems else "")


def _journaled_digests(conn: Connection) -> dict[tuple[int, int], str]:
    """(lineage, version) → digest ('' for an event written before digests) from the journal."""
    found: dict[tuple[int, int], str] = {}
    for action, target, detail in conn.execute(
            "SELECT action, target, detail FROM audit WHERE target LIKE 'entry:%' "
            "AND action IN (?, ?)", (Action.CREATE.value, Action.CORRECT.value)):
        text, digest = split_digest(detail)
        version = _VERSION.match(text) if action == Action.CORRECT.value else None
        if action == Action.CREATE.value or version:
            found[int(target[6:]), int(version.group(1)) if version else 1] = digest
    return found


def entry_evidence(conn: Connection) -> EntryEvidence:
    """Each entry version changed in place, written or removed outside the journal."""
    journaled = _journaled_digests(conn)
    imported = {row[0] for row in conn.execute(
        "SELECT local_id FROM provenance WHERE kind = 'entry'")}
    evidence = EntryEvidence()
    problems = evidence.problems
    for entry_id, *values in conn.execute(
            f"SELECT id, {', '.join(ENTRY_DIGESTED)} FROM entry ORDER BY id"):
        stored = dict(zip(ENTRY_DIGESTED, values, strict=True))
        name = f"entrée n° {stored['lineage']}, version {stored['version']}"
        digest = journaled.pop((stored["lineage"], stored["version"]), None)
        if digest is None:
            if entry_id in imported:
                evidence.imported += 1
            else:
                problems.append(f"{name} : absente du journal (écrite hors de Cabinet)")
        elif not digest:
            evidence.without_digest += 1
        elif _digest_of(stored) != digest:
            problems.append(f"{name} : contenu modifié après son inscription au journal")
        else:
            evidence.matching += 1
    erased = _erased_lineages(conn)
    problems.extend(f"entrée n° {lineage}, version {version} : inscrite au journal mais absente "
                 "du coffre (supprimée)" for lineage, version in sorted(journaled)
                 if lineage not in erased)
    return evidence


def _erased_lineages(conn: Connection) -> set[int]:
    """Entries destroyed by an erasure the journal records.

    One lineage, or each entry of the record journaled before a whole record's erasure.
    """
    rows = conn.execute(
        "SELECT e.lineage, e.patient_id, a.id FROM erasure e JOIN audit a "
        "ON a.target = 'erasure:' || e.id AND a.action = ?", (Action.ERASE.value,)).fetchall()
    erased = {lineage for lineage, _, _ in rows if lineage is not None}
    for _, patient_id, event in (row for row in rows if row[0] is None):
        erased.update(int(target[6:]) for (target,) in conn.execute(
            "SELECT DISTINCT target FROM audit WHERE patient_id = ? AND id < ? "
            "AND target LIKE 'entry:%'", (patient_id, event)))
    return erased


def _digest_of(stored: dict[str, object]) -> str:
    try:
        payload = json.loads(str(stored["payload"]))
    except ValueError:
        return ""
    return entry_digest({**stored, "payload": payload,
                         "non_communicable": bool(stored["non_communicable"])})


def blob_problems(conn: Connection) -> list[str]:
    """Each stored file whose bytes no longer match the SHA-256 it is addressed by."""
    return [f"fichier {sha256[:16]}… : contenu modifié"
            for sha256, content in conn.execute("SELECT sha256, content FROM blob")
            if hashlib.sha256(content).hexdigest() != sha256]
