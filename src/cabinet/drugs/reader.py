"""Reading a BDPM release: every file decoded, every line and column checked, all in memory.

Nothing is written while reading: a release is refused whole (`ReleaseRefused`, naming the
file, the line and the value) before the base is touched. The official files are
Windows-1252, converted copies UTF-8: each file is tried as strict UTF-8 first (a cp1252 text
with accents is almost never valid UTF-8), then as cp1252; a file that is neither is refused.

The ANSM's own files are not wholly consistent: some presentations, generic groups, shortages
and drugs of major interest name a speciality that has left `CIS_bdpm.txt` (6, 2 454, 19 and
4 lines in January 2026). Those lines are skipped and counted, up to a share per file beyond
which the release is refused as mismatched (a `CIS_bdpm.txt` from another release, cut
short). Compositions and conditions must all name a speciality of the release.
"""

import contextlib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from cabinet.drugs import formats
from cabinet.drugs.errors import ReleaseRefused, quoted, refused
from cabinet.drugs.formats import FileFormat

Row = tuple[str, ...]
DANGLING_TOLERATED = {formats.PRESENTATIONS: 0.01, formats.GENERICS: 0.5,
                      formats.SHORTAGES: 0.05, formats.MAJOR_INTEREST: 0.01}
_UNIQUE = {formats.SPECIALITIES: (0,), formats.PRESENTATIONS: (1, 6)}


@dataclass(frozen=True)
class SourceFile:
    """What the release's file was: its hash as received, its encoding, its lines."""

    name: str
    sha256: str
    encoding: str
    lines: int  # lines read (blank lines left aside)
    skipped: int = 0  # lines naming a speciality absent from the release


@dataclass(frozen=True)
class Release:
    """A whole, checked release: each file's rows (cross-references resolved) and its facts."""

    rows: dict[str, list[Row]]
    files: tuple[SourceFile, ...]


def _cp1252_of_c1() -> dict[int, str]:
    table = {}
    for code in range(0x80, 0xA0):
        with contextlib.suppress(UnicodeDecodeError):
            table[code] = bytes([code]).decode("cp1252")
    return table


_C1_AS_CP1252 = _cp1252_of_c1()


def decode(name: str, data: bytes) -> tuple[str, str]:
    """The file's text and its encoding; a file in neither encoding is refused.

    A UTF-8 copy converted from Windows-1252 as if it were Latin-1 carries C1 control
    characters where the original had ’, œ or … (U+0092 for ’): they are read as meant.
    """
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
        return text.translate(_C1_AS_CP1252), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise refused(name, line, "le fichier n'est ni en UTF-8 ni en Windows-1252 "
                      "(caractère illisible)") from None


def parse(fmt: FileFormat, text: str) -> tuple[list[Row], list[int]]:
    """Each non-blank line split and checked; the line numbers go alongside the rows."""
    lines = text.split("\n")
    if lines[-1] != "":
        raise refused(fmt.name, len(lines), "la dernière ligne est coupée (fichier tronqué)")
    rows: list[Row] = []
    numbers: list[int] = []
    expected = len(fmt.columns)
    for number, raw in enumerate(lines[:-1], start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        values = line.split("\t")
        if len(values) == expected + 1 and values[-1] == "":
            values.pop()
        if len(values) != expected:
            raise refused(fmt.name, number,
                          f"la ligne a {len(values)} colonnes au lieu de {expected}")
        for check, value in zip(fmt.columns, values, strict=True):
            problem = check(value)
            if problem is not None:
                raise refused(fmt.name, number, problem)
        rows.append(tuple(values))
        numbers.append(number)
    if not rows and fmt.required:
        raise refused(fmt.name, None, "le fichier est vide")
    return rows, numbers


def _check_unique(fmt: FileFormat, rows: list[Row], numbers: list[int]) -> None:
    for column in _UNIQUE.get(fmt.name, ()):
        seen: dict[str, int] = {}
        for row, number in zip(rows, numbers, strict=True):
            first = seen.setdefault(row[column], number)
            if first != number:
                raise refused(fmt.name, number,
                              f"le code {quoted(row[column])} figure déjà ligne {first}")


def _resolve(fmt: FileFormat, rows: list[Row], numbers: list[int],
             known: set[str]) -> tuple[list[Row], int]:
    """The rows whose speciality exists; too many strangers refuse the release."""
    kept = [row for row in rows if row[fmt.cis_column] in known]
    skipped = len(rows) - len(kept)
    if skipped > DANGLING_TOLERATED.get(fmt.name, 0.0) * len(rows):
        number, row = next((n, r) for n, r in zip(numbers, rows, strict=True)
                           if r[fmt.cis_column] not in known)
        raise refused(fmt.name, number,
                      f"la spécialité {quoted(row[fmt.cis_column])} est absente de "
                      f"{formats.SPECIALITIES} ({skipped} ligne(s) sur {len(rows)} dans ce cas)")
    return kept, skipped


def read_release(files: Mapping[str, bytes]) -> Release:
    """Check a whole release given as file name -> content; refuse it at the first fault."""
    for fmt in formats.FORMATS:
        if fmt.required and fmt.name not in files:
            raise ReleaseRefused(f"{fmt.name} : fichier absent de la version téléchargée.")
    rows: dict[str, list[Row]] = {}
    facts: list[SourceFile] = []
    known: set[str] = set()
    for fmt in formats.FORMATS:
        if fmt.name not in files:
            continue
        data = files[fmt.name]
        text, encoding = decode(fmt.name, data)
        parsed, numbers = parse(fmt, text)
        _check_unique(fmt, parsed, numbers)
        skipped = 0
        if fmt.name == formats.SPECIALITIES:
            known = {row[0] for row in parsed}
        else:
            parsed, skipped = _resolve(fmt, parsed, numbers, known)
        rows[fmt.name] = parsed
        facts.append(SourceFile(fmt.name, hashlib.sha256(data).hexdigest(), encoding,
                                len(numbers), skipped))
    return Release(rows, tuple(facts))
