"""The drug base as the application reads it: opened read-only, checked, searched as typed.

Opening hashes the whole file against the SHA-256 recorded at import (`base.json`): about
30 MB, some tens of milliseconds, paid off the GUI thread by the caller (the lock screen does
not wait for it). A file changed since its import, cut short or unreadable is refused in
French; the caller then imports the shipped release again. Queries are lookups in tables the
import precomputed; one lock serialises them, as the connection may be opened on a worker
thread and searched on the GUI thread.
"""

import datetime as dt
import json
import re
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path
from types import TracebackType

from cabinet.domain.drugs import (
    Component,
    DrugHit,
    DrugRelease,
    Nature,
    Presentation,
    Speciality,
)
from cabinet.drugs.derive import shortage_label
from cabinet.drugs.errors import DrugBaseUnusable
from cabinet.drugs.importer import POINTER, file_sha256

_WORD = re.compile(r"\w+")
CIP_DIGITS = (7, 13)
DAMAGED = ("La base des médicaments est endommagée ({why}) : "
           "la version livrée avec Cabinet la remplace.")


class DrugBase:
    """A read-only connection to an imported BDPM release."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    @classmethod
    def open(cls, folder: Path) -> "DrugBase":
        """Open the base of `folder` after checking it against its recorded hash."""
        try:
            pointer = json.loads((folder / POINTER).read_text(encoding="utf-8"))
            name, expected = str(pointer["file"]), str(pointer["sha256"])
        except FileNotFoundError:
            raise DrugBaseUnusable("Aucune base des médicaments n'est encore installée.") \
                from None
        except (OSError, ValueError, KeyError, TypeError):
            raise DrugBaseUnusable(DAMAGED.format(why="sa description est illisible")) from None
        path = folder / Path(name).name  # a name in the folder, never a path elsewhere
        if not path.is_file():
            raise DrugBaseUnusable(DAMAGED.format(why="fichier absent"))
        try:
            if file_sha256(path) != expected:
                raise DrugBaseUnusable(DAMAGED.format(why="son empreinte ne correspond plus"))
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                                   check_same_thread=False)
            conn.execute("SELECT value FROM release WHERE key = 'published'").fetchone()
        except (OSError, sqlite3.Error):
            raise DrugBaseUnusable(DAMAGED.format(why="fichier illisible")) from None
        return cls(conn)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> "DrugBase":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _all(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return self._conn.execute(sql, parameters).fetchall()

    def release(self) -> DrugRelease:
        """The release the base holds: its date and each source file's SHA-256."""
        published = self._all("SELECT value FROM release WHERE key = 'published'")[0][0]
        hashes = self._all("SELECT name, sha256 FROM source_file ORDER BY name")
        return DrugRelease(dt.date.fromisoformat(str(published)),
                           {str(name): str(digest) for name, digest in hashes})

    def counts(self) -> dict[str, tuple[int, int]]:
        """Each source file's lines read and lines skipped (their speciality absent)."""
        return {str(name): (int(str(lines)), int(str(skipped))) for name, lines, skipped
                in self._all("SELECT name, lines, skipped FROM source_file ORDER BY name")}

    def search(self, text: str, limit: int = 30) -> list[DrugHit]:
        """Specialities by brand, DCI or box code (CIP13, CIP7), marketed first.

        Each word is a prefix, accents and case aside: « doli 1000 » finds DOLIPRANE 1000 mg.
        Marketed first; among them, matches by name before matches by DCI alone. Digits alone
        of a CIP's length are a scanned box.
        """
        compact = text.strip().replace(" ", "")
        if compact.isascii() and compact.isdigit() and len(compact) in CIP_DIGITS:
            column = "cip13" if len(compact) == 13 else "cip7"
            found = self._all(f"SELECT h.*, p.cip13 FROM presentation p JOIN hit h "
                              f"ON h.cis = p.cis WHERE p.{column} = ?", (compact,))
            if found:
                return [_hit(row) for row in found]
        query = _prefixes(text)
        if not query:
            return []
        named = set(self._ranks(f"name : ({query})", limit))
        ranks = named | set(self._ranks(query, limit))
        rows = self._all(f"SELECT *, '' FROM hit WHERE rank IN "
                         f"({', '.join('?' * len(ranks))})", tuple(ranks))
        rows.sort(key=lambda row: (not row[6], int(str(row[0])) not in named, int(str(row[0]))))
        return [_hit(row) for row in rows[:limit]]

    def _ranks(self, query: str, limit: int) -> list[int]:
        """The first matches of an FTS5 query, in display order (the index's rowid)."""
        return [int(str(rank)) for (rank,) in self._all(
            "SELECT rowid FROM hit_index WHERE hit_index MATCH ? ORDER BY rowid LIMIT ?",
            (query, limit))]

    def substances(self, text: str, limit: int = 30) -> list[tuple[str, str]]:
        """(code, name) of substances whose name has words starting as typed, for allergies."""
        query = _prefixes(text)
        if not query:
            return []
        return [(str(code), str(name)) for code, name in self._all(
            "SELECT code, name FROM substance WHERE id IN (SELECT rowid FROM substance_index "
            "WHERE substance_index MATCH ? ORDER BY rowid LIMIT ?) ORDER BY id", (query, limit))]

    def speciality(self, cis: str) -> Speciality:
        """Everything the base says of one speciality; KeyError when the CIS is unknown."""
        found = self._all("SELECT name, form, routes, marketed, reinforced FROM speciality "
                          "WHERE cis = ?", (cis,))
        if not found:
            raise KeyError(cis)
        name, form, routes, marketed, reinforced = found[0]
        components = tuple(
            Component(str(e), str(code), str(s), str(d), str(ref), Nature(str(n)), int(str(k)))
            for e, code, s, d, ref, n, k in self._all(
                "SELECT element, substance_code, substance, dosage, reference, nature, link "
                "FROM component WHERE cis = ? ORDER BY rowid", (cis,)))
        presentations = tuple(_presentation(row) for row in self._all(
            "SELECT cip7, cip13, label, marketed, reimbursement, price, units, shortage "
            "FROM presentation WHERE cis = ? ORDER BY cip13", (cis,)))
        conditions = tuple(str(t) for (t,) in self._all(
            "SELECT text FROM condition WHERE cis = ? ORDER BY rowid", (cis,)))
        group = self._all("SELECT label FROM generic WHERE cis = ? ORDER BY group_id LIMIT 1",
                          (cis,))
        latest = self._all("SELECT code FROM shortage WHERE cis = ? AND cip13 = '' "
                           "ORDER BY substr(started, 7) || substr(started, 4, 2) || "
                           "substr(started, 1, 2) DESC, rowid DESC LIMIT 1", (cis,))
        shortage = shortage_label(int(str(latest[0][0]))) if latest else ""
        return Speciality(
            cis, str(name), str(form), tuple(r.strip() for r in str(routes).split(";") if r),
            bool(marketed), bool(reinforced), components, presentations, conditions,
            str(group[0][0]) if group else "", shortage)

    def by_cip(self, code: str) -> tuple[Speciality, Presentation] | None:
        """The speciality and box of a CIP13 or CIP7 (a scanned box); None when unknown."""
        found = self._all("SELECT cis, cip13 FROM presentation WHERE cip13 = ? OR cip7 = ?",
                          (code, code))
        if not found:
            return None
        speciality = self.speciality(str(found[0][0]))
        box = next(p for p in speciality.presentations if p.cip13 == found[0][1])
        return speciality, box


def _prefixes(text: str) -> str:
    """An FTS5 query where each typed word is a quoted prefix (nothing typed is syntax)."""
    return " ".join(f'"{word}"*' for word in _WORD.findall(text))


def _hit(row: tuple[object, ...]) -> DrugHit:
    _, cis, name, form, dosage, routes, marketed, rate, group, warnings, cip13 = row
    return DrugHit(str(cis), str(name), str(form), str(dosage), str(routes), bool(marketed),
                   str(rate), str(group), tuple(str(warnings).split("\n")) if warnings else (),
                   str(cip13))


def _presentation(row: tuple[object, ...]) -> Presentation:
    cip7, cip13, label, marketed, rate, price, units, shortage = row
    return Presentation(str(cip7), str(cip13), str(label), bool(marketed), str(rate),
                        Decimal(str(price)) if price else None,
                        None if units is None else int(str(units)), str(shortage))
