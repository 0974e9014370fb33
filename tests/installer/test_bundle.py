"""The Linux bundle: built once by installer/build-linux.sh, run from an empty environment.

What it proves, on the real PyInstaller build signed with the TEST-ONLY key:
- started with `env -i` (HOME, LANG, QT_QPA_PLATFORM and the tests' private PC/SC socket
  only), the app's guard passes, it creates and opens a demo vault, its window opens
  offscreen on the bundle's own Qt, and it signs a prescription and verifies it (fonts,
  PDF/A, PAdES: the whole document stack);
- a byte changed in a library, a file removed, a module added, a manifest signed by
  another key: each is refused before anything is done, with the French message naming the
  file; the planted module never runs, while a control run (the same module, the manifest
  re-signed with the build's key, as only the publisher could) shows that it would have;
- the interpreter is isolated (its flags, read by the control module from inside the
  process) and runs without `site`: a planted sitecustomize, usercustomize or `.pth` never
  runs, even when the manifest vouches for it;
- the Qt plugins that could open a door (VNC, GTK, TUIO, TLS) are not shipped.

Bundles are modified on copies made of hard links; a file is changed by writing a new one.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from installer_support import BUNDLE_NUMBERS, INSTALLER, load_manifest_tool

from cabinet import installation
from cabinet.bootstrap import build_context
from cabinet.vault.session import create_vault
from helpers import preload
from helpers.clock import SteppingClock
from helpers.records import marked_practice
from helpers.vaults import OWNER

pytestmark = pytest.mark.bundle

TEST_KEY = INSTALLER / "keys" / "TEST-ONLY-publisher-ed25519.pem"
TEST_PUBLIC_KEY = INSTALLER / "keys" / "TEST-ONLY-publisher-ed25519.pub.pem"
MARKER_CODE = "import pathlib; pathlib.Path({marker!r}).write_text('chargé')\n"
REFUSED = 3


@pytest.fixture(scope="session")
def bundle(tmp_path_factory, request):
    """Build the bundle once for the session; record its size, build time and guard cost."""
    base = tmp_path_factory.mktemp("bundle")
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(INSTALLER / "build-linux.sh"), "--dist", str(base / "dist"),
         "--work", str(base / "work")],
        env={**os.environ, "PYTHON": sys.executable}, capture_output=True, text=True,
        timeout=1200, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    build_seconds = time.monotonic() - started
    shutil.rmtree(base / "work")
    root = base / "dist" / "cabinet"
    request.config.stash[BUNDLE_NUMBERS] = {
        "megabytes": sum(p.stat().st_size for p in root.rglob("*")
                         if p.is_file() and not p.is_symlink()) / 1e6,
        "files": sum(1 for p in root.rglob("*") if p.is_file() and not p.is_symlink()),
        "build_seconds": build_seconds, "guard_ms": guard_milliseconds(root)}
    yield root
    shutil.rmtree(base)


def guard_milliseconds(root: Path) -> float:
    """The guard's verification of the bundle (signature, listing, every file hashed)."""
    key = load_manifest_tool().public_key(TEST_PUBLIC_KEY)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        assert installation.check(root, root / "_internal", key) == []
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def copy_of(bundle: Path, destination: Path) -> Path:
    """A copy made of hard links, except the manifest and its signature (rewritten by tests)."""
    shutil.copytree(bundle, destination, symlinks=True, copy_function=os.link)
    for name in (installation.MANIFEST_NAME, installation.SIGNATURE_NAME):
        (destination / "_internal" / name).unlink()
        shutil.copy2(bundle / "_internal" / name, destination / "_internal" / name)
    return destination


def replace(path: Path, data: bytes) -> None:
    """Write a new file in place of a hard link, never into the shared one."""
    path.unlink()
    path.write_bytes(data)


def resign(root: Path, key: Path = TEST_KEY) -> None:
    load_manifest_tool().write(root, root / "_internal", key, [])


def clean_environment(home: Path, **variables: str) -> list[str]:
    """`env -i` with HOME, LANG, QT_QPA_PLATFORM, and the tests' private PC/SC socket, so
    that the bundle never reaches the machine's own pcscd (tests/helpers/pcsc_stack.py)."""
    settings = {"HOME": str(home), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
                "PCSCLITE_CSOCK_NAME": os.environ["PCSCLITE_CSOCK_NAME"], **variables}
    return ["env", "-i", *(f"{name}={value}" for name, value in settings.items())]


def run(root: Path, *args: str, home: Path, **variables: str):
    """The bundle's `cabinet`, started from a clean environment."""
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run([*clean_environment(home, **variables), str(root / "cabinet"), *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=home,
                          timeout=120, check=False)


def demo(root: Path, tmp_path: Path, **variables: str):
    return run(root, "demo", "--no-gui", "--patients", "3", "--vault", str(tmp_path / "coffre"),
               home=tmp_path / "maison", **variables)


def assert_refused(result, door: str, tmp_path: Path) -> None:
    assert result.returncode == REFUSED, result.stdout + result.stderr
    assert "Cabinet refuse de démarrer" in result.stderr
    assert door in result.stderr, result.stderr
    assert not (tmp_path / "coffre").exists()  # refused before anything was done


def test_the_bundle_opens_a_demo_vault_from_an_empty_environment(bundle, tmp_path):
    result = demo(bundle, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "refuse" not in result.stderr
    assert "Coffre (démonstration)" in result.stdout
    assert "Patients : 3" in result.stdout


def test_the_window_opens_offscreen_on_the_bundled_qt(bundle, tmp_path):
    home = tmp_path / "maison"
    home.mkdir()
    command = [*clean_environment(home), str(bundle / "cabinet"), "demo", "--patients", "3",
               "--vault", str(tmp_path / "coffre")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=home) as process:
        try:
            maps = Path(f"/proc/{process.pid}/maps")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                if "libqoffscreen.so" in maps.read_text():
                    break
                time.sleep(0.2)
            time.sleep(1.0)  # the lock screen is shown, the event loop runs
            assert process.poll() is None, process.communicate()[1].decode()
            libraries = {line.split()[-1] for line in maps.read_text().splitlines()
                         if ".so" in line}
        finally:
            process.terminate()
            process.communicate(timeout=30)
    qt = {path for path in libraries if "Qt6" in path or "/plugins/" in path}
    assert any(path.endswith("/platforms/libqoffscreen.so") for path in qt)
    assert all(path.startswith(f"{bundle}/") for path in qt), sorted(qt)


def test_the_bundle_signs_a_prescription_and_verifies_it(bundle, tmp_path):
    folder = tmp_path / "coffre-signature"
    opened, _ = create_vault(folder, OWNER, SteppingClock(), "poste", demo_vault=True)
    ctx = build_context(opened)
    practice = marked_practice(ctx)
    ctx.lock()
    out = tmp_path / "sortie"
    out.mkdir()
    home = tmp_path / "maison"
    signed = run(bundle, "sign", "prescription", "--vault", str(folder), "--entry",
                 str(practice.prescription), "--to", str(out), home=home)
    assert signed.returncode == 0, signed.stderr
    pdf = re.search(r"Écrit : (.*)", signed.stdout).group(1)
    verified = run(bundle, "verify", pdf, home=home)
    assert verified.returncode == 0, verified.stderr
    assert "Document intact, signé par DEMO — sans valeur" in verified.stdout


def test_the_qt_plugins_that_open_doors_are_not_shipped(bundle):
    plugins = bundle / "_internal" / "PySide6" / "Qt" / "plugins"
    shipped = {p.relative_to(plugins).as_posix() for p in plugins.rglob("*.so")}
    assert "platforms/libqxcb.so" in shipped
    assert "platforms/libqwayland.so" in shipped
    for door in ("platforms/libqvnc.so", "platformthemes/libqgtk3.so"):
        assert door not in shipped
    assert not {p for p in shipped if p.split("/")[0] in ("generic", "tls",
                                                            "networkinformation")}
    assert not list((bundle / "_internal").glob("libgtk-3.so*"))
    translations = bundle / "_internal" / "PySide6" / "Qt" / "translations"
    assert {p.name for p in translations.iterdir()} == {"qt_fr.qm", "qtbase_fr.qm"}


def test_the_bundle_names_no_folder_of_the_build_machine(bundle):
    repository = INSTALLER.parent
    build_folders = [f"{repository}/src".encode(), f"file://{repository}".encode(),
                     str(bundle.parents[1]).encode()]
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert not [f for f in build_folders if f in data], path


def test_the_bundle_is_signed_with_the_test_key_and_says_so(bundle):
    manifest = installation.Manifest.from_bytes(
        (bundle / "_internal" / installation.MANIFEST_NAME).read_bytes())
    assert manifest.publisher.startswith("TEST-ONLY-publisher-ed25519")
    assert "cabinet" in manifest.files  # the executable, and the code archive inside it


def test_a_changed_byte_in_a_library_is_refused_by_name(bundle, tmp_path):
    root = copy_of(bundle, tmp_path / "copie")
    library = next((root / "_internal" / "sqlcipher3").glob("_sqlite3*.so"))
    data = bytearray(library.read_bytes())
    data[len(data) // 2] ^= 0x01
    replace(library, bytes(data))
    name = library.relative_to(root).as_posix()
    assert_refused(demo(root, tmp_path), f"le fichier {name} a été modifié", tmp_path)


def test_a_removed_file_is_refused_by_name(bundle, tmp_path):
    root = copy_of(bundle, tmp_path / "copie")
    (root / "_internal" / "cabinet" / "vault" / "migrations" / "0001_initial.sql").unlink()
    assert_refused(demo(root, tmp_path), "le fichier _internal/cabinet/vault/migrations/"
                   "0001_initial.sql manque à l'installation", tmp_path)


def test_an_added_module_is_refused_and_never_runs(bundle, tmp_path):
    marker = tmp_path / "marqueur"
    root = copy_of(bundle, tmp_path / "copie")
    # reportlab imports `reportlab_mods` if it can: a module beside the libraries would run.
    (root / "_internal" / "reportlab_mods.py").write_text(MARKER_CODE.format(marker=str(marker)))
    assert_refused(demo(root, tmp_path),
                   "le fichier _internal/reportlab_mods.py a été ajouté à l'installation",
                   tmp_path)
    assert not marker.exists()


@pytest.mark.parametrize("where", ["qt.conf", "_internal/PySide6/Qt/plugins/platforms/"
                                             "libqevil.so"])
def test_a_planted_qt_conf_or_qt_plugin_is_refused_by_name(bundle, tmp_path, where):
    """A qt.conf pointing elsewhere, or a plugin Qt would load from its own folder."""
    root = copy_of(bundle, tmp_path / "copie")
    planted = root / where
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text("[Paths]\nPlugins = /tmp/greffons\n")
    assert_refused(demo(root, tmp_path), f"le fichier {where} a été ajouté à l'installation",
                   tmp_path)


FLAGS_CODE = ("import json, pathlib, sys\n"
              "pathlib.Path({marker!r}).write_text(json.dumps({{\n"
              "    'flags': {{n: getattr(sys.flags, n) for n in ('isolated', 'no_site',\n"
              "              'ignore_environment', 'safe_path', 'no_user_site')}},\n"
              "    'site': 'site' in sys.modules, 'path': sys.path}}))\n")


def test_control_the_added_module_would_run_if_the_manifest_vouched_for_it(bundle, tmp_path):
    """It runs inside the bundle's process: it reports the interpreter's isolation too."""
    marker = tmp_path / "marqueur"
    root = copy_of(bundle, tmp_path / "copie")
    (root / "_internal" / "reportlab_mods.py").write_text(FLAGS_CODE.format(marker=str(marker)))
    resign(root)
    result = demo(root, tmp_path)
    assert result.returncode == 0, result.stderr
    assert marker.exists()  # so the refusal above is what kept it from running
    seen = json.loads(marker.read_text())
    assert seen["flags"] == {"isolated": 1, "no_site": 1, "ignore_environment": 1,
                             "safe_path": True, "no_user_site": 1}
    assert seen["site"] is False
    assert all(entry.startswith(f"{root}/_internal") for entry in seen["path"]), seen["path"]


def test_a_manifest_signed_with_another_key_is_refused(bundle, tmp_path):
    root = copy_of(bundle, tmp_path / "copie")
    (root / "_internal" / "reportlab_mods.py").write_text("")
    other = tmp_path / "autre.pem"
    other.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    resign(root, other)
    assert_refused(demo(root, tmp_path), "la signature du manifeste de l'installation "
                   "(cabinet-manifest.json) n'est pas celle de l'éditeur de Cabinet", tmp_path)


def test_the_interpreter_runs_without_site(bundle, tmp_path):
    marker = tmp_path / "marqueur"
    code = MARKER_CODE.format(marker=str(marker))
    root = copy_of(bundle, tmp_path / "copie")
    for name in ("sitecustomize.py", "usercustomize.py"):
        (root / "_internal" / name).write_text(code)
    (root / "_internal" / "zz-greffon.pth").write_text(code)  # an `import` line: site runs it
    resign(root)  # even vouched for by the manifest, nothing of site's runs
    user_site = tmp_path / "maison" / ".local" / "lib" / "python3.11" / "site-packages"
    user_site.mkdir(parents=True)
    (user_site / "usercustomize.py").write_text(code)
    (user_site / "zz-greffon.pth").write_text(code)
    result = demo(root, tmp_path)
    assert result.returncode == 0, result.stderr
    assert not marker.exists()


@pytest.mark.parametrize("variable", ["LD_LIBRARY_PATH", "PYTHONPATH", "QT_PLUGIN_PATH"])
def test_a_forbidden_variable_is_refused_in_the_bundle(bundle, tmp_path, variable):
    assert_refused(demo(bundle, tmp_path, **{variable: str(tmp_path / "greffons")}),
                   f"la variable d'environnement {variable} est définie", tmp_path)


def test_a_preloaded_library_never_reaches_the_image_that_runs_python(bundle, tmp_path):
    """A library preloaded into the bundle is refused by name; hiding itself takes it out.

    The bootloader starts, sets its library path, and executes itself again before Python
    starts. A library that erases its LD_PRELOAD ran once, in that first image only: the image
    that runs Python and unwraps keys never maps it. One that keeps it is refused by name.
    """
    library, marker = preload.hiding_library(tmp_path, str(bundle))
    assert demo(bundle, tmp_path, LD_PRELOAD=str(library)).returncode == 0
    assert marker.read_text().splitlines() == ["chargée"]  # before the restart, never after
    shutil.rmtree(tmp_path / "coffre")
    staying, _ = preload.hiding_library(tmp_path / "maison", "ne-se-cache-pas")
    assert_refused(demo(bundle, tmp_path, LD_PRELOAD=str(staying)),
                   f"la bibliothèque {staying} est chargée", tmp_path)


def test_a_reportlab_file_in_the_home_folder_is_refused_and_never_runs(bundle, tmp_path):
    marker = tmp_path / "marqueur"
    home = tmp_path / "maison"
    home.mkdir()
    (home / ".reportlab_mods").write_text(MARKER_CODE.format(marker=str(marker)))
    assert_refused(demo(bundle, tmp_path), f"le fichier {home / '.reportlab_mods'}", tmp_path)
    assert not marker.exists()


def test_the_bundle_exports_and_verifies_a_portability_archive_with_its_workers(bundle,
                                                                                 tmp_path):
    """Enough patients for the export to start worker processes: in the bundle each worker is
    the bundle's own executable, guard included, and must not run the command again."""
    home = tmp_path / "maison"
    made = run(bundle, "demo", "--no-gui", "--patients", "45", "--vault",
               str(tmp_path / "coffre"), home=home)
    assert made.returncode == 0, made.stderr
    media = tmp_path / "support"
    media.mkdir()
    exported = run(bundle, "archive", "export", "--vault", str(tmp_path / "coffre"), "--to",
                   str(media), home=home)
    assert exported.returncode == 0, exported.stderr
    assert "45 patient(s)" in exported.stdout
    archive = re.search(r"Archive écrite : (.*)", exported.stdout).group(1)
    lines = exported.stdout.splitlines()
    passphrase = lines[next(n for n, line in enumerate(lines) if "Phrase secrète" in line) + 1]
    verified = subprocess.run(
        [*clean_environment(home), str(bundle / "cabinet"), "archive", "verify", archive],
        input=passphrase.strip() + "\n", capture_output=True, text=True, cwd=home,
        timeout=120, check=False)
    assert verified.returncode == 0, verified.stderr
    assert "Archive intègre" in verified.stdout
    assert "45 patient(s)" in verified.stdout
