"""The drug base's fixtures: the small real release of tests/data/bdpm, imported for real."""

import datetime as dt
from pathlib import Path

import pytest

from cabinet.drugs.base import DrugBase
from cabinet.drugs.importer import import_release
from cabinet.drugs.shipped import folder_files

SUBSET = Path(__file__).resolve().parents[1] / "data" / "bdpm"
SUBSET_DATE = dt.date(2026, 1, 28)


@pytest.fixture
def subset() -> dict[str, bytes]:
    """The subset's files as bytes, by name (a test may spoil one)."""
    return folder_files(SUBSET)


@pytest.fixture
def base_folder(tmp_path, subset) -> Path:
    """A folder holding the subset imported as the current base."""
    folder = tmp_path / "medicaments"
    import_release(subset, folder, SUBSET_DATE)
    return folder


@pytest.fixture
def base(base_folder):
    with DrugBase.open(base_folder) as opened:
        yield opened
