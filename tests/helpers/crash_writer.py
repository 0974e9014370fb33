"""A writer process for the crash tests: it is killed with SIGKILL while it writes.

Run with `python -m helpers.crash_writer` (PYTHONPATH holding `src` and `tests`):

    records FOLDER PATIENT_ID SEED
        Unlock the demo vault in FOLDER and write, without end, encounters, documents of a
        few hundred KB and identity corrections for PATIENT_ID. After each service call has
        returned (its transaction is committed), print one line and flush it:
        `entry LINEAGE`, `document LINEAGE SHA256` or `identity VERSION`.

    header HEADER_PATH VARIANT_A VARIANT_B
        Print `ready`, then rewrite the key-slot header at HEADER_PATH with the two headers
        stored in the files VARIANT_A and VARIANT_B, alternately, without end.

Nothing is printed before the write it reports is committed: a line on standard output is
a promise that the vault holds what it names.
"""

import hashlib
import random
import sys
from pathlib import Path

from helpers.vaults import identity


def _emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def write_records(folder: Path, patient_id: int, seed: int) -> None:
    """Write entries until killed; report each one once committed."""
    from cabinet.bootstrap import build_context, workstation_name
    from cabinet.domain.audit import AccessMode
    from cabinet.domain.clock import SystemClock
    from cabinet.domain.record import EntryKind
    from cabinet.keys.demo import DEMO_PASSWORD
    from cabinet.vault.session import Credential, unlock

    rng = random.Random(seed)
    clock = SystemClock()
    ctx = build_context(unlock(folder, Credential(AccessMode.DEMO, DEMO_PASSWORD), clock,
                               workstation_name()), clock)
    first_names = ["Émilie", "Émilie Jeanne", "Émilie Anne", "Émilie Marie"]
    step = 0
    while True:
        step += 1
        if step % 4 == 0:
            content = rng.randbytes(rng.randint(100_000, 300_000))
            lineage = ctx.records.add_document(patient_id, {
                "doc_type": "report", "title": f"Compte rendu {seed}-{step}",
                "origin": "Laboratoire", "date": "2026-10-01",
                "filename": f"cr-{seed}-{step}.pdf", "media_type": "application/pdf",
            }, content)
            _emit(f"document {lineage} {hashlib.sha256(content).hexdigest()}")
        elif step % 5 == 0:
            version = ctx.patients.correct(
                patient_id, identity(first_names=rng.choice(first_names)),
                reason=f"correction {seed}-{step}")
            _emit(f"identity {version}")
        else:
            lineage = ctx.records.add_entry(patient_id, EntryKind.ENCOUNTER, {
                "date": "2026-10-02", "reason": f"Consultation {seed}-{step}",
                "history": "Toux depuis trois jours. " * rng.randint(1, 200),
                "examination": "Auscultation normale.",
                "vitals": [{"code": "temperature", "value": 37.8},
                           {"code": "heart_rate", "value": rng.randint(50, 110)}],
                "conclusion": "Bronchite aiguë", "plan": "Repos, paracétamol.",
            })
            _emit(f"entry {lineage}")


def rewrite_header(header_path: Path, variant_a: Path, variant_b: Path) -> None:
    """Rewrite the header with two valid versions, alternately, until killed."""
    from cabinet.keys.header import KeyHeader
    from cabinet.vault.header import write_header

    variants = [KeyHeader.from_bytes(variant_a.read_bytes()),
                KeyHeader.from_bytes(variant_b.read_bytes())]
    _emit("ready")
    turn = 0
    while True:
        write_header(header_path, variants[turn % 2])
        turn += 1


def main(argv: list[str]) -> None:
    """Dispatch on the first argument."""
    command, *args = argv
    if command == "records":
        write_records(Path(args[0]), int(args[1]), int(args[2]))
    elif command == "header":
        rewrite_header(Path(args[0]), Path(args[1]), Path(args[2]))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
