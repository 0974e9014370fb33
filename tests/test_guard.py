"""The integrity guard, one test per door (CONF-3): each refused by name, nothing loaded.

Every test starts the real `cabinet` command in a child process. Planted code writes a marker
file when it runs; the marker must not appear. Python's `site` runs `.pth` import lines and
`sitecustomize` before any application code: for those two doors the development build can
only refuse to go on (the marker is then not checked); the installer's build runs without
`site`.
"""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

SITE = Path(sysconfig.get_paths()["purelib"])
MARKER_CODE = "import pathlib; pathlib.Path({marker!r}).write_text('chargé')\n"


def cabinet(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "cabinet", *args], capture_output=True,
                          text=True, env=environment, cwd=cwd, timeout=120, check=False,
                          input="")


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "marqueur"


@pytest.fixture(autouse=True)
def _forget_refusals():
    """The child processes note their refused starts in the real user's folder: clear it."""
    yield
    (Path.home() / ".local" / "state" / "Cabinet" / "demarrages-refuses.jsonl").unlink(
        missing_ok=True)


@pytest.fixture
def plant(tmp_path):
    """Write files into the environment's site-packages, removed whatever happens."""
    planted: list[Path] = []

    def write(name: str, text: str) -> Path:
        path = SITE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        planted.append(path)
        return path

    yield write
    for path in reversed(planted):
        path.unlink(missing_ok=True)
        if path.parent != SITE and not any(path.parent.iterdir()):
            path.parent.rmdir()


def test_a_clean_environment_starts():
    result = cabinet("--help")
    assert result.returncode == 0, result.stderr
    assert "refuse" not in result.stderr


def code_module(folder: Path, name: str, marker: Path) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(MARKER_CODE.format(marker=str(marker)))
    return path


@pytest.mark.parametrize("variable", [
    "PYTHONPATH", "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONUSERBASE", "PYTHON_KEYRING_BACKEND",
    "QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH", "LD_PRELOAD", "DYLD_INSERT_LIBRARIES",
    "PYTHONHOME", "PYTHONPYCACHEPREFIX", "OPENSSL_CONF"])
def test_each_environment_variable_is_refused_by_name(variable, tmp_path, marker):
    plugins = tmp_path / "greffons"
    startup = code_module(plugins, "demarrage", marker)
    values = {"PYTHONPATH": str(plugins), "PYTHONSTARTUP": str(startup), "PYTHONINSPECT": "1",
              "PYTHONUSERBASE": str(plugins), "PYTHON_KEYRING_BACKEND": "demarrage.Keyring",
              "QT_PLUGIN_PATH": str(plugins), "QT_QPA_PLATFORM_PLUGIN_PATH": str(plugins),
              "LD_PRELOAD": str(tmp_path / "absente.so"),
              "DYLD_INSERT_LIBRARIES": str(tmp_path / "absente.dylib"),
              "PYTHONHOME": sys.base_prefix, "PYTHONPYCACHEPREFIX": str(plugins),
              "OPENSSL_CONF": str(tmp_path / "openssl.cnf")}
    result = cabinet("--help", env={variable: values[variable]})
    assert result.returncode == 3, result.stderr
    assert f"la variable d'environnement {variable} est définie" in result.stderr
    assert not marker.exists()


def test_a_planted_pth_file_is_refused_and_its_folder_never_imported(plant, tmp_path, marker):
    code_module(tmp_path / "ailleurs", "cabinet_greffon", marker)
    plant("zz-greffon.pth", f"{tmp_path / 'ailleurs'}\n")
    result = cabinet("--help")
    assert result.returncode == 3
    assert "le fichier zz-greffon.pth" in result.stderr
    assert not marker.exists()


def test_a_pth_file_listed_by_a_planted_record_but_changed_is_refused(plant, tmp_path):
    plant("zz-faux-1.0.dist-info/RECORD", "zz-annonce.pth,sha256=AAAA,3\n")
    plant("zz-annonce.pth", f"{tmp_path}\n")
    result = cabinet("--help")
    assert result.returncode == 3
    assert "le fichier zz-annonce.pth" in result.stderr


def test_a_planted_sitecustomize_is_refused(plant, marker):
    plant("sitecustomize.py", MARKER_CODE.format(marker=str(marker)))
    result = cabinet("--help")
    assert result.returncode == 3
    assert "sitecustomize" in result.stderr


def test_a_module_in_the_working_directory_is_never_imported(tmp_path, marker):
    code_module(tmp_path, "getpass", marker)  # the command line imports getpass
    result = cabinet("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


def test_the_exports_worker_processes_never_import_from_the_working_directory(tmp_path,
                                                                              marker):
    """Worker processes start as `python -c …`, which would put the working directory first."""
    vault, media, folder = tmp_path / "coffre", tmp_path / "media", tmp_path / "dossier"
    assert cabinet("demo", "--no-gui", "--patients", "41", "--vault", str(vault)).returncode == 0
    media.mkdir()
    code_module(folder, "multiprocessing", marker)  # what a worker imports first
    result = cabinet("archive", "export", "--vault", str(vault), "--to", str(media), cwd=folder)
    assert result.returncode == 0, result.stderr
    assert "41 patient(s)" in result.stdout
    assert not marker.exists()


def test_a_fake_qt_plugin_is_refused_and_not_loaded(tmp_path, marker):
    platforms = tmp_path / "qt" / "platforms"
    platforms.mkdir(parents=True)
    (platforms / "libqoffscreen.so").write_bytes(b"pas une bibliotheque")
    result = cabinet("demo", "--no-gui", "--vault", str(tmp_path / "v"),
                     env={"QT_PLUGIN_PATH": str(tmp_path / "qt")})
    assert result.returncode == 3
    assert "QT_PLUGIN_PATH" in result.stderr
    assert not (tmp_path / "v").exists()  # refused before anything was done


@pytest.mark.parametrize("name", [".reportlab_mods", ".reportlab_settings"])
def test_a_file_reportlab_would_run_from_the_home_folder_is_refused(name, tmp_path, marker):
    home = tmp_path / "maison"
    home.mkdir()
    (home / name).write_text(MARKER_CODE.format(marker=str(marker)))
    result = cabinet("demo", "--no-gui", "--patients", "2", "--vault", str(tmp_path / "v"),
                     env={"HOME": str(home)})  # the demo lays out PDFs: reportlab is imported
    assert result.returncode == 3
    assert f"le fichier {home / name} serait exécuté par la bibliothèque PDF" in result.stderr
    assert not marker.exists()
    assert not (tmp_path / "v").exists()


def test_a_keyring_backend_announced_by_entry_point_is_never_loaded(plant, marker, tmp_path):
    plant("cabinet_faux_trousseau.py", MARKER_CODE.format(marker=str(marker)))
    plant("cabinet_faux_trousseau-1.0.dist-info/METADATA",
          "Metadata-Version: 2.1\nName: cabinet-faux-trousseau\nVersion: 1.0\n")
    plant("cabinet_faux_trousseau-1.0.dist-info/entry_points.txt",
          "[keyring.backends]\nfaux = cabinet_faux_trousseau\n")
    program = ("from cabinet import guard\nguard.enforce()\n"
               "from cabinet.bootstrap import platform_keyring, system_secret_store\n"
               "print(type(platform_keyring()).__module__)\nsystem_secret_store()\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.stdout.startswith("keyring.backends."), result.stderr
    assert not marker.exists()


def test_the_audit_hook_refuses_a_foreign_import_path(tmp_path, marker):
    code_module(tmp_path / "ailleurs", "cabinet_greffon", marker)
    program = ("import sys\nfrom cabinet import guard\nguard.enforce()\n"
               f"sys.path.append({str(tmp_path / 'ailleurs')!r})\n"
               "try:\n    import cabinet_greffon\nexcept ImportError as error:\n"
               "    print(error)\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60, check=False)
    assert "Import refusé" in result.stdout, result.stderr
    assert not marker.exists()


@pytest.mark.parametrize("library", ["'libz.so.1'", "b'/usr/lib/x86_64-linux-gnu/libz.so.1'",
                                     "'/tmp/ailleurs/libpcsclite.so.1'"])
def test_the_audit_hook_refuses_a_foreign_library(library):
    program = ("import ctypes\nfrom cabinet import guard\nguard.enforce()\n"
               f"try:\n    ctypes.CDLL({library})\nexcept ImportError as error:\n"
               "    print(error)\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60, check=False)
    assert "Chargement refusé de la bibliothèque" in result.stdout, result.stderr


def test_the_installed_cabinet_script_starts():
    script = Path(sysconfig.get_paths()["scripts"]) / "cabinet"
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                            env=environment, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_only_the_bootloaders_own_library_path_is_accepted():
    from cabinet.guard import variable_doors

    bundle = "/opt/cabinet/_internal"
    refused = "la variable d'environnement LD_LIBRARY_PATH est définie"
    assert variable_doors({"LD_LIBRARY_PATH": bundle}, bundle=bundle) == []
    assert variable_doors({"LD_LIBRARY_PATH": bundle}) == [refused]  # not frozen
    assert variable_doors({"LD_LIBRARY_PATH": f"{bundle}:/tmp/greffons",
                           "LD_LIBRARY_PATH_ORIG": "/tmp/greffons"}, bundle=bundle) == [refused]
    assert variable_doors({"LD_LIBRARY_PATH": bundle, "LD_LIBRARY_PATH_ORIG": bundle},
                          bundle=bundle) == [refused]


def test_a_refused_start_is_journaled_at_the_next_unlock(tmp_path, clock, monkeypatch):
    """The refusal is noted outside the vault, then journaled by the next unlock, once."""
    from cabinet import guard
    from cabinet.bootstrap import build_context
    from cabinet.domain.audit import AccessMode
    from cabinet.keys.demo import DEMO_PASSWORD
    from cabinet.vault.session import Credential, unlock
    from helpers.vaults import new_context

    home = tmp_path / "maison"
    home.mkdir()
    result = cabinet("--help", env={"HOME": str(home), "PYTHONSTARTUP": "/dev/null"})
    assert result.returncode == 3
    note = home / ".local" / "state" / "Cabinet" / "demarrages-refuses.jsonl"
    assert note.exists()  # where the child process, whose home it was, noted its refusal
    monkeypatch.setattr(guard, "refusals_log", lambda: note)
    assert "PYTHONSTARTUP" in note.read_text()

    ctx, _ = new_context(tmp_path / "coffre", clock, demo=True)
    ctx.lock()
    ctx = build_context(unlock(tmp_path / "coffre", Credential(AccessMode.DEMO, DEMO_PASSWORD),
                               clock, "poste"), clock)
    details = [e["detail"] for e in ctx.vault.store.audit_rows(None, 50)
               if e["action"] == "admin"]
    ctx.lock()
    assert any("démarrage refusé par le garde d'intégrité" in d and "PYTHONSTARTUP" in d
               for d in details)
    assert not note.exists()
