"""A process killed (kill -9) in the middle of writes leaves a vault that opens, passes vault
check, and holds every committed entry.

The writer is a real subprocess (tests/helpers/crash_writer.py) working on a real SQLCipher
vault; it reports each write on standard output only after the service call returned. The
test kills it at a random moment, then reopens the vault in this process.
"""

import hashlib
import random
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cabinet.audit import journal
from cabinet.bootstrap import build_context
from cabinet.domain.audit import AccessMode
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.keys.header import KeyHeader, Slot
from cabinet.vault import database
from cabinet.vault.header import read_header
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, unlock
from helpers.clock import SteppingClock
from helpers.killed_child import (
    ROOT,
    child_env,
    complete_lines,
    kill_child,
    start_child,
    wait_first_line,
)
from helpers.vaults import identity, new_context

DEMO = Credential(AccessMode.DEMO, DEMO_PASSWORD)
RECORD_ROUNDS = 8
HEADER_ROUNDS = 30

pytestmark = pytest.mark.slow


def _start(*args: str) -> subprocess.Popen[bytes]:
    return start_child("helpers.crash_writer", *args)


def _check_vault_opens_whole(folder: Path, clock: SteppingClock) -> None:
    opened = unlock(folder, DEMO, clock, "poste-controle")
    try:
        assert database.integrity_problems(opened.conn) == []
        report = journal.verify(opened.conn)
        assert report.intact, report.summary()
    finally:
        opened.lock(clock)


def test_killed_writer_leaves_every_committed_entry(tmp_path: Path) -> None:
    folder = tmp_path / "coffre-demo"
    clock = SteppingClock()
    ctx, _ = new_context(folder, clock, demo=True)
    patient_id = ctx.patients.create(identity())
    ctx.lock()

    rng = random.Random(20261102)
    promised_entries: dict[int, str] = {}
    promised_documents: dict[int, str] = {}
    promised_identity_versions: set[int] = set()
    for round_number in range(1, RECORD_ROUNDS + 1):
        process = _start("records", str(folder), str(patient_id), str(rng.randrange(10**6)))
        first = wait_first_line(process)
        time.sleep(rng.uniform(0.2, 1.5))
        out, _ = kill_child(process)
        lines = complete_lines(first + out)
        assert lines, f"round {round_number}: no committed write reported"

        new_entries: dict[int, str] = {}
        new_documents: dict[int, str] = {}
        for line in lines:
            what, number, *rest = line.split()
            if what == "entry":
                new_entries[int(number)] = "encounter"
            elif what == "document":
                new_documents[int(number)] = rest[0]
            else:
                assert what == "identity", line
                promised_identity_versions.add(int(number))
        promised_entries.update(new_entries)
        promised_documents.update(new_documents)

        opened = unlock(folder, DEMO, clock, "poste-controle")
        reopened = build_context(opened, clock)
        try:
            assert database.integrity_problems(opened.conn) == [], f"round {round_number}"
            report = journal.verify(opened.conn)
            assert report.intact, f"round {round_number}: {report.summary()}"
            # Everything promised in any round so far is still in the record...
            record = reopened.records.open_record(patient_id)
            current = {e.lineage: e.kind for e in record.entries}
            for lineage, kind in promised_entries.items():
                assert current.get(lineage) == kind, f"round {round_number}: entry {lineage}"
            for lineage in promised_documents:
                assert current.get(lineage) == "document", f"round {round_number}: {lineage}"
            versions = {v.version for v in reopened.patients.identity_history(patient_id)}
            assert promised_identity_versions <= versions, f"round {round_number}"
            # At most one write per round was committed but killed before it was reported.
            unreported = (len(current) - len(promised_entries) - len(promised_documents)
                          + len(versions) - 1 - len(promised_identity_versions))
            assert 0 <= unreported <= round_number, f"round {round_number}: {unreported}"
            # ...and what this round promised reads back whole.
            for lineage, kind in new_entries.items():
                history = reopened.records.entry_history(lineage)
                assert [(v.kind, v.patient_id) for v in history] == [(kind, patient_id)]
            for lineage, digest in new_documents.items():
                content = reopened.records.read_document(lineage)
                assert hashlib.sha256(content).hexdigest() == digest, f"round {round_number}"
        finally:
            reopened.lock()

    assert len(promised_documents) >= 1, "no document write was ever committed"
    assert len(promised_entries) >= RECORD_ROUNDS

    # The command the physician would run: `cabinet vault check` on the crashed vault (without
    # the writer's PYTHONPATH, which the integrity guard refuses).
    physician_env = {k: v for k, v in child_env().items() if k != "PYTHONPATH"}
    check = subprocess.run([sys.executable, "-m", "cabinet", "vault", "check",
                            "--vault", str(folder)], capture_output=True, env=physician_env,
                           cwd=ROOT, timeout=60, check=False)
    output = check.stdout.decode()
    assert check.returncode == 0, output + check.stderr.decode()
    assert "Intégrité des pages chiffrées : correcte" in output
    assert "Journal intègre" in output


def _padded(header: KeyHeader, size: int) -> KeyHeader:
    """The same header with a large extra slot of an unknown type, so its size differs."""
    extra = Slot(type="padding", id="padding", created_at=header.created_at,
                 wrapped={}, params={"filler": "x" * size}, label="remplissage")
    return KeyHeader(vault_id=header.vault_id, created_at=header.created_at,
                     demo=header.demo, audit_public_key=header.audit_public_key,
                     slots=[*header.slots, extra])


def test_killed_header_rewrite_keeps_a_whole_header(tmp_path: Path) -> None:
    folder = tmp_path / "coffre-demo"
    clock = SteppingClock()
    ctx, _ = new_context(folder, clock, demo=True)
    ctx.lock()
    layout = VaultLayout(folder)
    original = read_header(layout.header)
    variants_dir = tmp_path / "variantes"
    variants_dir.mkdir()
    variant_a = _padded(original, 1_000).to_bytes()
    variant_b = _padded(original, 400_000).to_bytes()
    (variants_dir / "a.json").write_bytes(variant_a)
    (variants_dir / "b.json").write_bytes(variant_b)
    known = {variant_a: "a", variant_b: "b", original.to_bytes(): "original"}
    vault_files = {layout.database.name, layout.header.name, layout.lock_file.name,
                   *(p.name for p in layout.sidecar_files())}

    rng = random.Random(1961)
    seen: set[str] = set()
    rounds_with_stray_temp = 0
    for round_number in range(1, HEADER_ROUNDS + 1):
        process = _start("header", str(layout.header), str(variants_dir / "a.json"),
                         str(variants_dir / "b.json"))
        assert wait_first_line(process) == b"ready\n"
        time.sleep(rng.uniform(0.01, 0.15))
        kill_child(process)

        data = layout.header.read_bytes()
        assert data in known, f"round {round_number}: the header is neither old nor new"
        seen.add(known[data])
        assert KeyHeader.from_bytes(data).vault_id == original.vault_id
        assert read_header(layout.header).to_bytes() == data
        assert stat.S_IMODE(layout.header.stat().st_mode) == 0o600

        strays = [p for p in folder.iterdir() if p.name not in vault_files]
        if strays:
            rounds_with_stray_temp += 1
        for stray in strays:
            # A temporary file left by the kill is hidden, marked .tmp, private, and never
            # the file the application reads as the header.
            assert stray.name.startswith(f".{layout.header.name}.")
            assert stray.name.endswith(".tmp")
            assert stat.S_IMODE(stray.stat().st_mode) == 0o600
            assert stray != layout.header

    assert {"a", "b"} <= seen, f"the writer never completed both versions: {seen}"
    assert rounds_with_stray_temp >= 1, "no kill ever landed in the middle of a header write"
    _check_vault_opens_whole(folder, clock)
