"""The base is checked when opened: a damaged or replaced file is refused in French, and the
application then installs the shipped release again."""

import json
import os
import sqlite3

import pytest

from cabinet.drugs.base import DrugBase
from cabinet.drugs.errors import DrugBaseUnusable
from cabinet.drugs.importer import POINTER
from cabinet.drugs.shipped import SHIPPED_RELEASE, open_drug_base


def _database(folder):
    return folder / json.loads((folder / POINTER).read_text())["file"]


def test_one_changed_byte_is_refused(base_folder):
    path = _database(base_folder)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(DrugBaseUnusable) as refused:
        DrugBase.open(base_folder)
    assert refused.value.message == ("La base des médicaments est endommagée (son empreinte ne "
                                     "correspond plus) : la version livrée avec Cabinet la "
                                     "remplace.")


@pytest.mark.parametrize(("spoil", "why"), [
    (lambda folder: _database(folder).unlink(), "fichier absent"),
    (lambda folder: (folder / POINTER).write_text("{pas du json"),
     "sa description est illisible"),
])
def test_a_missing_file_or_description_is_refused(base_folder, spoil, why):
    spoil(base_folder)
    with pytest.raises(DrugBaseUnusable, match=why):
        DrugBase.open(base_folder)


def test_no_base_yet_is_said(tmp_path):
    with pytest.raises(DrugBaseUnusable,
                       match="Aucune base des médicaments n'est encore installée"):
        DrugBase.open(tmp_path)


def test_the_base_is_opened_read_only(base):
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        base._conn.execute("DELETE FROM hit")


def test_a_damaged_base_gives_way_to_the_shipped_release(base_folder):
    path = _database(base_folder)
    with path.open("r+b") as handle:
        handle.truncate(os.path.getsize(path) // 2)
    with open_drug_base(base_folder) as base:
        assert base.release().published == SHIPPED_RELEASE
        assert len(base.search("a", limit=100)) == 100  # the whole release, not the subset
    assert not path.exists()
