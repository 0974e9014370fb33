"""The guard judges what is loaded, not only what was asked for (CONF-3, issue 19).

A preloaded library whose constructor erases its own LD_PRELOAD leaves no variable for the
guard to see; it stays mapped into the process. The real `cabinet` script of the development
install must still refuse it by name before any vault is unlocked, and a library loaded
after the start must be refused before a data key is unwrapped.
"""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from cabinet import loaded
from helpers import preload

SCRIPT = Path(sysconfig.get_paths()["scripts"]) / "cabinet"


@pytest.fixture
def hiding_library(tmp_path):
    """A shared library that notes it ran in Python, then erases LD_PRELOAD; and its marker."""
    return preload.hiding_library(tmp_path, "python")


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prechargement") / "coffre"
    made = subprocess.run([str(SCRIPT), "demo", "--no-gui", "--patients", "3", "--vault",
                           str(folder)], capture_output=True, text=True, timeout=120,
                          check=False, env=_environment(folder.parent))
    assert made.returncode == 0, made.stderr
    return folder


def _environment(home: Path, **extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("PYTHONPATH", "LD_PRELOAD")}
    return {**environment, "HOME": str(home), **extra}


def test_a_preloaded_library_that_hides_its_variable_is_refused_by_name(hiding_library,
                                                                        demo_vault, tmp_path):
    library, marker = hiding_library
    result = subprocess.run([str(SCRIPT), "vault", "check", "--vault", str(demo_vault)],
                            capture_output=True, text=True, timeout=120, check=False,
                            env=_environment(tmp_path, LD_PRELOAD=str(library)))
    assert marker.exists()  # the constructor ran in Python and erased LD_PRELOAD
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"la bibliothèque {library} est chargée" in result.stderr
    assert "LD_PRELOAD" not in result.stderr  # the variable was gone: the map named it
    assert "Intégrité" not in result.stdout  # nothing was opened


def test_a_library_loaded_after_the_start_never_sees_the_data_key(hiding_library, demo_vault,
                                                                 tmp_path):
    """Loaded once the guard has run (no audit hook here): refused before the unwrap."""
    library, _ = hiding_library
    program = ("import ctypes, sys\n"
               f"ctypes.CDLL({str(library)!r})\n"
               "from cabinet.domain.clock import SystemClock\n"
               "from cabinet.domain.audit import AccessMode\n"
               "from cabinet.keys.demo import DEMO_PASSWORD\n"
               "from pathlib import Path\nfrom cabinet.vault.session import Credential, unlock\n"
               f"unlock(Path(sys.argv[1]), Credential(AccessMode.DEMO, DEMO_PASSWORD), "
               "SystemClock(), 'poste')\n"
               "print('ouvert')\n")
    result = subprocess.run([sys.executable, "-c", program, str(demo_vault)],
                            capture_output=True, text=True, timeout=120, check=False,
                            env=_environment(tmp_path))
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"la bibliothèque {library} est chargée" in result.stderr
    assert "ouvert" not in result.stdout


@pytest.mark.parametrize(("path", "allowed"), [
    ("/usr/lib/x86_64-linux-gnu/libc.so.6", True),
    ("/usr/lib/x86_64-linux-gnu/libxcb-cursor.so.0.0.0", True),
    ("/usr/lib/x86_64-linux-gnu/dri/iris_dri.so", True),
    ("/lib/x86_64-linux-gnu/libpcsclite.so.1.0.0", True),
    ("/usr/lib/x86_64-linux-gnu/libcache-polices.so", False),
    ("/usr/lib/x86_64-linux-gnu/greffons/libc.so.6", False),
    ("/tmp/libc.so.6", False),
    ("/usr/local/lib/libssl.so.3", False),
])
def test_system_libraries_are_allowed_by_folder_and_name(path, allowed):
    assert loaded.system_library(Path(path)) is allowed


def test_a_deleted_or_unnamed_mapping_is_never_allowed():
    maps = ["7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)\n",
            "7f02-7f03 r-xp 00000000 00:01 2 /memfd:greffon (deleted)\n",
            "7f04-7f05 r--p 00000000 08:01 3 /tmp/police.ttf\n",
            "7f06-7f07 r-xp 00000000 00:00 0 [vdso]\n"]
    mapped = loaded.executable_mappings(maps)
    assert loaded.foreign_libraries(mapped, []) == [
        "/usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)", "/memfd:greffon (deleted)"]
