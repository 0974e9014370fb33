"""What the installer's tests share: installer/, its manifest tool, the bundle's numbers."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

INSTALLER = Path(__file__).resolve().parents[2] / "installer"
BUNDLE_NUMBERS = pytest.StashKey[dict[str, float]]()


def load_manifest_tool() -> ModuleType:
    """installer/manifest.py, which is a script, not a package."""
    if "installer_manifest" in sys.modules:
        return sys.modules["installer_manifest"]
    spec = importlib.util.spec_from_file_location("installer_manifest", INSTALLER / "manifest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
