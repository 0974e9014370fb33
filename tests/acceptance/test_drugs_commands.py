"""`cabinet drugs import|info|search` as the installed command, in child processes: the
physician's download imported whole or refused whole, and a kill -9 in the middle of an
import leaving the previous base working.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from cabinet.drugs.shipped import shipped_files

SUBSET = Path(__file__).resolve().parents[1] / "data" / "bdpm"
KILL_TIMEOUT = 60.0


@pytest.fixture
def user(installed, tmp_path):
    """The installed command with a home of its own (its own drug base)."""
    home = tmp_path / "maison"
    home.mkdir()
    environment = {**installed.environment, "HOME": str(home)}

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(installed.command(*args), capture_output=True, text=True,
                              encoding="utf-8", env=environment, timeout=240, check=False)

    run.command = installed.command  # type: ignore[attr-defined]
    run.environment = environment  # type: ignore[attr-defined]
    run.base = home / ".local" / "share" / "Cabinet" / "medicaments"  # type: ignore[attr-defined]
    return run


@pytest.fixture
def full_release(tmp_path) -> Path:
    folder = tmp_path / "telechargement"
    folder.mkdir()
    for name, data in shipped_files().items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def legacy_subset(tmp_path) -> Path:
    """The small release as the ANSM publishes it: Windows-1252, CRLF as they came."""
    folder = tmp_path / "officiel"
    folder.mkdir()
    for path in SUBSET.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_text("utf-8").encode("cp1252"))
    return folder


def test_import_info_and_search(user, full_release, legacy_subset):
    done = user("drugs", "import", full_release, "--date", "28/01/2026")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == ("Base des médicaments ANSM du 28/01/2026 importée : "
                                           "15 799 spécialités, 20 869 présentations.")
    info = user("drugs", "info")
    assert info.returncode == 0, info.stderr
    assert info.stdout.splitlines()[0] == "Base des médicaments ANSM du 28/01/2026"
    assert ("CIS_bdpm.txt : 15 799 ligne(s), SHA-256 "
            "9ba85ff4b6df1100bef542b3777f3666d9e4d7537f4825f8b716bc305a2fbd92") in info.stdout
    assert "n'est pas un logiciel d'aide à la prescription certifié par la HAS" in info.stdout
    found = user("drugs", "search", "doli 1000")
    assert found.stdout.splitlines()[0] == ("60234100  DOLIPRANE 1000 mg, comprimé — "
                                            "paracétamol 1000 mg — orale — remboursé 65%")
    box = user("drugs", "search", "3400956511792")
    assert box.stdout.startswith("CIP13 3400956511792  60028552  TRACRIUM")
    for path in legacy_subset.iterdir():
        os.utime(path, (0, 1_700_000_000))  # 14/11/2023
    os.utime(legacy_subset / "CIS_CPD_bdpm.txt", (0, 1_780_000_000))  # 28/05/2026: the newest
    older = user("drugs", "import", legacy_subset)
    assert older.returncode == 0, older.stderr
    assert older.stdout.startswith("Base des médicaments ANSM du 28/05/2026 importée : "
                                   "19 spécialités, 35 présentations.")


def test_a_refused_release_leaves_the_base(user, legacy_subset, full_release):
    assert user("drugs", "import", legacy_subset, "--date", "01/01/2025").returncode == 0
    compositions = full_release / "CIS_COMPO_bdpm.txt"
    compositions.write_bytes(compositions.read_bytes()[:-20])
    refused = user("drugs", "import", full_release, "--date", "28/01/2026")
    assert refused.returncode == 2
    assert refused.stderr == ("Erreur : CIS_COMPO_bdpm.txt, ligne 32 449 : la dernière ligne "
                              "est coupée (fichier tronqué).\n")
    assert user("drugs", "info").stdout.startswith("Base des médicaments ANSM du 01/01/2025\n")
    bad_date = user("drugs", "import", legacy_subset, "--date", "2026-01-28")
    assert bad_date.returncode == 2
    assert "n'est pas une date JJ/MM/AAAA" in bad_date.stderr


def _wait_for_build(folder: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + KILL_TIMEOUT
    while not any(p.name.endswith(".tmp") for p in folder.iterdir()):
        assert process.poll() is None, "the import ended before it was seen building"
        assert time.monotonic() < deadline, "the import never started building"
        time.sleep(0.005)


@pytest.mark.slow
def test_kill_9_mid_import_leaves_the_previous_base_working(user, legacy_subset, full_release):
    assert user("drugs", "import", legacy_subset, "--date", "01/01/2025").returncode == 0
    for pause in (0.0, 0.1, 0.25):  # building the base takes about a second here
        process = subprocess.Popen(
            user.command("drugs", "import", full_release, "--date", "28/01/2026"),
            env=user.environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for_build(user.base, process)
        time.sleep(pause)
        assert process.poll() is None, "the import ended before the kill"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=KILL_TIMEOUT) == -signal.SIGKILL
        info = user("drugs", "info")
        assert info.returncode == 0, info.stderr
        assert info.stdout.startswith("Base des médicaments ANSM du 01/01/2025\n")
        assert "CLAMOXYL 500 mg" in user("drugs", "search", "amox").stdout
    done = user("drugs", "import", full_release, "--date", "28/01/2026")
    assert done.returncode == 0, done.stderr
    assert sorted(p.suffix for p in user.base.iterdir()) == [".json", ".sqlite3"]
