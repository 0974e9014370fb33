"""Erasure (issue 20, RIGHTS-3, RET-2): one entry on request, a whole record's destruction.

Each erasure is timed as the physician waits for it: the versions, full-text rows, drafts and
files deleted with `secure_delete` on, the full-text index merged again (no old segment keeps
a word), the commit, and the write-ahead log checkpointed and truncated. Encounters of the
vault's patients are erased (each with a scanned request added first, untimed); records of
20-odd encounters are destroyed. The workload vault loses them: noise next to its volume.
Then one `VACUUM` of the whole vault is timed, the alternative that was not chosen.
"""

import functools
import time
from typing import Any

from benchmarks.timing import Stats, time_calls
from cabinet.bootstrap import AppContext
from cabinet.domain.record import EntryKind

ENTRY_ROUNDS = 10
RECORD_ROUNDS = 5
REQUEST = {"doc_type": "scan", "title": "Demande d'effacement", "date": "2026-11-01",
           "filename": "demande.pdf", "media_type": "application/pdf"}


def measure(ctx: AppContext) -> tuple[dict[str, Stats], dict[str, Any]]:
    """Erase encounters on request, destroy records, then time a VACUUM for comparison."""
    conn = ctx.vault.conn
    encounters = conn.execute(
        "SELECT lineage, patient_id FROM entry WHERE kind = ? AND version = 1 "
        "ORDER BY lineage DESC LIMIT ?", (EntryKind.ENCOUNTER.value, ENTRY_ROUNDS)).fetchall()
    requests = {patient: ctx.records.add_document(patient, REQUEST, b"%PDF-1.4 demande")
                for _, patient in encounters}
    records = [row[0] for row in conn.execute(
        "SELECT patient_id FROM entry WHERE kind = ? GROUP BY patient_id "
        "HAVING count(*) BETWEEN 15 AND 30 LIMIT ?",
        (EntryKind.ENCOUNTER.value, RECORD_ROUNDS))]

    def erase(lineage: int, patient: int) -> None:
        ctx.erasure.erase_on_request(lineage, requests[patient], "EFFACER", "bench")

    def destroy(patient: int) -> None:
        ctx.erasure.destroy_record(patient, "bench", "bench")
        ctx.erasure.scrub()

    results = {
        "erasure_entry": time_calls(functools.partial(erase, lineage, patient)
                                    for lineage, patient in encounters),
        "erasure_record": time_calls(functools.partial(destroy, p) for p in records),
    }
    free_pages = conn.execute("PRAGMA freelist_count").fetchone()[0]
    start = time.perf_counter()
    conn.execute("VACUUM")
    vacuum_seconds = time.perf_counter() - start
    size = ctx.vault.layout.database.stat().st_size
    return results, {"entries_erased": len(encounters), "records_destroyed": len(records),
                     "free_pages_before_vacuum": free_pages,
                     "vacuum_seconds": round(vacuum_seconds, 1),
                     "vault_megabytes": round(size / 2**20, 1)}
