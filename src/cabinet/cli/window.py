"""The window from the command line: opened only where a screen can show it."""

import os
import sys
from pathlib import Path

from cabinet.bootstrap import VaultDoor
from cabinet.cli.exit_codes import EXIT_KNOWN_ERROR


def run_gui(folder: Path) -> int:
    """Open the window on the vault in `folder` (Qt is imported only now)."""
    if not has_screen():
        print("Aucun écran n'est disponible (DISPLAY non défini) : la fenêtre ne peut pas "
              "s'ouvrir. Lancez la commande depuis une session graphique.", file=sys.stderr)
        return EXIT_KNOWN_ERROR
    from cabinet.ui.app import run

    return run(VaultDoor(folder))


def has_screen() -> bool:
    """On Linux, a window needs an X11 or Wayland display (or an explicit Qt platform)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in
               ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
