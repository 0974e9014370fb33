"""The vault a scale runs against: generated once with the real demo generator, then reused.

Generating "large" takes minutes, so the vault stays in the workdir with a marker naming the
scale, seed and sizes; a later run with the same scale reuses it. Runs add a few hundred
entries and audit events each (the insert and open measures write), which is noise next to
the generated volume. Only a demo vault (synthetic patients) is ever deleted or rebuilt.
"""

import datetime as dt
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.scales import RECORD_ENCOUNTERS, Scale
from cabinet.bootstrap import AppContext, build_context
from cabinet.demo import catalogue
from cabinet.demo.generator import DemoGenerator, generate
from cabinet.domain.audit import AccessMode
from cabinet.domain.clock import SystemClock
from cabinet.domain.record import EntryKind
from cabinet.errors import KnownError
from cabinet.keys.demo import DEMO_PASSWORD
from cabinet.vault.header import read_header
from cabinet.vault.layout import VaultLayout
from cabinet.vault.session import Credential, Owner, create_vault, unlock

SEED = 20_240_101
MARKER_NAME = "workload.json"
MARKER_VERSION = 1  # bump when the generated workload changes, so old workdirs are rebuilt
VAULT_FOLDER = "vault"
WORKSTATION = "banc-d-essai"
BENCH_OWNER = Owner("Dr Banc d'Essai", "BENCH-00000000")
DEMO_CREDENTIAL = Credential(AccessMode.DEMO, DEMO_PASSWORD)


@dataclass(frozen=True)
class Workload:
    """A ready vault and what is known about how it was built."""

    vault_folder: Path
    scale: str
    generation_seconds: float
    record_patient_id: int
    reused: bool


def default_workdir(scale: Scale) -> Path:
    """The default workdir, under the system temp dir so it survives between runs."""
    return Path(tempfile.gettempdir()) / f"cabinet-bench-{scale.name}"


def open_context(vault_folder: Path) -> AppContext:
    """Unlock the demo vault the way the application does, and wire its services."""
    clock = SystemClock()
    return build_context(unlock(vault_folder, DEMO_CREDENTIAL, clock, WORKSTATION), clock)


def prepare(workdir: Path, scale: Scale, say: Callable[[str], None]) -> Workload:
    """Reuse the workdir's vault if it was built for `scale`, else build it now."""
    workdir.mkdir(parents=True, exist_ok=True)
    vault_folder = workdir / VAULT_FOLDER
    marker = workdir / MARKER_NAME
    recorded = _read_marker(marker)
    if recorded is not None and _matches(recorded, scale) and \
            VaultLayout(vault_folder).header.exists():
        say(f"Reusing the {scale.name} vault in {workdir}")
        return Workload(vault_folder, scale.name, float(recorded["generation_seconds"]),
                        int(recorded["record_patient_id"]), reused=True)
    marker.unlink(missing_ok=True)
    _discard_demo_vault(vault_folder)
    say(f"Generating the {scale.name} vault in {workdir} ({scale.size.patients} patients)")
    start = time.perf_counter()
    record_patient_id = _build(vault_folder, scale, say)
    seconds = time.perf_counter() - start
    marker.write_text(json.dumps({
        **_identity(scale), "generation_seconds": round(seconds, 2),
        "record_patient_id": record_patient_id}, indent=2), encoding="utf-8")
    return Workload(vault_folder, scale.name, seconds, record_patient_id, reused=False)


def _identity(scale: Scale) -> dict[str, Any]:
    return {"marker_version": MARKER_VERSION, "scale": scale.name, "seed": SEED,
            "size": asdict(scale.size)}


def _matches(recorded: dict[str, Any], scale: Scale) -> bool:
    return all(recorded.get(key) == value for key, value in _identity(scale).items())


def _read_marker(marker: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _discard_demo_vault(vault_folder: Path) -> None:
    """Remove a stale or half-built benchmark vault; refuse to touch anything else."""
    if not vault_folder.exists():
        return
    layout = VaultLayout(vault_folder)
    try:
        is_demo = read_header(layout.header).demo
    except (KnownError, OSError, ValueError, KeyError, TypeError):
        is_demo = False  # an unreadable header is not known to be a demo vault: keep it
    leftover_without_header = not layout.header.exists() and not layout.database.exists()
    if not (is_demo or leftover_without_header):
        raise SystemExit(f"{vault_folder} holds a vault that is not a demo vault: "
                         "choose another --workdir.")
    shutil.rmtree(vault_folder)


def _build(vault_folder: Path, scale: Scale, say: Callable[[str], None]) -> int:
    clock = SystemClock()
    opened, _ = create_vault(vault_folder, BENCH_OWNER, clock, WORKSTATION, demo_vault=True)
    ctx = build_context(opened, clock)
    step = max(1, scale.size.patients // 10)

    def progress(done: int, total: int) -> None:
        if done % step < 100 or done == total:
            say(f"  {done}/{total} patients")

    try:
        generate(ctx, scale.size, SEED, progress)
        return add_record_patient(ctx, SEED)
    finally:
        ctx.lock()


def add_record_patient(ctx: AppContext, seed: int) -> int:
    """Add the patient whose record has exactly 500 encounters, for the record-opening budget.

    Like the generator's records, every other encounter has its prescription and the record
    has a few history lines, so opening it reads about 750 current entries, as a real
    500-encounter record would.
    """
    rnd = random.Random(seed)
    today = ctx.clock.now().date()
    with ctx.vault.store.transaction():
        patient_id = ctx.patients.create(DemoGenerator(seed, today).identity())
        for category, text in catalogue.HISTORIES[:3]:
            ctx.records.add_entry(patient_id, EntryKind.HISTORY,
                                  {"category": category, "text": text, "relative": ""})
        for number in range(RECORD_ENCOUNTERS):
            date = (today - dt.timedelta(days=rnd.randint(0, 20 * 365))).isoformat()
            ctx.records.add_entry(patient_id, EntryKind.ENCOUNTER,
                                  encounter_payload(rnd, date))
            if number % 2 == 0:
                drug, dosage, duration = rnd.choice(catalogue.DRUGS)
                ctx.records.add_entry(patient_id, EntryKind.PRESCRIPTION, {
                    "date": date,
                    "lines": [{"drug": drug, "dosage": dosage, "duration": duration}]})
    return patient_id


def encounter_payload(rnd: random.Random, date: str) -> dict[str, Any]:
    """An encounter shaped like the generator's, from the demo catalogue."""
    reason, history, examination, conclusion, plan = rnd.choice(catalogue.ENCOUNTERS)
    vitals = [{"code": "weight", "value": round(rnd.uniform(45, 110), 1)},
              {"code": "systolic", "value": rnd.randint(105, 165)},
              {"code": "diastolic", "value": rnd.randint(60, 95)}]
    return {"date": date, "reason": reason, "history": history, "examination": examination,
            "vitals": vitals, "conclusion": conclusion, "plan": plan}
