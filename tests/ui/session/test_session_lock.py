"""The OS session locking locks Cabinet: a real D-Bus session bus, a real signal."""

import subprocess

import pytest
from PySide6.QtDBus import QDBusConnection

from cabinet.ui.session.session_lock import SessionLockWatch


@pytest.fixture
def session_bus():
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, text=True)
    address = daemon.stdout.readline().strip()
    bus = QDBusConnection.connectToBus(address, "cabinet-test-session")
    assert bus.isConnected()
    yield address, bus
    QDBusConnection.disconnectFromBus("cabinet-test-session")
    daemon.terminate()
    daemon.wait(timeout=10)


def emit(address, path, interface, active):
    subprocess.run(["dbus-send", f"--bus={address}", "--type=signal", path,
                    f"{interface}.ActiveChanged", f"boolean:{str(active).lower()}"], check=True)


@pytest.mark.parametrize(("path", "interface"), [
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
])
def test_the_screen_saver_starting_locks(qtbot, session_bus, path, interface):
    address, bus = session_bus
    watch = SessionLockWatch(session_bus=bus, system_bus=bus)
    with qtbot.waitSignal(watch.session_locked, timeout=3000):
        emit(address, path, interface, active=True)


def test_the_screen_saver_stopping_does_not_lock(qtbot, session_bus):
    address, bus = session_bus
    watch = SessionLockWatch(session_bus=bus, system_bus=bus)
    with qtbot.assertNotEmitted(watch.session_locked, wait=500):
        emit(address, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", False)


def test_the_main_window_locks_with_the_session(unlocked):
    unlocked.session_lock.session_locked.emit()
    assert unlocked.ctx is None
