"""Foreign code planted in the installed environment never runs before the guard (issue 19).

Python's `site` runs the import lines of every `.pth` file before any code of Cabinet: one
line could disable the integrity guard. The `cabinet` command of an installation made the
README's way starts Python isolated and without `site`, so the guard judges the file first.
The attack runs in an environment of its own: the session's `installed` one stays clean.
"""

import pytest

from acceptance.conftest import Installed, install


@pytest.fixture(scope="module")
def own_installation(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    return install(tmp_path_factory.mktemp("installation-attaquee"))


def test_a_pth_file_disabling_the_guard_never_runs(own_installation, tmp_path):
    folder = tmp_path / "coffre"
    made = own_installation.run("demo", "--no-gui", "--patients", 3, "--vault", folder)
    assert made.returncode == 0, made.stderr
    marker = tmp_path / "marqueur"
    site = next(own_installation.script.parents[1].glob("lib/python3*/site-packages"))
    planted = site / "zz-garde.pth"
    planted.write_text(f"import pathlib; pathlib.Path({str(marker)!r}).write_text('exécuté'); "
                       "import cabinet.guard as g; g.enforce = lambda: None\n")

    result = own_installation.run("vault", "check", "--vault", folder)

    assert not marker.exists()  # the line never ran: the guard judged the file first
    assert result.returncode == 3, result.stdout + result.stderr
    assert "le fichier zz-garde.pth" in result.stderr
    assert "Intégrité" not in result.stdout
