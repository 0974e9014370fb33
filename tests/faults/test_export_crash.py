"""A crash in the middle of an export: nothing under the final name, nothing journaled, and the
hidden stage it left is removed by the next export to the same folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

from cabinet.bootstrap import build_context
from cabinet.cli.access import open_context
from cabinet.documents.demo_certificate import demo_signer
from cabinet.domain.rights import Seizure
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output
from cabinet.vault.session import create_vault
from helpers.clock import SteppingClock
from helpers.records import marked_practice
from helpers.vaults import OWNER

KILLED_WRITER = """
import dataclasses, os, signal, sys
from pathlib import Path
from cabinet.cli.access import open_context
from cabinet.documents.demo_certificate import demo_signer
from cabinet.domain.rights import Seizure
from cabinet.exchange.staging import CancelToken
from cabinet.services.issuing import Output

folder, destination, patient = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
ctx = open_context(folder)
signer, calls = demo_signer(), []

def sign_then_die(data):
    calls.append(data)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return signer.sign(data)

ctx.exports.seize(patient, Seizure("Mme Juge", "Ordonnance 4", "Dr Ordre"),
                  Output(dataclasses.replace(signer, sign=sign_then_die), destination,
                         CancelToken()))
"""


def exports_journaled(folder: Path) -> list[dict]:
    ctx = open_context(folder)
    try:
        return [json.loads(e["detail"]) for e in ctx.vault.store.audit_rows(None, 500)
                if e["action"] == "export"]
    finally:
        ctx.lock()


def test_killed_export_leaves_no_final_folder_and_its_stage_is_cleaned(tmp_path):
    folder = tmp_path / "coffre"
    opened, _ = create_vault(folder, OWNER, SteppingClock(), "poste", demo_vault=True)
    ctx = build_context(opened)
    patient = marked_practice(ctx).patient
    ctx.lock()
    destination = tmp_path / "cle-usb"
    destination.mkdir()
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(folder),
                             str(destination), str(patient)], env=environment,
                            capture_output=True, text=True, timeout=120, check=False)
    assert killed.returncode == -9, killed.stderr
    left = list(destination.iterdir())
    assert [p.name.startswith(".saisie-judiciaire-") and p.name.endswith(".partiel")
            for p in left] == [True]
    assert exports_journaled(folder) == []

    ctx = open_context(folder)
    try:
        result = ctx.exports.seize(patient, Seizure("Mme Juge", "Ordonnance 4", "Dr Ordre"),
                                   Output(demo_signer(), destination, CancelToken()))
    finally:
        ctx.lock()
    assert [p.name for p in destination.iterdir()] == [Path(result.path).name]
