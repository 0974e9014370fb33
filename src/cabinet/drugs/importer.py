"""Importing a BDPM release into the drug base: checked whole first, then swapped in at once.

The base is a plain SQLite file (public data, never in the vault) built under a hidden
temporary name in its own folder, fsync'd, then renamed to a name carrying its SHA-256. Only
then is the small `base.json` beside it rewritten atomically to name the new file and its
hash: that one rename is the moment the new release takes over. A crash or a kill at any
earlier point leaves `base.json` naming the previous file, still whole; leftovers are removed
by the next import.
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from cabinet.domain.drugs import Component, DrugRelease, Nature, Speciality
from cabinet.drugs import derive, formats
from cabinet.drugs.reader import Release, Row, read_release
from cabinet.drugs.schema import SCHEMA
from cabinet.durability import sync_directory
from cabinet.vault.atomic import write_atomically

POINTER = "base.json"
BASE_PREFIX = "bdpm-"
BASE_SUFFIX = ".sqlite3"
HASH_CHUNK = 1 << 20
HOMEOPATHY = "Enreg homéo"  # the AMM procedure of homeopathic registrations


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def import_release(files: Mapping[str, bytes], folder: Path, published: dt.date) -> DrugRelease:
    """Check `files` (name -> content) whole, then make them the base in `folder`.

    Raises `ReleaseRefused` before anything is written when a file is wrong.
    """
    release = read_release(files)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{BASE_PREFIX}", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _build(tmp, release, published)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        digest = file_sha256(tmp)
        target = folder / f"{BASE_PREFIX}{digest[:16]}{BASE_SUFFIX}"
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    sync_directory(folder)
    write_atomically(folder / POINTER, json.dumps(
        {"file": target.name, "sha256": digest}).encode("utf-8"))
    _remove_others(folder, target.name)
    return DrugRelease(published, {f.name: f.sha256 for f in release.files})


def _remove_others(folder: Path, kept: str) -> None:
    """Earlier bases and leftovers of interrupted imports (an open one may stay, elsewhere)."""
    for path in folder.iterdir():
        stale_base = path.name.startswith(BASE_PREFIX) and path.name.endswith(BASE_SUFFIX)
        leftover = path.name.startswith(f".{BASE_PREFIX}") and path.name.endswith(".tmp")
        if (stale_base and path.name != kept) or leftover:
            with contextlib.suppress(OSError):
                path.unlink()


def _build(path: Path, release: Release, published: dt.date) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        conn.executescript(SCHEMA)
        with conn:
            _fill(conn, release, published)
        conn.execute("PRAGMA optimize")
        conn.execute("VACUUM")
    finally:
        conn.close()


def _fill(conn: sqlite3.Connection, release: Release, published: dt.date) -> None:
    rows = release.rows
    conn.execute("INSERT INTO release VALUES ('published', ?)", (published.isoformat(),))
    conn.executemany("INSERT INTO source_file VALUES (?, ?, ?, ?, ?)",
                     [(f.name, f.sha256, f.encoding, f.lines, f.skipped) for f in release.files])
    conn.executemany("INSERT INTO speciality VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [(r[0], r[1].strip(), r[2].strip(), r[3], int(r[6] == "Commercialisée"),
                       int(r[11] == "Oui"), r[4], r[7], r[10].strip())
                      for r in rows[formats.SPECIALITIES]])
    conn.executemany("INSERT INTO component VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(r[0], r[1], r[2], r[3], r[4], r[5], r[6], int(r[7]))
                      for r in rows[formats.COMPOSITIONS]])
    conn.executemany("INSERT INTO condition VALUES (?, ?)", rows[formats.CONDITIONS])
    conn.executemany("INSERT INTO generic VALUES (?, ?, ?, ?, ?)",
                     [(int(r[0]), r[1], r[2], int(r[3]), int(r[4]))
                      for r in rows[formats.GENERICS]])
    shortages = rows.get(formats.SHORTAGES, [])
    conn.executemany("INSERT INTO shortage VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(r[0], r[1], int(r[2]), r[3], r[4], r[5], r[6]) for r in shortages])
    conn.executemany("INSERT INTO major_interest VALUES (?, ?)",
                     [(r[0], r[1]) for r in rows.get(formats.MAJOR_INTEREST, [])])
    status = derive.latest_shortages(shortages)
    _fill_presentations(conn, rows[formats.PRESENTATIONS], status)
    _fill_substances(conn, rows[formats.COMPOSITIONS])
    _fill_hits(conn, release, status)


def _fill_presentations(conn: sqlite3.Connection, rows: list[Row],
                        status: Mapping[tuple[str, str], int]) -> None:
    def shortage(row: Row, marketed: bool) -> str:
        code = status.get((row[0], row[6])) or (status.get((row[0], "")) if marketed else None)
        return derive.shortage_label(code or 0)

    conn.executemany("INSERT INTO presentation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (r[6], r[1], r[0], r[2], int(marketed), derive.normal_rate(r[8]), derive.price(r[9]),
         derive.units(r[2]), shortage(r, marketed))
        for r in rows for marketed in (r[4] == "Déclaration de commercialisation",)])


def _fill_substances(conn: sqlite3.Connection, rows: list[Row]) -> None:
    """Each substance code once, under the name most compositions give it."""
    names: dict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        names[row[2]][row[3]] += 1
    chosen = sorted(((max(counts, key=lambda n: (counts[n], n)), code)
                     for code, counts in names.items()), key=lambda item: _folded(item[0]))
    conn.executemany("INSERT INTO substance (id, code, name) VALUES (?, ?, ?)",
                     [(number, code, name) for number, (name, code) in enumerate(chosen, 1)])
    conn.executemany("INSERT INTO substance_index (rowid, name) VALUES (?, ?)",
                     [(number, name) for number, (name, _) in enumerate(chosen, 1)])


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fill_hits(conn: sqlite3.Connection, release: Release,
               status: Mapping[tuple[str, str], int]) -> None:
    """One search line per speciality, numbered marketed first, homeopathy last, by name."""
    rows = release.rows
    components: defaultdict[str, list[Component]] = defaultdict(list)
    for r in rows[formats.COMPOSITIONS]:
        components[r[0]].append(Component(r[1], r[2], r[3], r[4], r[5], Nature(r[6]), int(r[7])))
    rates: defaultdict[str, list[str]] = defaultdict(list)
    for r in rows[formats.PRESENTATIONS]:
        rates[r[0]].append(r[8])
    groups: dict[str, str] = {}
    for r in sorted(rows[formats.GENERICS], key=lambda r: int(r[0])):
        groups.setdefault(r[2], r[1])
    worst: dict[str, int] = {}
    for (cis, _), code in status.items():
        if code in derive.SHORTAGE_WARNINGS:
            worst[cis] = min(code, worst.get(cis, code))
    specialities = sorted(rows[formats.SPECIALITIES],
                          key=lambda r: (r[6] != "Commercialisée", r[5].startswith(HOMEOPATHY),
                                         _folded(r[1].strip())))
    hits, terms = [], []
    for rank, r in enumerate(specialities, 1):
        cis, marketed, monitored = r[0], r[6] == "Commercialisée", r[11] == "Oui"
        found = components.get(cis, [])
        substances = Speciality(cis, "", "", (), marketed, monitored,
                                components=tuple(found)).substances()
        warnings = [derive.SHORTAGE_WARNINGS[worst[cis]]] if cis in worst else []
        warnings += [derive.MONITORING] * monitored + [derive.NOT_MARKETED] * (not marketed)
        hits.append((rank, cis, r[1].strip(), r[2].strip(), derive.dosage_label(substances),
                     r[3].replace(";", ", "), int(marketed), derive.best_rate(rates[cis]),
                     groups.get(cis, ""), "\n".join(warnings)))
        terms.append((rank, r[1], " ".join(sorted({c.substance for c in found}))))
    conn.executemany("INSERT INTO hit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", hits)
    conn.executemany("INSERT INTO hit_index (rowid, name, substances) VALUES (?, ?, ?)", terms)
