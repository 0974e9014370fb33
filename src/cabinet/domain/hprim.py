"""HPRIM Santé « HPRIM Net » text files, as laboratories send results: read whole or refused.

The layout is the published H.PR.I.M. Médecins header, twelve lines: 1 the laboratory's code
for the patient, 2 last name, 3 first name, 4-5 address, 6 postcode and city, 7 birth date
(JJ/MM/AAAA), 8 NIR (may be empty), 9 the laboratory's file reference, 10 the sample date,
11 the prescriber (sender's code), 12 the recipient. Then the report's text; then a
`****LAB****` section of `RES|label|code|type|value|unit|low|high|flag|status|unit2|value2|
low2|high2|` lines (type N numeric, A alphanumeric, T a text line continuing the result
above); `****FIN****` ends the report and `****FINFICHIER****` the file.

A file is either read entirely or refused with a French reason that names the line but never
a value from it (a refusal may be written beside the file: no patient data in clear there).
One report per file: a file holding several is refused, never split.
"""

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

HEADER_LINES = 12
LAB_MARK = "****LAB****"
END_MARKS = ("****FIN****", "****FINFICHIER****")
ABNORMAL_FLAGS = frozenset({"H", "L", "HH", "LL", "A", "AA", "+", "-", "++", "--", "P"})
"""Flags a laboratory sets on an abnormal value (« N » or empty: normal)."""
_VALUE_FIELDS = 9  # label, code, type, value, unit, low, high, flag, status
_TEXT_FIELDS = 4  # label, code, type, value
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class HprimError(ValueError):
    """The file is refused; the French message names what and where, never a value."""


@dataclass(frozen=True)
class HprimHeader:
    """The patient, the sample and the prescriber, as the laboratory wrote them."""

    patient_code: str
    last_name: str
    first_name: str
    address: str
    postcode_city: str
    birth_date: dt.date
    nir: str
    reference: str
    sampled_on: dt.date
    prescriber: str
    recipient: str


@dataclass(frozen=True)
class LabValue:
    """One analyte's result; `number` is None when the value is not a plain number."""

    label: str
    code: str
    kind: str
    value: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    flag: str = ""
    status: str = ""
    comment: str = ""
    number: float | None = field(default=None)

    def abnormal(self) -> bool:
        """Flagged abnormal by the laboratory, or a number outside its normal bounds."""
        if self.flag.upper() in ABNORMAL_FLAGS:
            return True
        if self.number is None:
            return False
        return ((self.low is not None and self.number < self.low)
                or (self.high is not None and self.number > self.high))


@dataclass(frozen=True)
class HprimReport:
    """A whole file: its header, the report's text and its structured values."""

    header: HprimHeader
    text: str
    values: tuple[LabValue, ...]
    encoding: str


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8, else Windows-1252 (a superset of ISO-8859-1's text).

    Anything else (UTF-16, binary, bytes CP1252 leaves undefined, control characters) is an
    unknown encoding and refused.
    """
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROLS.search(text):
            break
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    raise HprimError("Encodage du fichier inconnu (ni UTF-8, ni ISO-8859-1/Windows-1252).")


def french_number(text: str) -> float | None:
    """A number written either way (« 5,4 » or « 5.4 »), or None."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return None
    return float(cleaned)


def _date(text: str, line: int, what: str) -> dt.date:
    match = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", text.strip())
    try:
        if match is None:
            raise ValueError
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise HprimError(f"Ligne {line} : {what} n'est pas une date JJ/MM/AAAA valide.") from None


def _header(lines: list[str]) -> HprimHeader:
    if len(lines) < HEADER_LINES or any(m in x for x in lines[:HEADER_LINES]
                                         for m in (LAB_MARK, *END_MARKS)):
        raise HprimError("En-tête tronqué : les 12 lignes d'identification sont attendues.")
    h = [x.strip() for x in lines[:HEADER_LINES]]
    if not h[1] or not h[2]:
        raise HprimError("Lignes 2 et 3 : le nom et le prénom du patient manquent.")
    nir = re.sub(r"\s", "", h[7]).upper()
    if nir and not re.fullmatch(r"[12478]\d[\dAB]{11}(\d{2})?", nir):
        raise HprimError("Ligne 8 : le NIR n'a pas la forme d'un numéro de sécurité sociale.")
    return HprimHeader(
        patient_code=h[0], last_name=h[1], first_name=h[2],
        address=" ".join(x for x in (h[3], h[4]) if x), postcode_city=h[5],
        birth_date=_date(h[6], 7, "la date de naissance"), nir=nir, reference=h[8],
        sampled_on=_date(h[9], 10, "la date du prélèvement"), prescriber=h[10],
        recipient=h[11])


def _bound(text: str) -> float | None:
    return french_number(text) if text.strip() else None


def _values(lines: list[tuple[int, str]]) -> tuple[LabValue, ...]:
    values: list[LabValue] = []
    for number, line in lines:
        if not line.strip():
            continue
        if not line.startswith("RES|"):
            raise HprimError(f"Ligne {number} : ligne inattendue dans la partie ****LAB****.")
        fields = [f.strip() for f in line.split("|")[1:]]
        kind = fields[2].upper() if len(fields) > 2 else ""
        needed = _TEXT_FIELDS if kind == "T" else _VALUE_FIELDS
        if len(fields) < needed or kind not in ("N", "A", "T"):
            raise HprimError(f"Ligne {number} : ligne RES incomplète ou de type inconnu "
                             f"({needed} champs attendus).")
        if kind == "T":
            if values:
                last = values.pop()
                values.append(dataclasses.replace(
                    last, comment=f"{last.comment}\n{fields[3]}".strip()))
            else:
                values.append(LabValue(fields[0], fields[1], "T", fields[3]))
            continue
        value = fields[3]
        values.append(LabValue(
            label=fields[0], code=fields[1], kind=kind, value=value, unit=fields[4],
            low=_bound(fields[5]), high=_bound(fields[6]), flag=fields[7], status=fields[8],
            number=french_number(value) if kind == "N" else None))
    return tuple(values)


def parse(data: bytes) -> HprimReport:
    """Read a whole HPRIM Net file, or raise `HprimError` in French."""
    text, encoding = decode(data)
    lines = text.splitlines()
    header = _header(lines)
    ends = [i for i, x in enumerate(lines) if x.strip() in END_MARKS]
    if not ends:
        raise HprimError("Fichier tronqué : la marque de fin ****FIN**** manque.")
    end = ends[0]
    trailing = [x.strip() for x in lines[end + 1:] if x.strip()]
    if any(x not in END_MARKS for x in trailing):
        raise HprimError("Ce fichier contient plusieurs comptes rendus : Cabinet n'en lit "
                         "qu'un par fichier.")
    body = lines[HEADER_LINES:end]
    lab = next((i for i, x in enumerate(body) if x.strip() == LAB_MARK), len(body))
    report_text = "\n".join(body[:lab]).strip()
    numbered = [(HEADER_LINES + lab + 2 + i, x) for i, x in enumerate(body[lab + 1:])]
    return HprimReport(header, report_text, _values(numbered), encoding)
