"""The window comes up without the PDF, signature and archive libraries: they cost more than the
cold-start budget, and load when an export or an import starts."""

import subprocess
import sys

HEAVY = ("reportlab", "pyhanko", "pikepdf", "pypdfium2", "jsonschema", "fhir", "cabinet.archive")


def test_the_main_window_imports_no_pdf_or_archive_library():
    program = ("import sys\nimport cabinet.ui.app, cabinet.ui.main_window\n"
               f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"
