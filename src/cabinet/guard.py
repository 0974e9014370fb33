"""The startup guard (CONF-3): no foreign code may run inside Cabinet's process.

Runs first, from `cabinet.launcher`, with the standard library only. It refuses to go on
when a door for foreign code is open: an environment variable that makes Python, Qt or the
dynamic linker load code from elsewhere; a `.pth` file or a `sitecustomize`/`usercustomize`
module that no installed package ships; a file of the user's home that a library runs as
Python code (reportlab's `~/.reportlab_mods` and `~/.reportlab_settings`); a module already
imported from outside the installation. It then takes the working directory off `sys.path`
and installs a PEP 578 audit hook that refuses imports through a foreign `sys.path` entry
and `ctypes` loads of libraries that are not part of the installation or on the allowed list.

It also judges the shared objects actually mapped (`cabinet.loaded`), at start and again
before a data key is unwrapped. In development (`uv run`) the installation is the project's
own environment; its `cabinet` command (installer/cabinet-command) starts Python without
`site`, so a `.pth` never runs before the guard judges it. `python -m cabinet` runs `site`
first: the guard can then only refuse to continue. In that build
(PyInstaller, frozen) the installation is the bundle's folder, and the signed manifest of
every file it ships is checked first (`cabinet.installation`): a changed, added or missing
file is refused by name.
"""

import base64
import hashlib
import os
import sys
import sysconfig
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

from cabinet import loaded

FORBIDDEN_VARIABLES = (
    "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONINSPECT", "PYTHONUSERBASE",
    "PYTHONEXECUTABLE", "PYTHONBREAKPOINT", "PYTHONPLATLIBDIR", "PYTHON_KEYRING_BACKEND",
    "QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH", "QML2_IMPORT_PATH", "QML_IMPORT_PATH",
    "PYTHONPYCACHEPREFIX", "LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "GCONV_PATH",
    "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "DYLD_FALLBACK_LIBRARY_PATH",
    "DYLD_FRAMEWORK_PATH", "OPENSSL_CONF", "OPENSSL_MODULES", "OPENSSL_ENGINES",
)
CUSTOMIZE_MODULES = ("sitecustomize", "usercustomize")
# Files in the user's home that a library runs as Python code when it is imported (reportlab).
HOME_CODE_FILES = (".reportlab_mods", ".reportlab_settings")
ALLOWED_LIBRARY_NAMES = frozenset({"libpcsclite.so.1", "libpcsclite.so", "winscard.dll",
                                   "PCSC"})
EXIT_REFUSED = 3


class ForeignCode(ImportError):
    """Raised by the audit hook when code from outside the installation would load."""


def frozen() -> bool:
    """Whether this is the installer's build (PyInstaller) rather than a development run."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def installation_roots() -> tuple[Path, ...]:
    """Where code may come from: stdlib, packages, installed scripts, Cabinet's own folder.

    Cabinet's folder is the one holding the `cabinet` package: site-packages once installed,
    the project's `src` in the editable install `uv sync` makes. It stays on `sys.path`, so
    the export's worker processes, which start from the parent's `sys.path`, import Cabinet.
    """
    if frozen():
        from cabinet import installation

        return (installation.installation_root(),)
    paths = sysconfig.get_paths()
    roots = {Path(paths[key]).resolve()
             for key in ("stdlib", "platstdlib", "purelib", "platlib", "scripts")}
    roots.add(Path(__file__).resolve().parents[1])  # the folder `import cabinet` finds
    roots.add(Path(sys.base_prefix).resolve() / "lib")
    return tuple(sorted(roots))


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def variable_doors(environ: Mapping[str, str], *, bundle: str | None = None) -> list[str]:
    """The forbidden environment variables that are set.

    In the frozen build the bootloader sets LD_LIBRARY_PATH to its own folder (`bundle`),
    keeping any value it found in LD_LIBRARY_PATH_ORIG: only that exact value is accepted.
    """
    def set_by_bootloader(name: str) -> bool:
        return (bundle is not None and name == "LD_LIBRARY_PATH"
                and environ.get(name) == bundle and not environ.get(f"{name}_ORIG"))

    return [f"la variable d'environnement {name} est définie"
            for name in FORBIDDEN_VARIABLES if environ.get(name) and not set_by_bootloader(name)]


def home_doors(home: Path) -> list[str]:
    """Files of the user's home that a bundled library would run as code."""
    return [f"le fichier {home / name} serait exécuté par la bibliothèque PDF"
            for name in HOME_CODE_FILES if os.path.lexists(home / name)]


def _recorded_hashes(site_dir: Path, names: Sequence[str]) -> dict[str, str]:
    """Name → hash ("sha256=…") that an installed distribution's RECORD gives it."""
    hashes: dict[str, str] = {}
    for record in site_dir.glob("*.dist-info/RECORD"):
        text = "\n" + record.read_text("utf-8", "replace")
        for name in names:
            start = text.find(f"\n{name},")
            if start >= 0:
                hashes[name] = text[start + len(name) + 2:].partition(",")[0]
    return hashes


def _record_hash(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def site_doors(site_dirs: Sequence[Path]) -> list[str]:
    """`.pth` files and customize modules in the site folders that no package ships as is."""
    doors = []
    for site_dir in site_dirs:
        planted = [p for p in sorted([*site_dir.glob("*.pth"),
                                      *(site_dir / f"{m}.py" for m in CUSTOMIZE_MODULES)])
                   if p.exists()]
        if not planted:
            continue
        shipped = _recorded_hashes(site_dir, [p.name for p in planted])
        doors += [f"le fichier {p.name} ({p.parent}) n'appartient à aucun paquet installé, "
                  "ou a été modifié" for p in planted
                  if shipped.get(p.name) != _record_hash(p)]
    return doors


def site_folders() -> list[Path]:
    """Every folder whose `.pth` files Python's `site` runs (none without `site`)."""
    import site

    folders = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
               *site.getsitepackages()}
    if site.ENABLE_USER_SITE:
        folders.add(site.getusersitepackages())
    return [Path(folder) for folder in sorted(folders) if Path(folder).is_dir()]


def module_doors(modules: Mapping[str, object], roots: Sequence[Path]) -> list[str]:
    """Modules already imported from outside the installation (customize modules included)."""
    doors = []
    for name, module in list(modules.items()):
        filename = getattr(module, "__file__", None)
        if name in CUSTOMIZE_MODULES and filename:
            doors.append(f"le module {name} a été chargé ({filename})")
        elif filename and not _inside(_module_path(filename), roots):
            doors.append(f"le module {name} vient de {filename}, hors de l'installation")
    return doors


def _module_path(filename: str) -> Path:
    """A module's file; the frozen bootstrap's own modules are named relative to the bundle."""
    path = Path(filename)
    if not path.is_absolute() and frozen():
        path = Path(getattr(sys, "_MEIPASS", "")) / path
    return path.resolve()


def loaded_doors(modules: Collection[Path] = ()) -> list[str]:
    """Shared objects mapped into the process that are neither installed nor allowed.

    In development the interpreter's own `lib` folder is no root here (a system Python's is
    /usr/lib): only its libpython and standard library are.
    """
    base_library = Path(sys.base_prefix).resolve() / "lib"
    roots = [root for root in installation_roots() if frozen() or root != base_library]
    return [f"la bibliothèque {name} est chargée dans le logiciel sans y être autorisée"
            for name in loaded.foreign_mapped(roots, modules)]


def open_doors() -> list[str]:
    """Every open door, in French: the frozen build checks its signed manifest, not `site`."""
    if not frozen():
        return (variable_doors(os.environ) + loaded_doors()
                + home_doors(Path(os.path.expanduser("~")))
                + site_doors(site_folders()) + module_doors(sys.modules, installation_roots()))
    from cabinet import installation  # loads `cryptography` for the publisher's signature

    return (variable_doors(os.environ, bundle=getattr(sys, "_MEIPASS", None)) + loaded_doors()
            + home_doors(Path(os.path.expanduser("~"))) + installation.installation_doors()
            + module_doors(sys.modules, installation_roots()))


def close_working_directory(roots: Sequence[Path]) -> None:
    """Take the working directory (and any entry outside the installation) off sys.path."""
    sys.path[:] = [entry for entry in sys.path
                   if entry and _inside(Path(entry).resolve(), roots)]


def audit_hook(roots: Sequence[Path]) -> "object":
    """The PEP 578 hook: imports only through the installation's folders, no foreign ctypes."""
    checked: list[tuple[str, ...]] = []

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "import":
            current = tuple(sys.path)
            if checked and checked[-1] == current:
                return
            foreign = [e for e in current if not e or not _inside(Path(e).resolve(), roots)]
            if foreign:
                raise ForeignCode(f"Import refusé : {foreign[0]!r} ne fait pas partie de "
                                  "l'installation de Cabinet.")
            checked[:] = [current]
        elif event == "ctypes.dlopen":
            raw = args[0] if args else None
            if raw is None:
                return  # the process itself (dlopen(NULL))
            name = os.fsdecode(raw) if isinstance(raw, (str, bytes, os.PathLike)) else ""
            path = Path(name)
            if name in ALLOWED_LIBRARY_NAMES or (path.is_absolute() and
                                                 _inside(path.resolve(), roots)):
                return
            if _allowed_module(path):
                return
            raise ForeignCode(f"Chargement refusé de la bibliothèque {name!r}.")

    return hook


def _allowed_module(path: Path) -> bool:
    """A PKCS#11 module of the allowed list (imported late: `cabinet.card` is not stdlib-only)."""
    from cabinet.card.token import allowed_modules

    return path in allowed_modules()


def refusals_log() -> Path:
    """Where refused starts are noted for the next unlock to journal (never patient data).

    Computed with the standard library: after a refusal nothing else may be imported.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path.home() / ".local" / "state"
    return base / "Cabinet" / "demarrages-refuses.jsonl"


def note_refusal(doors: Sequence[str]) -> None:
    """Append one refused start to `refusals_log()`; a failure to write stops nothing."""
    import datetime as dt
    import json

    log = refusals_log()
    line = json.dumps({"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                       "doors": list(doors)}, ensure_ascii=False)
    try:
        log.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError:
        return


def refuse(doors: Sequence[str]) -> None:
    """Note the refusal, name each door in French and end the process (exit code 3)."""
    note_refusal(doors)
    print("Cabinet refuse de démarrer : du code étranger pourrait s'exécuter dans le "
          "logiciel.", file=sys.stderr)
    for door in doors:
        print(f"  - {door}", file=sys.stderr)
    print("Retirez ces éléments (ou réinstallez Cabinet), puis relancez.", file=sys.stderr)
    sys.stderr.flush()
    os._exit(EXIT_REFUSED)  # not SystemExit: PYTHONINSPECT would catch it


def enforce_loaded() -> None:
    """Judge the mapped libraries again just before a data key is unwrapped.

    A library may have been loaded since the start (a plugin, a module's dependency); the
    card's allowed PKCS#11 modules are expected by then.
    """
    from cabinet.card.token import allowed_modules

    doors = loaded_doors(allowed_modules())
    if doors:
        refuse(doors)


def enforce() -> None:
    """Refuse to start (French message, exit code 3) when a door is open; then lock them.

    A refusal is noted for the audit journal, which records it at the next unlock. The
    processes Cabinet starts (an export's workers) inherit PYTHONSAFEPATH: their working
    directory never comes first on their `sys.path` either.
    """
    doors = open_doors()
    if doors:
        refuse(doors)
    roots = installation_roots()
    close_working_directory(roots)
    os.environ["PYTHONSAFEPATH"] = "1"  # nor first on the path of a worker (`python -c …`)
    sys.addaudithook(audit_hook(roots))  # type: ignore[arg-type]
