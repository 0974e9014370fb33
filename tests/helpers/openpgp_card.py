"""An OpenPGP card read through OpenSC's real PKCS#11 module, for the card tests.

What it is for: the one middleware besides SoftHSM2 that the suite can run for real. The card
is PyPI's smartcard-app-openpgp (code this suite does not write), personalised and plugged
into a vpcd reader by openpgp_card_app.py, in its own virtual environment (its import name,
`smartcard`, is pyscard's too). OpenSC (`opensc-pkcs11.so`, Debian package opensc-pkcs11)
then finds it through the tests' private pcscd like any card in a USB reader.

The environment is made once per machine under the temporary folder by `uv` (a minute at
most the first time, then reused). What OpenSC shows of this card: two tokens for its reader,
"OpenPGP card (User PIN)" (decryption key 02, CKA_DECRYPT only; authentication key 03 with the
certificate) and "OpenPGP card (User PIN (sig))" (signature key 01); PIN 123456, 3 tries.
Must never: be imported by src/.
"""

import base64
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography import x509

from helpers.pcsc_stack import PcscStack

PACKAGE = "smartcard-app-openpgp==0.4.0"
OPENSC_MODULE = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
INSTALL_HINT = ("run `sudo bash tests/run_all.sh` once, or "
                "`sudo apt-get install -y opensc opensc-pkcs11`")
APP = Path(__file__).with_name("openpgp_card_app.py")


def card_python() -> str:
    """The Python of the card application's own environment, made on first use."""
    if not Path(OPENSC_MODULE).exists():
        raise RuntimeError(f"OpenSC's PKCS#11 module is missing: {INSTALL_HINT}")
    folder = Path(tempfile.gettempdir()) / f"cabinet-openpgp-card-{PACKAGE.replace('=', '')}"
    python = folder / "bin" / "python"
    if not (folder / "ready").exists():
        uv = shutil.which("uv")
        if uv is None:
            raise RuntimeError("uv is missing: `python3 -m pip install uv`")
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(folder)],
                       check=True)
        subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), PACKAGE],
                       check=True)
        (folder / "ready").touch()
    return str(python)


class OpenPgpCard:
    """One OpenPGP card in a reader; `insert()` and `remove()` wait until PC/SC sees it."""

    pin = "123456"
    module_path = OPENSC_MODULE

    def __init__(self, stack: PcscStack, holder: str, rpps: str, reader_index: int) -> None:
        self.stack, self.holder, self.rpps = stack, holder, rpps
        self.reader = stack.reader_names[reader_index]
        self.process = subprocess.Popen(
            [card_python(), str(APP), str(stack.port_of(reader_index)), holder, rpps],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the OpenPGP card application did not start")
        self.certificate = x509.load_der_x509_certificate(
            base64.b64decode(json.loads(line)["certificate"]))
        self.inserted = False

    def _say(self, command: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        if self.process.stdout.readline().strip() != "ok":
            raise RuntimeError(f"the OpenPGP card application failed to {command}")

    def insert(self) -> None:
        self._say("insert")
        self.inserted = True
        self.stack.wait_for_card(self.reader, present=True)

    def remove(self) -> None:
        if self.inserted:
            self._say("remove")
            self.inserted = False
            self.stack.wait_for_card(self.reader, present=False)

    def close(self) -> None:
        self.remove()
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
