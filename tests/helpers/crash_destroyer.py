"""A destroying process for the crash test: killed with SIGKILL at a chosen point.

Run with `python -m helpers.crash_destroyer FOLDER POINT PATIENT_ID…` (PYTHONPATH holding
`src` and `tests`): unlock the demo vault in FOLDER and destroy the records named, their
certificate signed with the demo certificate. Every statement the vault's connection begins
is watched: when one starts with POINT (`DELETE FROM entry`, `INSERT INTO destruction`,
`COMMIT`…), print `at POINT` and wait there, inside the destruction's transaction, to be
killed. With POINT `done`, print `done` once the destruction has returned.
"""

import sys
import time
from pathlib import Path

WAIT_TO_BE_KILLED_S = 60


def _emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def destroy(folder: Path, point: str, patient_ids: list[int]) -> None:
    """Destroy the records; stop at `point` and wait to be killed."""
    from cabinet.bootstrap import build_context, workstation_name
    from cabinet.documents.demo_certificate import demo_signer
    from cabinet.domain.audit import AccessMode
    from cabinet.domain.clock import SystemClock
    from cabinet.keys.demo import DEMO_PASSWORD
    from cabinet.vault.session import Credential, unlock

    clock = SystemClock()
    ctx = build_context(unlock(folder, Credential(AccessMode.DEMO, DEMO_PASSWORD), clock,
                               workstation_name()), clock)

    def watch(statement: str) -> None:
        if statement.lstrip().startswith(point):
            _emit(f"at {point}")
            time.sleep(WAIT_TO_BE_KILLED_S)

    signer = demo_signer()
    ctx.vault.conn.set_trace_callback(watch)
    ctx.retention.destroy(patient_ids, signer)
    _emit("done")
    time.sleep(WAIT_TO_BE_KILLED_S)


if __name__ == "__main__":
    destroy(Path(sys.argv[1]), sys.argv[2], [int(n) for n in sys.argv[3:]])
