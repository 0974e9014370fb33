"""A child process the crash tests kill with SIGKILL: started on the tests' code, read line
by line (a line is its promise that what it names is committed), then killed."""

import os
import selectors
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRST_LINE_TIMEOUT = 30.0


def child_env() -> dict[str, str]:
    """The environment with `src` and `tests` on the path, for `python -m helpers.…`."""
    env = dict(os.environ)
    paths = [str(ROOT / "src"), str(ROOT / "tests")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def start_child(module: str, *args: str) -> subprocess.Popen[bytes]:
    """Run `python -m module args…` with its output piped."""
    return subprocess.Popen([sys.executable, "-m", module, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env(), cwd=ROOT)


def wait_first_line(process: subprocess.Popen[bytes]) -> bytes:
    """Block until the child printed its first line; fail if it dies or stays silent."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=FIRST_LINE_TIMEOUT):
            process.kill()
            process.wait()
            pytest.fail("the child printed nothing in time")
    line = process.stdout.readline()
    if not line.endswith(b"\n"):
        process.wait()
        assert process.stderr is not None
        pytest.fail("the child stopped before its first line: "
                    + process.stderr.read().decode(errors="replace")[-2000:])
    return line


def kill_child(process: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    """SIGKILL the child and collect what it had printed."""
    still_running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=30)
    assert still_running, "the child ended on its own: " + err.decode(errors="replace")[-2000:]
    assert process.returncode == -signal.SIGKILL
    return out, err


def complete_lines(output: bytes) -> list[str]:
    """Lines fully printed before the kill (a cut last line is not a promise)."""
    lines = output.decode().split("\n")
    return [line for line in lines[:-1] if line]
