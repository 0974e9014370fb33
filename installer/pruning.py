"""What the bundle leaves out of what PyInstaller's hooks collect, and why (CONF-3).

Imported by `cabinet.spec` at build time. Qt's plugins are libraries that Qt loads when an
environment variable or the desktop names them: the bundle leaves out those that would open
a door if named, and that Cabinet does not need. Left out:

- `platforms`: `vnc` (a remote-display server, i.e. remote access), `eglfs`, `linuxfb`,
  `minimal`, `minimalegl`, `vkkhrdisplay` (embedded or test displays);
- `platformthemes/gtk3`: loads GTK, which loads its own modules (GTK_MODULES, gio);
- every `generic` plugin (input devices, and TUIO, which listens on the network), every `tls`
  and `networkinformation` plugin (Cabinet has no network use for Qt), and the
  `egldeviceintegrations` of eglfs;
- the libraries only those plugins needed, and Qt's translations other than French;
- the installers' bookkeeping in the packages' metadata (`direct_url.json`, uv's files),
  which names folders of the build machine.
"""

from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath

Entry = tuple[str, str, str]  # PyInstaller's TOC entry: destination, source, type

UNWANTED_PLUGIN_KINDS = frozenset({"generic", "tls", "networkinformation",
                                   "egldeviceintegrations"})
UNWANTED_PLUGINS = frozenset({("platforms", name) for name in (
    "qvnc", "qeglfs", "qlinuxfb", "qminimal", "qminimalegl", "qvkkhrdisplay")}
    | {("platformthemes", "qgtk3")})
KEPT_TRANSLATIONS = frozenset({"qt_fr.qm", "qtbase_fr.qm"})
INSTALLER_BOOKKEEPING = frozenset({"direct_url.json", "uv_build.json", "uv_cache.json"})


def _plugin(destination: str) -> tuple[str, str] | None:
    """(kind, name) of a Qt plugin, its name without `lib` and extension; else None."""
    parts = PurePath(destination).parts
    if "plugins" not in parts[:-2] or not parts[0].startswith("PySide6"):
        return None
    kind = parts[parts.index("plugins") + 1]
    name = parts[-1].split(".")[0]
    return kind, name.removeprefix("lib")


def unwanted_plugin(destination: str) -> bool:
    """Whether a collected file is a Qt plugin the bundle must not ship."""
    plugin = _plugin(destination)
    return plugin is not None and (plugin[0] in UNWANTED_PLUGIN_KINDS
                                   or plugin in UNWANTED_PLUGINS)


def _dependencies(entries: Iterable[Entry]) -> set[str]:
    """Names of the shared libraries these binaries link to (transitively, as ldd says)."""
    from PyInstaller.depend.bindepend import get_imports

    names: set[str] = set()
    for _, source, _ in entries:
        names |= {PurePath(name).name for name, _ in get_imports(source)}
    return names


def binaries(entries: Sequence[Entry]) -> list[Entry]:
    """The binaries without the unwanted plugins and the libraries only they link to."""
    dropped = [e for e in entries if unwanted_plugin(e[0])]
    kept = [e for e in entries if not unwanted_plugin(e[0])]
    top_level = {e[0] for e in kept
                 if "/" not in e[0] and "\\" not in e[0] and e[2] == "BINARY"}
    roots = [e for e in kept if e[0] not in top_level]
    orphans = (_dependencies(dropped) - _dependencies(roots)) & top_level
    return [e for e in kept if e[0] not in orphans or "python" in e[0]]


def datas(entries: Sequence[Entry]) -> list[Entry]:
    """The data files without foreign translations of Qt nor the installers' bookkeeping."""
    def wanted(destination: str) -> bool:
        path = PurePath(destination)
        if path.parts[0].endswith(".dist-info"):
            return path.name not in INSTALLER_BOOKKEEPING
        return "translations" not in path.parts[:-1] or not path.parts[0].startswith(
            "PySide6") or path.name in KEPT_TRANSLATIONS

    return [e for e in entries if wanted(e[0])]


def publisher_key_module(public_key_pem: Path, folder: Path) -> Path:
    """Write the module that compiles the publisher's public key into the executable."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = serialization.load_pem_public_key(public_key_pem.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise SystemExit(f"{public_key_pem}: not an Ed25519 public key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cabinet_publisher_key.py").write_text(
        '"""The publisher\'s Ed25519 public key, written by installer/cabinet.spec."""\n\n'
        f'PUBLIC_KEY = bytes.fromhex("{raw.hex()}")\n', "utf-8")
    return folder
