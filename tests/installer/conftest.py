"""The installer's tests: the `bundle` marker, the build-side manifest tool, the bundle's numbers.

`-m "not bundle"` leaves out the PyInstaller build (about half a minute) for a quick run; the
normal suite, and CI, run it.
"""

from types import ModuleType

import pytest
from installer_support import BUNDLE_NUMBERS, load_manifest_tool


def pytest_configure(config):
    config.addinivalue_line("markers", "bundle: builds and runs the PyInstaller bundle")


def pytest_terminal_summary(terminalreporter, config):
    numbers = config.stash.get(BUNDLE_NUMBERS, None)
    if numbers:
        terminalreporter.write_line(
            f"Bundle: {numbers['megabytes']:.0f} MB in {numbers['files']:.0f} files, "
            f"built in {numbers['build_seconds']:.0f} s; the guard verified it in "
            f"{numbers['guard_ms']:.0f} ms (median of 5, warm cache).")


@pytest.fixture(scope="session")
def manifest_tool() -> ModuleType:
    return load_manifest_tool()
