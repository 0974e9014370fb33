"""The one way off the GUI thread: the window keeps turning, and a pulled card stops the job.

Real Qt (offscreen) and, for the card, the real pcscd with a virtual reader and SoftHSM2.
"""

import threading
import time

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from cabinet.errors import KnownError
from cabinet.exchange.staging import CancelToken
from cabinet.ui.common.card_bridge import CardBridge
from cabinet.ui.common.worker import BackgroundJob, JobStopped, QuietJob
from helpers.slow import FROZEN_MS, SLOWED_SECONDS, Heartbeat


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def bridge(qtbot, physician_card):
    cards = CardBridge()
    cards.start()
    physician_card.insert()
    qtbot.waitUntil(lambda: physician_card.reader in cards.current.card_readers(), timeout=2000)
    yield cards
    cards.stop()


def busy(seconds: float, cancel: CancelToken | None = None) -> str:
    """Python work holding the interpreter in short turns, as rendering and signing do."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(2000))
        if cancel is not None:
            cancel.check()  # an export checks its token between steps
    return "fini"


def waiting(seconds: float) -> str:
    """Work that waits (the card, the disk): the window must not wait with it."""
    time.sleep(seconds)
    return "fini"


def test_the_window_keeps_turning_while_a_job_runs(parent):
    with Heartbeat() as beat:
        result = BackgroundJob(parent, "Travail…", "Arrêté.").run(
            lambda _p: waiting(SLOWED_SECONDS))
    assert result == "fini"
    assert beat.ticks > 20 and beat.latest_ms < FROZEN_MS


def test_pulling_the_watched_card_stops_the_job_through_the_card_signal(
        parent, bridge, physician_card):
    token = CancelToken()
    job = BackgroundJob(parent, "Signature…", "Carte retirée.", cancel=token)
    job.watch(bridge, [physician_card.reader])
    threading.Timer(0.3, physician_card.remove, kwargs={"wait": False}).start()
    started = time.monotonic()
    with Heartbeat() as beat, pytest.raises(JobStopped, match="Carte retirée"):
        job.run(lambda _p: busy(10, token))
    assert token.cancelled and time.monotonic() - started < 2
    assert beat.latest_ms < FROZEN_MS


def test_a_card_already_gone_stops_the_job_before_it_runs(
        qtbot, parent, bridge, physician_card):
    physician_card.remove()
    qtbot.waitUntil(lambda: not bridge.current.card_readers(), timeout=2000)
    job = BackgroundJob(parent, "Signature…", "Carte retirée.")
    ran = []
    with pytest.raises(JobStopped):
        job.watch(bridge, [physician_card.reader]).run(lambda _p: ran.append(1))
    assert ran == []


def test_a_result_coming_back_after_the_stop_is_released_not_used(parent):
    job = BackgroundJob(parent, "Ouverture…", "Interrompu.")
    released = []

    def work(_progress):
        job.stop()  # as a pulled card would, while work that cannot be interrupted runs
        return "coffre ouvert"

    with pytest.raises(JobStopped, match="Interrompu"):
        job.run(work, release=released.append)
    assert released == ["coffre ouvert"]


def test_the_progress_never_comes_back_once_the_job_has_ended(qtbot, parent):
    BackgroundJob(parent, "Travail…", "Arrêté.").run(lambda _p: "fini")
    qtbot.wait(100)  # the progress dialog's own timer would show it again by now
    assert QApplication.activeModalWidget() is None


def test_the_keyboard_goes_back_where_it_was_once_the_job_has_ended(qtbot, parent):
    field = QLineEdit()
    QVBoxLayout(parent).addWidget(field)
    parent.show()
    parent.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=2000)
    BackgroundJob(parent, "Travail…", "Arrêté.").run(lambda _p: "fini")
    assert QApplication.focusWidget() is field  # typing goes on at once, as before the job


def test_quiet_work_counts_as_running_until_its_result_reached_the_window(qtbot, parent):
    """The status bar says « sauvegarde en cours » until the result is shown, not until the
    worker thread has merely finished (a test, or the status, would read a stale state)."""
    job = QuietJob(parent)
    handed: list[str] = []
    job.start(lambda: "vérifiée", handed.append)
    job.wait()  # the worker is done; its result is still on its way to the GUI thread
    assert job.busy and handed == []
    qtbot.waitUntil(lambda: not job.busy)
    assert handed == ["vérifiée"]


def test_a_quiet_failure_is_said_in_french_and_ends_the_work(qtbot, parent):
    job = QuietJob(parent)
    said: list[str] = []
    job.failed.connect(said.append)

    def fails() -> str:
        raise KnownError("Le support de sauvegarde est plein.")

    job.start(fails, lambda _: None)
    job.wait()
    assert job.busy
    qtbot.waitUntil(lambda: not job.busy)
    assert said == ["Le support de sauvegarde est plein."]
