"""A preloaded library that hides itself: it notes each time it ran, then erases LD_PRELOAD.

Compiled with gcc for the tests of the guard's memory-map check (issue 19): the variable is
gone by the time the guard reads the environment, the library stays mapped.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

SOURCE = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* Erases LD_PRELOAD only inside PROGRAM, so that it passes any shell on the way unchanged. */
__attribute__((constructor)) static void hide(void) {
    char program[4096] = {0};
    if (readlink("/proc/self/exe", program, sizeof program - 1) < 0
            || !strstr(program, PROGRAM)) return;
    FILE *marker = fopen(MARKER, "a");
    if (marker) { fputs("chargée\n", marker); fclose(marker); }
    unsetenv("LD_PRELOAD");
}
"""


def hiding_library(folder: Path, program: str) -> tuple[Path, Path]:
    """The library (hiding itself in executables whose path holds `program`) and its marker."""
    if shutil.which("gcc") is None:
        pytest.fail("gcc is missing (bash tests/run_all.sh installs it)", pytrace=False)
    source, library = folder / "cache.c", folder / "libcache-polices.so"
    marker = folder / "marqueur"
    source.write_text(SOURCE)
    subprocess.run(["gcc", "-shared", "-fPIC", f'-DMARKER="{marker}"',
                    f'-DPROGRAM="{program}"', "-o", str(library), str(source)],
                   check=True, capture_output=True, timeout=60)
    return library, marker
