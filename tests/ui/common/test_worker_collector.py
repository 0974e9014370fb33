"""While a job runs, Python's full garbage collection never stalls the window.

A full collection walks every object of the process with the GIL held, whichever thread runs
it: during a seizure's layout (hundreds of thousands of reportlab objects) it held the window
still for more than half a second. The young generations are still collected meanwhile, so
the job's short-lived cycles do not pile up.
"""

import gc

from PySide6.QtWidgets import QWidget

from cabinet.ui.common.worker import BackgroundJob

OBJECTS = 600_000


def test_no_full_collection_runs_while_a_job_builds_many_objects(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    before = gc.get_threshold()
    collected: list[int] = []

    def noted(phase, info):
        if phase == "start":
            collected.append(info["generation"])

    gc.callbacks.append(noted)
    try:
        kept = BackgroundJob(parent, "Mise en page…", "Mise en page interrompue.").run(
            lambda _progress: [[{"ligne": n}] for n in range(OBJECTS)])
    finally:
        gc.callbacks.remove(noted)
    assert len(kept) == OBJECTS
    assert 2 not in collected and 0 in collected  # the young ones still are
    assert gc.get_threshold() == before
