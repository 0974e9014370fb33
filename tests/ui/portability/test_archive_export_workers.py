"""« Portabilité › Exporter » on a practice large enough for the export's worker processes.

The installed application runs behind the integrity guard, which rewrites `sys.path`; the
workers start from that `sys.path` and once could not import Cabinet (BrokenProcessPool).
Here the form exports with `sys.path` exactly as the guard leaves it.
"""

import sys

import pytest
from test_archive_ui import export_with_passphrase, menu_action

from cabinet import guard
from cabinet.archive.writer import _PARALLEL_FROM
from cabinet.demo.generator import DemoSize, generate
from helpers.qt import answer_dialogs


@pytest.mark.timeout(120)  # a broken pool leaves the progress dialog up: fail, never hang
def test_the_form_exports_through_worker_processes_on_the_guards_path(unlocked, tmp_path,
                                                                       monkeypatch):
    generate(unlocked.ctx, DemoSize(_PARALLEL_FROM + 5), 20261203)
    total = len(unlocked.ctx.portability.patient_ids(0, 1000))
    folder = tmp_path / "cle-usb"
    folder.mkdir()
    unlocked.ctx.settings.change({"export_folder": str(folder)})
    monkeypatch.setattr(sys, "path", list(sys.path))
    guard.close_working_directory(guard.installation_roots())

    shown: dict[str, object] = {}
    answer_dialogs(*export_with_passphrase(unlocked, shown))
    menu_action(unlocked, "Exporter une archive de portabilité").trigger()

    assert shown["error"] == ""
    [written] = list(folder.iterdir())
    assert shown["path"] == f"Archive enregistrée : {written}"
    assert f"Patients : {total}" in str(shown["details"])
