"""Backups at scale (issue 15): the first full backup beside a plain copy, a day's increment,
the verification by restore, and the restore on a new installation.

The reference is the same vault files copied with `shutil.copyfile` into a folder of the same
file system as the medium, each file then fsync'd and the folder synced: what a careful
`cp` costs. Reference and backup alternate, each onto an empty folder, and their medians are
compared. The day's work (50 encounters, 10 documents of 1 MB) is added to another patient
than the 500-encounter one, so the reused vault grows by about 10 MB per run.
"""

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.timing import Stats
from cabinet.backup.engine import BackupWriter
from cabinet.backup.vault_files import files_of
from cabinet.bootstrap import AppContext
from cabinet.domain.audit import AccessMode
from cabinet.domain.clock import SystemClock
from cabinet.domain.record import EntryKind
from cabinet.durability import sync_directory
from cabinet.services.backup import restore
from cabinet.services.ports import RestoreNote

T = TypeVar("T")

FULL_OVER_COPY_BUDGET = 1.5
INCREMENT_BYTES_BUDGET = 50 * 10**6
DAY_ENCOUNTERS = 50
DAY_DOCUMENTS = 10
DOCUMENT_BYTES = 10**6


def _seconds(call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def plain_copy(sources: list[Path], folder: Path) -> None:
    """The reference: each file copied, fsync'd, and the folder synced."""
    for source in sources:
        copy = folder / source.name
        shutil.copyfile(source, copy)
        with copy.open("rb") as handle:
            os.fsync(handle.fileno())
    sync_directory(folder)


def day_of_work(ctx: AppContext, patient_id: int) -> None:
    """50 encounters and 10 documents of 1 MB, each in its own transaction as typed."""
    for number in range(DAY_ENCOUNTERS):
        ctx.records.add_entry(patient_id, EntryKind.ENCOUNTER, {
            "date": "2026-11-03", "reason": f"Consultation du jour {number}",
            "notes": "Examen clinique sans particularité. Poursuite du traitement."})
    for number in range(DAY_DOCUMENTS):
        ctx.records.add_document(patient_id, {
            "doc_type": "result", "title": f"Compte rendu {number}", "origin": "Laboratoire",
            "date": "2026-11-03", "filename": "resultat.pdf", "media_type": "application/pdf",
        }, os.urandom(DOCUMENT_BYTES))


def measure(ctx: AppContext, workdir: Path, record_patient_id: int,
            rounds: int) -> tuple[dict[str, Stats], dict[str, Any]]:
    """Every backup measure on the open vault; timings as `Stats`, the rest as detail."""
    vault = ctx.vault
    sources = [path for path in files_of(vault.layout) if path.exists()]
    sources.append(vault.layout.header)
    ctx.vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copies, fulls = [], []
    media, plain = workdir / "backup-media", workdir / "backup-plain"
    writer = BackupWriter(vault.layout, media, vault.header.vault_id, bytes(vault.data_key))
    for _ in range(rounds):
        _fresh(plain)
        copies.append(_seconds(lambda: plain_copy(sources, plain))[0])
        _fresh(media)
        seconds, first = _seconds(lambda: writer.create(ctx.trail.now()))
        fulls.append(seconds)
    copied = sum(path.stat().st_size for path in plain.iterdir())
    shutil.rmtree(plain, ignore_errors=True)
    verify, _ = _seconds(lambda: writer.verify(first))

    patient = ctx.vault.conn.execute("SELECT min(id) FROM patient WHERE id != ?",
                                     (record_patient_id,)).fetchone()[0]
    day_of_work(ctx, int(patient))
    writer.medium.written = 0
    increment, newest = _seconds(lambda: writer.create(ctx.trail.now()))
    written = writer.medium.written

    target = workdir / "backup-restored" / "coffre"
    shutil.rmtree(target.parent, ignore_errors=True)
    note = RestoreNote(SystemClock().now().isoformat(), AccessMode.RECOVERY.value,
                       "poste-neuf", "")
    restored, _ = _seconds(lambda: restore(writer, newest, target, note))
    shutil.rmtree(target.parent, ignore_errors=True)
    shutil.rmtree(media, ignore_errors=True)

    results = {"backup_first_full": Stats(tuple(s * 1000 for s in fulls)),
               "backup_plain_copy": Stats(tuple(s * 1000 for s in copies)),
               "backup_incremental": Stats((increment * 1000,)),
               "backup_verify": Stats((verify * 1000,)),
               "backup_restore_new_install": Stats((restored * 1000,))}
    full, copy = results["backup_first_full"].p50, results["backup_plain_copy"].p50
    detail = {
        "first_full_over_plain_copy": {"backup_p50_ms": round(full, 1),
                                       "plain_copy_p50_ms": round(copy, 1),
                                       "ratio_p50": round(full / copy, 2),
                                       "budget_ratio": FULL_OVER_COPY_BUDGET},
        "vault_bytes": copied,
        "incremental": {"encounters": DAY_ENCOUNTERS, "documents": DAY_DOCUMENTS,
                        "document_bytes": DOCUMENT_BYTES, "bytes_written": written,
                        "budget_bytes": INCREMENT_BYTES_BUDGET},
    }
    return results, detail
