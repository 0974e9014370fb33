"""A private PC/SC stack for the card tests: a real `pcscd` with the `vsmartcard-vpcd` driver.

What it is for: the card tests talk to a real pcscd through the real libpcsclite (pyscard),
and the card emulator of virtual_card.py plugs into the virtual readers vpcd gives. Nothing
of PC/SC is mocked.

How it stays apart from the machine's own pcscd and from real cards:
- the client socket is a private Unix socket bound here and handed to `pcscd -f` through
  systemd-style socket activation (fd 3, LISTEN_FDS=1, LISTEN_PID). pcscd 1.9.9 has no option
  for its socket path; the client library reads PCSCLITE_CSOCK_NAME, once per process, so
  `use_private_socket()` must run before the first PC/SC call (tests/conftest.py does it at
  import: no test can ever reach the physician's real reader);
- the reader list comes from a private reader.conf.d (`pcscd -c DIR`) naming only vpcd, twice,
  on four free TCP ports picked at start (vpcd gives one reader per port): "Virtual PCD 00 00"
  and "Virtual PCD 00 01", then two readers named like a real USB CCID reader whose name is
  longer than the 64 characters of a PKCS#11 slot description (`LONG_READER`), so that the
  forms middlewares cut such names into are met on a real pcscd.

Must never: be used outside the tests, nor vpcd be installed on a user's machine: vpcd listens
on every interface (0.0.0.0), and whoever connects to its port is a card in the reader.
Leftover shared with a system pcscd: pcscd still writes, then removes, /run/pcscd/pcscd.pid.
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = (
    "run `sudo bash tests/run_all.sh` once (it installs the test stack), or "
    "`sudo apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev`"
)
VPCD_DRIVERS = ("/usr/lib/pcsc/drivers/serial/libifdvpcd.so",)
PCSCD_PROGRAMS = ("pcscd", "/usr/sbin/pcscd")
LONG_READER = "Identiv uTrust 3700 F CL Reader [uTrust 3700 F Contact Reader] (55041823603442)"
READERS = ("Virtual PCD", LONG_READER)  # each vpcd's FRIENDLYNAME: "<name> 00 00", "… 00 01"


class PcscStackError(RuntimeError):
    """The stack cannot start: the message says what to run."""


def use_private_socket() -> Path:
    """Point this process's libpcsclite at a private socket path (before any PC/SC call)."""
    current = os.environ.get("PCSCLITE_CSOCK_NAME", "")
    if current.startswith(tempfile.gettempdir()) and "cabinet-pcscd-" in current:
        return Path(current)  # already chosen by this process or its parent pytest
    folder = f"cabinet-pcscd-{os.getpid()}-{secrets.token_hex(4)}"  # made by start()
    path = Path(tempfile.gettempdir()) / folder / "pcscd.comm"
    os.environ["PCSCLITE_CSOCK_NAME"] = str(path)
    return path


def _find_pcscd() -> str:
    for candidate in PCSCD_PROGRAMS:
        found = shutil.which(candidate)
        if found:
            return found
    raise PcscStackError(f"pcscd is not installed: {INSTALL_HINT}")


def _find_vpcd_driver() -> str:
    for candidate in VPCD_DRIVERS:
        if Path(candidate).exists():
            return candidate
    raise PcscStackError(f"the vpcd driver (vsmartcard-vpcd) is not installed: {INSTALL_HINT}")


def _free_ports(count: int = 2 * len(READERS)) -> int:
    """A port P such that P to P + count - 1 are free on every interface (vpcd binds them)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + count > 65536:
            continue
        try:
            with contextlib.ExitStack() as probes:
                for offset in range(count):
                    probes.enter_context(socket.socket()).bind(("0.0.0.0", port + offset))
        except OSError:
            continue
        return int(port)
    raise PcscStackError(f"no {count} consecutive free TCP ports for vpcd")


@dataclass
class PcscStack:
    """One pcscd with four vpcd readers; `start()` returns when pyscard lists them."""

    socket_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None
    occupants: dict[str, object] = field(default_factory=dict)  # reader -> card in it

    @property
    def reader_names(self) -> tuple[str, ...]:
        """Two short-named readers, then two whose names exceed 64 characters."""
        return tuple(f"{name} 00 {slot:02d}" for name in READERS for slot in (0, 1))

    def port_of(self, reader_index: int) -> int:
        """The TCP port a card emulator connects to, to sit in that reader."""
        return self.port + reader_index

    def start(self, timeout: float = 10.0) -> "PcscStack":
        """Start pcscd (again, after `stop()`, on the same ports and socket)."""
        pcscd, driver = _find_pcscd(), _find_vpcd_driver()
        if os.environ.get("PCSCLITE_CSOCK_NAME") != str(self.socket_path):
            raise PcscStackError("call use_private_socket() first (tests/conftest.py does)")
        self.workdir = Path(tempfile.mkdtemp(prefix="cabinet-pcsc-stack-"))
        config = self.workdir / "reader.conf.d"
        config.mkdir()
        self.port = self.port or _free_ports()  # kept across a restart: cards keep theirs
        for number, name in enumerate(READERS):
            channel = self.port + 2 * number
            # One copy of the driver per vpcd: two loads of one file would share its state.
            library = self.workdir / f"libifdvpcd-{number}.so"
            shutil.copyfile(driver, library)
            (config / f"vpcd-{number}").write_text(
                f'FRIENDLYNAME "{name}"\n'
                f"DEVICENAME /dev/null:0x{channel:04X}\n"
                f"LIBPATH {library}\n"
                f"CHANNELID 0x{channel:04X}\n")
        self.socket_path.parent.mkdir(mode=0o700, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.socket_path))
        listener.listen(32)
        # The socket goes in as stdin, sh moves it to fd 3 and execs pcscd under the same pid.
        script = 'exec 3<&0 0</dev/null; export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" "$@"'
        with listener, (self.workdir / "pcscd.log").open("wb") as log:
            self.process = subprocess.Popen(
                ["sh", "-c", script, pcscd, "--foreground", "--config", str(config)],
                stdin=listener.fileno(), stdout=log, stderr=subprocess.STDOUT)
        self._wait_for_readers(timeout)
        return self

    def _wait_for_readers(self, timeout: float) -> None:
        from smartcard.System import readers

        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise PcscStackError(f"pcscd exited ({self.process.returncode}):\n{self.log()}")
            try:
                seen = [str(reader) for reader in readers()]
            except Exception:  # noqa: BLE001 - no service yet: try again
                seen = []
            if set(self.reader_names) <= set(seen):
                return
            time.sleep(0.05)
        self.stop()
        raise PcscStackError(f"vpcd readers not listed after {timeout} s (saw {seen}):\n"
                             f"{self.log()}\n{INSTALL_HINT}")

    def log(self) -> str:
        """pcscd's own output, for failure messages."""
        if self.workdir is None or not (self.workdir / "pcscd.log").exists():
            return ""
        return (self.workdir / "pcscd.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None
        self.socket_path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self.socket_path.parent.rmdir()  # start() makes it again
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def wait_for_card(self, reader: str, present: bool, timeout: float = 5.0) -> float:
        """Block until PC/SC reports a card in (or out of) `reader`; return the seconds waited."""
        from smartcard import scard

        started = time.monotonic()
        result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if result != scard.SCARD_S_SUCCESS:
            raise PcscStackError(f"no PC/SC service: {scard.SCardGetErrorMessage(result)}")
        try:
            known = scard.SCARD_STATE_UNAWARE
            while True:
                left = started + timeout - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{reader}: card still {'out' if present else 'in'} "
                                       f"after {timeout} s")
                result, states = scard.SCardGetStatusChange(
                    context, int(left * 1000), [(reader, known)])
                if result == scard.SCARD_E_TIMEOUT:
                    continue
                if result != scard.SCARD_S_SUCCESS:
                    raise PcscStackError(scard.SCardGetErrorMessage(result))
                _, state, _ = states[0]
                if bool(state & scard.SCARD_STATE_PRESENT) == present:
                    return time.monotonic() - started
                known = state & ~scard.SCARD_STATE_CHANGED
        finally:
            scard.SCardReleaseContext(context)


@dataclass(frozen=True)
class CardEvent:
    """One insertion or removal as a pyscard CardObserver saw it."""

    at: float  # time.monotonic()
    kind: str  # "inserted" or "removed"
    reader: str
    atr: bytes


class CardEvents:
    """Events collected by a pyscard CardObserver; `wait_for` blocks until one arrives."""

    def __init__(self) -> None:
        self.events: list[CardEvent] = []
        self._changed = threading.Condition()

    def update(self, observable: object, handlers: tuple[list, list]) -> None:  # type: ignore[type-arg]
        now = time.monotonic()
        added, removed = handlers
        with self._changed:
            for kind, cards in (("inserted", added), ("removed", removed)):
                self.events.extend(CardEvent(now, kind, str(card.reader), bytes(card.atr))
                                   for card in cards)
            self._changed.notify_all()

    def wait_for(self, kind: str, reader: str, after: float, timeout: float = 5.0) -> CardEvent:
        """The first `kind` event on `reader` seen at or after monotonic time `after`."""
        def found() -> CardEvent | None:
            return next((event for event in self.events if event.kind == kind
                         and event.reader == reader and event.at >= after), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout):
                raise TimeoutError(f"no {kind} event on {reader} within {timeout} s: "
                                   f"{self.events}")
            event = found()
            assert event is not None
            return event


@contextmanager
def watch_cards() -> Iterator[CardEvents]:
    """Attach a pyscard CardMonitor observer for the block; detach it promptly afterwards.

    pyscard's monitoring thread sits in SCardGetStatusChange with a 60 s timeout and
    `deleteObserver` joins it: without the SCardCancel below, leaving the block would wait
    for the next card event or those 60 s.
    """
    from smartcard import scard
    from smartcard.CardMonitoring import CardMonitor, CardObserver

    class _Observer(CardObserver):  # type: ignore[misc]
        def __init__(self, sink: CardEvents) -> None:
            super().__init__()
            self.sink = sink

        def update(self, observable: object, handlers: tuple[list, list]) -> None:  # type: ignore[type-arg]
            self.sink.update(observable, handlers)

    events = CardEvents()
    observer = _Observer(events)
    monitor = CardMonitor()
    monitor.addObserver(observer)
    try:
        yield events
    finally:
        wrapper = monitor.rmthread
        thread = wrapper.instance if wrapper is not None else None
        if thread is not None and monitor.countObservers() == 1:
            thread.stop()
            deadline = time.monotonic() + 5
            while thread.is_alive() and time.monotonic() < deadline:
                request = thread.cardrequest
                if request is not None and request.pcsccardrequest.hcontext is not None:
                    scard.SCardCancel(request.pcsccardrequest.hcontext)
                thread.join(0.05)
        monitor.deleteObserver(observer)
