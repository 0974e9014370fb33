"""The shared objects actually mapped into this process (CONF-3), judged by the guard.

Environment variables say what the dynamic linker was asked to load; the memory map says what
it did load, including a preloaded library that erased its own LD_PRELOAD. Every file mapped
executable must be part of the installation (the bundle covered by its signed manifest, or the
verified environment in development), the interpreter itself, an allowed PKCS#11 module (and
the libraries of its vendor's folder), or one of the system's C, graphics, D-Bus, PC/SC and
printing libraries below: a short list of names, only from the system's library folders. The
list is what a run of Cabinet maps here (Debian 12, offscreen and under X11, PC/SC, OpenSC,
SoftHSM2, CUPS), plus the Mesa driver families a desktop with a graphics card adds. Standard
library only: it runs in the guard, before anything else.

On Linux the map is `/proc/self/maps`; elsewhere there is none to read here (see
installer/README.md for what Windows and macOS need).
"""

import re
import sys
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

MAPS = Path("/proc/self/maps")
SYSTEM_FOLDERS = tuple(Path(p) for p in ("/lib", "/lib64", "/usr/lib", "/usr/lib64"))
# Below a system folder: the multiarch folder, then Mesa's drivers and glibc's converters.
SYSTEM_SUBFOLDERS = re.compile(r"^(?:[a-z0-9_]+-linux-gnu[a-z0-9_]*/)?(?:dri/|gconv/)?[^/]+$")
SYSTEM_LIBRARIES = re.compile(
    r"^(?:ld-linux[\w.-]*|"
    # the C library and its companions, the C++ runtime
    r"lib(?:c|m|dl|rt|pthread|resolv|anl|util|nss_\w+|stdc\+\+|gcc_s|atomic)|"
    # compression, cryptography and the small libraries they and D-Bus pull in
    r"lib(?:z|bz2|lzma|lz4|zstd|brotli(?:common|dec|enc)|ssl|crypto|ffi|expat|uuid|"
    r"gcrypt|gpg-error|cap|systemd|udev|dbus-1|pcre2-8|bsd|md|selinux|mount|blkid)|"
    # what the standard library's own extension modules link to
    r"lib(?:sqlite3|mpdec|readline|ncursesw?|tinfo|gdbm(?:_compat)?|nsl|tirpc)|"
    # graphics: GL dispatch, X11 and xcb, fonts, Mesa's drivers and what they load
    r"lib(?:GL|GLX|GLX_mesa|GLdispatch|EGL|EGL_mesa|GLESv2|OpenGL|gbm|drm(?:_\w+)?|"
    r"X11|X11-xcb|Xau|Xdmcp|Xext|Xfixes|Xrender|Xi|Xcursor|Xrandr|Xxf86vm|xshmfence|"
    r"xcb(?:-[\w-]+)?|xkbcommon(?:-x11)?|wayland-\w+|fontconfig|freetype|png16|harfbuzz|"
    r"glib-2\.0|gthread-2\.0|gobject-2\.0|gmodule-2\.0|gio-2\.0|"
    r"LLVM[\w.-]*|elf|sensors|edit|xml2|icu\w+|vulkan|gallium[\w.-]*)|"
    r"\w+_dri|"
    # the PC/SC client library that talks to pcscd, OpenSC's PKCS#11 module's own library
    r"libpcsclite|libopensc|"
    # the CUPS client library Qt's print dialog loads, and its GnuTLS, Kerberos and Avahi
    r"lib(?:cups|gnutls|nettle|hogweed|gmp|p11-kit|tasn1|idn2|unistring|krb5|k5crypto|"
    r"krb5support|gssapi_krb5|com_err|keyutils|avahi-(?:client|common))"
    r")(?:[-.][\w.+-]*)?\.so(?:\.[\d.]+)?$")


def executable_mappings(maps: Iterable[str]) -> list[str]:
    """The files mapped with execute permission, each once, in the map's order."""
    seen: dict[str, None] = {}
    for line in maps:
        fields = line.rstrip("\n").split(maxsplit=5)
        if len(fields) == 6 and "x" in fields[1] and not fields[5].startswith("["):
            seen.setdefault(fields[5], None)
    return list(seen)


def system_library(path: Path) -> bool:
    """One of the allowed system libraries, in a system library folder."""
    for folder in SYSTEM_FOLDERS:
        if folder in path.parents:
            relative = path.relative_to(folder).as_posix()
            return bool(SYSTEM_SUBFOLDERS.match(relative)
                        and SYSTEM_LIBRARIES.match(path.name))
    return False


def foreign_libraries(mapped: Sequence[str], roots: Sequence[Path],
                      modules: Collection[Path] = ()) -> list[str]:
    """The mapped files that are none of the allowed kinds (a deleted file is never allowed)."""
    interpreter = Path(sys.executable).resolve()
    base_library = Path(sys.base_prefix).resolve() / "lib"
    allowed_modules = {module.resolve() for module in modules}
    # a vendor's module (Cryptolib CPS) brings its libraries in its own folder
    vendor_folders = {module.parent for module in allowed_modules
                      if not any(folder in module.parents for folder in SYSTEM_FOLDERS)}

    def allowed(name: str) -> bool:
        path = Path(name)
        return not name.endswith(" (deleted)") and path.is_absolute() and (
            path == interpreter or path in allowed_modules or path.parent in vendor_folders
            or system_library(path)
            or (path.parent == base_library and path.name.startswith("libpython"))
            or any(root in path.parents for root in roots))

    return [name for name in mapped if not allowed(name)]


def foreign_mapped(roots: Sequence[Path], modules: Collection[Path] = ()) -> list[str]:
    """The foreign shared objects mapped into this process now (none read off Linux).

    On Linux an unreadable map (no /proc) is itself refused: nothing could be judged.
    """
    if not sys.platform.startswith("linux"):
        return []
    try:
        with MAPS.open(encoding="utf-8", errors="surrogateescape") as maps:
            mapped = executable_mappings(maps)
    except OSError:
        return [str(MAPS)]
    return foreign_libraries(mapped, roots, modules)
