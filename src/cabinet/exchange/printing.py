"""Hand a signed PDF, byte for byte, to the operating system's print system (CUPS).

The printer receives the very file kept in the vault, not a re-rendering of it: its text
stays text, its pages keep their true size (`print-scaling=none`: an A4 ordonnance prints at
100 %, never shrunk to fit the printable area), and the tray is the one the physician chose.
The bytes go through `lp`'s standard input, never through a file; the job's title is
neutral, since CUPS shows titles to anyone who lists the queue.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from cabinet.domain.settings import TRAY_NAME
from cabinet.errors import KnownError

JOB_TITLE = "Cabinet"
NO_PRINT_SYSTEM = ("Aucun système d'impression (CUPS) n'est installé sur ce poste : le "
                   "document ne peut pas être imprimé.")
REFUSED = "L'imprimante « {printer} » a refusé le document : {reason}"
SEND_SECONDS = 30


@dataclass(frozen=True)
class PrintRequest:
    """Where and how a document is printed, as the print dialog and the settings chose."""

    printer: str
    copies: int = 1
    tray: str = ""  # the printer's own name for it; "" leaves the printer's automatic choice
    first_page: int = 0  # 0: every page
    last_page: int = 0

    def lp_arguments(self) -> list[str]:
        """`lp`'s arguments for this request (the document itself comes on standard input)."""
        arguments = ["-d", self.printer, "-t", JOB_TITLE, "-n", str(max(self.copies, 1)),
                     "-o", "print-scaling=none"]
        if self.tray:
            if not TRAY_NAME.fullmatch(self.tray):
                raise KnownError(f"Le bac d'impression « {self.tray} » n'est pas un nom de bac "
                                 "d'imprimante (Paramètres du cabinet › Impression).")
            arguments += ["-o", f"InputSlot={self.tray}"]
        if self.first_page:
            arguments += ["-o", f"page-ranges={self.first_page}-{self.last_page or ''}"]
        return arguments


def send(pdf: bytes, request: PrintRequest) -> str:
    """Queue `pdf` on `request.printer`; the job's id as CUPS names it (« Imprimante-12 »).

    Raises `KnownError` in French when no print system is there or the printer refuses.
    """
    lp = shutil.which("lp")
    if lp is None:
        raise KnownError(NO_PRINT_SYSTEM)
    try:
        done = subprocess.run([lp, *request.lp_arguments(), "-"], input=pdf,  # noqa: S603
                              capture_output=True, timeout=SEND_SECONDS, check=False,
                              env={**os.environ, "LC_ALL": "C"})  # lp's answer, parsed below
    except subprocess.TimeoutExpired:
        raise KnownError(REFUSED.format(printer=request.printer,
                                        reason="le système d'impression ne répond pas.")) from None
    answer = done.stdout.decode(errors="replace").strip()
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip() or f"code {done.returncode}"
        raise KnownError(REFUSED.format(printer=request.printer, reason=reason))
    match = re.search(r"request id is (\S+)", answer)
    return match[1] if match else answer
