"""A real Secret Service for the keyring tests: a private D-Bus session with gnome-keyring.

Started once per test session, unlocked with a throw-away password, stopped at the end.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def secret_service() -> Iterator[dict[str, str]]:
    """Run dbus-daemon and gnome-keyring-daemon; yield the environment that reaches them."""
    for program in ("dbus-daemon", "gnome-keyring-daemon"):
        if shutil.which(program) is None:
            raise RuntimeError(f"{program} is missing: run tests/run_all.sh as root once")
    home = tempfile.mkdtemp(prefix="keyring-home-")
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=f"{home}/data",
               XDG_RUNTIME_DIR=home)
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                           stdout=subprocess.PIPE, text=True, env=env)
    assert bus.stdout is not None
    env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
    keyring_daemon = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"],
        input="mot-de-passe-de-test", capture_output=True, text=True, env=env, check=True)
    pids = [line.split("=", 1)[1] for line in keyring_daemon.stdout.splitlines()
            if line.startswith("GNOME_KEYRING_PID=")]
    try:
        yield env
    finally:
        for pid in pids:
            subprocess.run(["kill", pid], check=False)
        bus.terminate()
        bus.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def secret_service_env():
    """The real Secret Service for one test module; os.environ points at it meanwhile."""
    with secret_service() as env:
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            yield env
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
