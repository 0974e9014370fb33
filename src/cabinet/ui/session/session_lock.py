"""Lock Cabinet when the operating system's session locks (DESIGN.md §2).

On Linux the desktop's screen saver says so on the session bus (org.freedesktop.ScreenSaver
and GNOME's twin) and logind on the system bus (Session.Lock). Windows' WTS_SESSION_LOCK and
macOS' screen-lock notification are not wired yet.
"""

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection

SCREEN_SAVERS = (("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
                 ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"))


class SessionLockWatch(QObject):
    """Emits `session_locked` when the desktop session locks or its screen saver starts."""

    session_locked = Signal()

    def __init__(self, session_bus: QDBusConnection | None = None,
                 system_bus: QDBusConnection | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        session = session_bus or QDBusConnection.sessionBus()
        if session.isConnected():
            for path, interface in SCREEN_SAVERS:
                session.connect(  # type: ignore[call-overload]  # SLOT gives str at runtime
                    "", path, interface, "ActiveChanged", self,
                    SLOT("screen_saver_changed(bool)"))
        system = system_bus or QDBusConnection.systemBus()
        if system.isConnected():
            system.connect(  # type: ignore[call-overload]  # SLOT gives str at runtime
                "", "", "org.freedesktop.login1.Session", "Lock", self, SLOT("logind_lock()"))

    @Slot(bool)
    def screen_saver_changed(self, active: bool) -> None:
        """The screen saver started (or stopped)."""
        if active:
            self.session_locked.emit()

    @Slot()
    def logind_lock(self) -> None:
        """Logind asked every session to lock."""
        self.session_locked.emit()
