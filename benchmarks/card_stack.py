"""The development card and printer for the scripted session, as the tests run them.

The card: pcscd + vpcd + SoftHSM2; the printer: CUPS with a cups-pdf queue.

The stack is the tests' own (`tests/helpers`: pcsc_stack, softhsm_token, card_fixtures),
imported rather than copied: a private pcscd with virtual readers, a private SoftHSM2 holding
Dr Jeanne Martin's token, and her card emulator inserted. Cabinet sees it through the real
PC/SC and PKCS#11 paths; SoftHSM2 is a development module, so the window says « CARTE DE
DÉVELOPPEMENT ». Needs pcscd, vsmartcard-vpcd and softhsm2 (`bash tests/run_all.sh` installs
them).
"""

import contextlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.workload import open_context

TESTS = Path(__file__).resolve().parents[1] / "tests"


def tests_helper(name: str) -> Any:
    """A module of `tests/helpers`, imported from the tests' folder."""
    if str(TESTS) not in sys.path:
        sys.path.append(str(TESTS))
    return importlib.import_module(f"helpers.{name}")


@contextlib.contextmanager
def development_card() -> Iterator[Any]:
    """A physician's card in a virtual reader (`.reader`, `.pin`, `.module_path`)."""
    pcsc, tokens, fixtures = (tests_helper(n) for n in ("pcsc_stack", "softhsm_token",
                                                   "card_fixtures"))
    stack = pcsc.PcscStack(socket_path=pcsc.use_private_socket()).start()
    hsm = tokens.SoftHsm()
    try:
        physician = fixtures.JEANNE_MARTIN
        card = fixtures.PhysicianCard(stack, hsm.create_token(physician.name, physician.rpps))
        card.insert()
        try:
            yield card
        finally:
            card.remove()
    finally:
        hsm.close()
        stack.stop()


@contextlib.contextmanager
def print_queue() -> Iterator[Any]:
    """The tests' CUPS queue on cups-pdf (`.queue`, `.outputs()`, `.printed_after()`).

    Needs cups and printer-driver-cups-pdf, and root to add the queue (`bash
    tests/run_all.sh` installs them).
    """
    with tests_helper("cups_printer").cups_pdf_queue() as queue:
        yield queue


def enrol(card: Any, vault_folder: Path, export_folder: Path) -> None:
    """Enrol the card into the workload's vault; exports go to `export_folder` (no dialog).

    Each run enrols its fresh token: the vault keeps one more card slot per run.
    """
    ctx = open_context(vault_folder)
    try:
        card.enrol_into(ctx.vault, ctx.clock)
        ctx.settings.change({"export_folder": str(export_folder)})
    finally:
        ctx.lock()
