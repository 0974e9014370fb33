"""An archive's long check leaves the vault free; its reads are journaled right after it."""

import threading

from cabinet.demo.generator import DemoSize, generate
from cabinet.services.ports import JournalFilter
from helpers import archives


def test_the_vault_can_be_written_while_an_archive_is_checked(ctx, successor, tmp_path):
    generate(ctx, DemoSize(3, encounters_per_patient=1), seed=5)
    reader = archives.open_reader(archives.export(ctx, tmp_path / "archive"))
    in_time = []

    def meanwhile(_done, _total):  # mid-check, another thread writes (as a backup locks)
        def write():
            with successor.vault.store.transaction():
                pass
        other = threading.Thread(target=write)
        other.start()
        other.join(timeout=2)
        in_time.append(not other.is_alive())

    prepared = successor.archive_importer.prepare(reader, meanwhile)
    assert in_time and all(in_time)
    checked = [e for e in successor.journal.events(JournalFilter(action="read"))
               if e["target"] == "portability archive"]
    assert len(checked) == 1 and prepared.checked.manifest.export_id in checked[0]["detail"]
