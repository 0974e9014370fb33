"""A real print system for the tests: CUPS and a cups-pdf queue whose output is read back.

What it is for: printing tests hand documents to the real CUPS scheduler through `lp`, as the
application does, and read what the « printer » produced: cups-pdf (Debian's
printer-driver-cups-pdf) writes each job as a PDF, after the whole CUPS filter chain.

How: as root, a scheduler is started (`cupsd -f`, stopped at the end) unless one already
answers; the queue `CabinetPDF` is (re)created on the cups-pdf backend with the driver's PPD,
its device URI `cups-pdf:/CabinetPDF` makes cups-pdf read its own configuration file
`/etc/cups/cups-pdf-CabinetPDF.conf`, written here to send the output into a fresh folder;
its description (PPD) is the driver's plus two trays, Tray1 and Tray2.
The queue renders through pdftocairo: Ghostscript, CUPS's default there, loses the accented
letters' text (« LEF VRE ») though it draws them.
Without root, a running scheduler that already has the queue is used, its output where its
configuration says (cups-pdf's default: ~/PDF). Otherwise the tests skip, saying what to run.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

QUEUE = "CabinetPDF"
CONFIG = Path("/etc/cups/cups-pdf-CabinetPDF.conf")
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
TRAYS = """*OpenUI *InputSlot/Media Source: PickOne
*OrderDependency: 20 AnySetup *InputSlot
*DefaultInputSlot: Auto
*InputSlot Auto/Automatic: ""
*InputSlot Tray1/Tray 1: ""
*InputSlot Tray2/Tray 2: ""
*CloseUI: *InputSlot
"""
"""Two trays added to the driver's description (it has none), so a tray chosen is kept."""
INSTALL_HINT = ("run `sudo bash tests/run_all.sh` once (it installs the print stack), or "
                "`sudo apt-get install -y cups printer-driver-cups-pdf`")


@dataclass
class CupsPdf:
    """The queue's name and the folder where each printed job lands as a PDF."""

    queue: str
    out: Path

    def outputs(self) -> set[Path]:
        """The PDFs written so far."""
        return set(self.out.glob("*.pdf"))

    def printed_after(self, before: set[Path], timeout: float = 60) -> Path:
        """The one PDF that appeared since `before`, once its job is over."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            new = self.outputs() - before
            if new and not _pending(self.queue):
                [path] = new
                return path
            time.sleep(0.2)
        raise AssertionError(f"no output from {self.queue} within {timeout} s")


def _answers() -> bool:
    return subprocess.run(["lpstat", "-r"], capture_output=True, text=True,
                          check=False).stdout.strip() == "scheduler is running"


def _pending(queue: str) -> bool:
    return bool(subprocess.run(["lpstat", "-o", queue], capture_output=True, text=True,
                               check=False).stdout.strip())


def _has_queue() -> bool:
    return subprocess.run(["lpstat", "-p", QUEUE], capture_output=True,
                          check=False).returncode == 0


@contextlib.contextmanager
def _scheduler() -> Iterator[None]:
    """A running cupsd: the one already there, else one started for the tests."""
    if _answers():
        yield
        return
    cupsd = subprocess.Popen(["cupsd", "-f"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while not _answers():
            if cupsd.poll() is not None or time.monotonic() > deadline:
                pytest.fail("cupsd did not start")
            time.sleep(0.1)
        yield
    finally:
        cupsd.terminate()
        cupsd.wait(timeout=15)


def _unavailable(reason: str) -> NoReturn:
    """A developer's run without the print stack passes over printing; CI (CI=true), which
    installs it, fails instead, so a missing print system never counts as tested."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def cups_pdf_queue() -> Iterator[CupsPdf]:
    """The `CabinetPDF` queue on a running scheduler, or a skip saying what to install."""
    if not shutil.which("lp") or not shutil.which("lpstat"):
        _unavailable(f"no CUPS client: {INSTALL_HINT}")
    if os.geteuid() != 0:
        if not (_answers() and _has_queue()):
            _unavailable(f"no CUPS queue {QUEUE} and not root to add it: {INSTALL_HINT}")
        yield CupsPdf(QUEUE, Path.home() / "PDF")
        return
    if not shutil.which("cupsd") or not Path("/usr/lib/cups/backend/cups-pdf").exists():
        _unavailable(f"no cupsd or cups-pdf: {INSTALL_HINT}")
    out = Path(tempfile.mkdtemp(prefix="cabinet-cups-pdf-"))
    try:
        CONFIG.write_text(f"Out {out}\nLabel 1\n")
        with _scheduler():
            ppd = out / "CabinetPDF.ppd"
            ppd.write_text(PPD.read_text(encoding="latin-1") + TRAYS, encoding="latin-1")
            subprocess.run(["lpadmin", "-p", QUEUE, "-v", f"cups-pdf:/{QUEUE}", "-P", str(ppd),
                            "-o", "pdftops-renderer-default=pdftocairo", "-E"],
                           check=True, capture_output=True)
            yield CupsPdf(QUEUE, out)
    finally:
        CONFIG.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
