"""HPRIM Net files written from the format, as a laboratory's software would write them."""

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = (
    ("Glycémie à jeun", "GLY", "N", "1,32", "g/L", "0,70", "1,10", "H"),
    ("Potassium", "K", "N", "4,1", "mmol/L", "3,5", "5,0", ""),
    ("Hémoglobine glyquée", "HBA1C", "N", "7,4", "%", "4,0", "6,0", "H"),
)


@dataclass
class HprimFile:
    """One report; every part can be changed to write a malformed file."""

    last_name: str = "LEFEVRE"
    first_name: str = "Emilie"
    birth_date: str = "12/03/1961"
    nir: str = ""
    sampled_on: str = "02/11/2026"
    prescriber: str = "Dr MARTIN Jean"
    text: str = "Compte rendu d'analyses de biologie médicale.\nPrélèvement à jeun."
    results: tuple[tuple[str, ...], ...] = RESULTS
    comments: tuple[str, ...] = ("Contrôle à prévoir dans 3 mois.",)
    header_lines: int = 12
    end: str = "****FIN****\n****FINFICHIER****\n"
    extra_lines: list[str] = field(default_factory=list)

    def text_form(self) -> str:
        header = ["DOS4521", self.last_name, self.first_name, "12 rue des Lilas", "",
                  "75011 PARIS", self.birth_date, self.nir, "LAB-2026-0042",
                  self.sampled_on, self.prescriber, "Dr CABINET"][:self.header_lines]
        lab = [f"RES|{'|'.join(r)}|F|||||" if len(r) == 8 else f"RES|{'|'.join(r)}|"
               for r in self.results]
        lab += [f"RES|{c}||T|{c}|" for c in self.comments]
        return "\n".join([*header, self.text, "****LAB****", *lab, *self.extra_lines,
                          ""]) + self.end

    def encoded(self, encoding: str = "iso-8859-1") -> bytes:
        return self.text_form().replace("\n", "\r\n").encode(encoding)


def drop(folder: Path, name: str, content: bytes) -> Path:
    """Put a file in the reception folder as the messaging client does, already settled."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def monthly_files(months: int, **identity: str) -> list[bytes]:
    """One report a month going back from November 2026, values drifting."""
    files = []
    for month in range(months):
        year, index = divmod(2026 * 12 + 10 - month, 12)
        day = dt.date(year, index + 1, 5)
        files.append(HprimFile(sampled_on=f"{day:%d/%m/%Y}", results=tuple(
            (label, code, "N", f"{float(value.replace(',', '.')) + month % 7 / 10:.2f}"
             .replace(".", ","), unit, low, high, "")
            for label, code, _, value, unit, low, high, _ in RESULTS), **identity)
            .encoded())
    return files
