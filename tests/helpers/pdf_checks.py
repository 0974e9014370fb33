"""What independent tools say about a PDF: poppler (pdfsig, pdffonts, pdftotext) and qpdf.

`pdfsig` exits 0 even on a digest mismatch, so its output is parsed. A missing tool fails
the test with the command that installs it; nothing is skipped.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

INSTALL_HINT = "sudo apt-get install poppler-utils qpdf (or run: bash tests/run_all.sh as root)"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is missing: {INSTALL_HINT}", pytrace=False)
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)


def pdfsig_valid(path: Path) -> bool:
    """Every signature valid and covering the whole document, according to poppler."""
    output = _run("pdfsig", str(path)).stdout
    validations = re.findall(r"Signature Validation: (.*)", output)
    return bool(validations) and all(v.strip() == "Signature is Valid." for v in validations) \
        and "Total document signed" in output


def pdfsig_output(path: Path) -> str:
    """pdfsig's report, as a physician's verifier would read it."""
    return _run("pdfsig", str(path)).stdout


def fonts_all_embedded(path: Path) -> bool:
    """pdffonts lists at least one font and every one is embedded."""
    lines = _run("pdffonts", str(path)).stdout.splitlines()[2:]
    return bool(lines) and all(line.split()[-5] == "yes" for line in lines)


def qpdf_clean(path: Path) -> bool:
    """qpdf --check finds no structural error."""
    return _run("qpdf", "--check", str(path)).returncode == 0


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text poppler extracts (one page, or all)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", "-layout", *pages, str(path), "-").stdout


def page_count(path: Path) -> int:
    with pikepdf.open(path) as document:
        return len(document.pages)


def pdfa_identified(path: Path) -> bool:
    """XMP says PDF/A-2B and an output intent carries an ICC profile."""
    with pikepdf.open(path) as document:
        meta = document.open_metadata()
        intents = document.Root.get("/OutputIntents", [])
        return (meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "B"
                and len(intents) > 0 and "/DestOutputProfile" in intents[0])


def tamper_inside_signed_range(path: Path) -> Path:
    """A copy with one byte changed inside the first signed range (the page content)."""
    data = bytearray(path.read_bytes())
    first_range_end = int(re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)", data).group(1))
    stream = data.index(b"stream", 0, first_range_end) + len(b"stream\n") + 10
    data[stream] ^= 0x01
    changed = path.with_name(f"modifie-{path.name}")
    changed.write_bytes(bytes(data))
    return changed


def certified_without_changes(path: Path) -> bool:
    """The catalog names a certifying signature whose DocMDP allows no change (P 1)."""
    with pikepdf.open(path) as document:
        signature = document.Root.get("/Perms", {}).get("/DocMDP")
        if signature is None:
            return False
        references = signature.get("/Reference", [])
        return any(reference.get("/TransformMethod") == "/DocMDP"
                   and int(reference.TransformParams.get("/P", 2)) == 1
                   for reference in references)
